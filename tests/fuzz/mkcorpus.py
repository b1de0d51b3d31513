#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/).

Each seed is an input the unit tests or the runner already use, laid out
the way the target reads its bytes (see the comment at the top of each
tests/fuzz/fuzz_*.c).  Run it again after changing a layout:

    python3 tests/fuzz/mkcorpus.py
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def pad8(b):
    return b + b'\0' * (-len(b) % 8)


def fix_sum(b, length, at):
    b[at] = 0
    b[at] = -sum(b[:length]) & 0xff


# ---- multiboot2 (tests/test_bootinfo.c: mb2 builders, good_map) ----------

def mb2_tag(tag_type, payload):
    return pad8(struct.pack('<II', tag_type, 8 + len(payload)) + payload)


def mb2_info(tags):
    body = b''.join(tags) + mb2_tag(0, b'')
    return struct.pack('<II', 8 + len(body), 0) + body


def rsdp_bytes(rev):
    b = bytearray(36)
    b[0:8] = b'RSD PTR '
    b[9:15] = b'PVKTST'
    b[15] = rev
    struct.pack_into('<IIQ', b, 16, 0x110000, 36, 0x100000)
    fix_sum(b, 20, 8)
    fix_sum(b, 36, 32)
    return bytes(b)


GOOD_MAP = [(0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0x100000, 0x7ee0000, 1)]


def mb2_seeds():
    mmap = struct.pack('<II', 24, 0) + b''.join(
        struct.pack('<QQII', a, n, t, 0) for a, n, t in GOOD_MAP)
    grub = mb2_info([
        mb2_tag(1, b'console=ttyS0 selftest=all\0'),
        mb2_tag(2, b'GRUB 2.06-13\0'),
        mb2_tag(3, struct.pack('<II', 0x400000, 0x401234) + b'initrd\0'),
        mb2_tag(4, struct.pack('<II', 639, 130048)),
        mb2_tag(6, mmap),
        mb2_tag(14, rsdp_bytes(0)[:20]),
        mb2_tag(15, rsdp_bytes(2)),
    ])
    write('fuzz_multiboot2', 'grub-bios', grub)

    # UEFI: EFI memory map (version 1, 48-byte descriptors), EFI64 system
    # table tag; the system table and its configuration table follow the
    # info block in memory.
    descs = [(7, 0, 0x9f), (4, 0x100000, 0x100), (3, 0x200000, 0x10),
             (6, 0x7f000000, 0x20), (10, 0x7f020000, 0x8)]
    efi_mmap = struct.pack('<II', 48, 1) + b''.join(
        struct.pack('<IIQQQQ8x', t, 0, a, 0, n, 0xf) for t, a, n in descs)
    head = [mb2_tag(1, b'\0'), mb2_tag(2, b'GRUB 2.06-13\0'),
            mb2_tag(17, efi_mmap), mb2_tag(20, struct.pack('<Q', 0x7e00000))]
    size = len(mb2_info(head + [mb2_tag(12, struct.pack('<Q', 0))]))
    systab = size
    cfg = systab + 120
    efi = mb2_info(head + [mb2_tag(12, struct.pack('<Q', systab))])
    st = bytearray(120)
    struct.pack_into('<Q', st, 0, 0x5453595320494249)
    struct.pack_into('<QQ', st, 104, 2, cfg)
    acpi20 = bytes([0x71, 0xe8, 0x68, 0x88, 0xf1, 0xe4, 0xd3, 0x11,
                    0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81])
    smbios3 = bytes([0x44, 0x15, 0xfd, 0xf2, 0x94, 0x97, 0x2c, 0x4a,
                     0x99, 0x2e, 0xe5, 0xbb, 0xcf, 0x20, 0xe3, 0x94])
    table = smbios3 + struct.pack('<Q', 0x7f000000) + \
        acpi20 + struct.pack('<Q', 0x7f001000)
    write('fuzz_multiboot2', 'grub-uefi', efi + bytes(st) + table)


# ---- PVH (tests/test_bootinfo.c: pvh_good_start_info) --------------------

def pvh_seeds():
    si_len, memmap, modlist, cmd, modstr = 56, 64, 136, 200, 232
    pvh_map = [(0, 0x9f000, 1), (0xfc000000, 0x4000000, 2),
               (0x100000, 0x3ff00000, 1)]
    mem = bytearray(256)
    struct.pack_into('<IIIIQQQQII', mem, 0, 0x336ec578, 1, 0, 2, modlist,
                     cmd, 0xfc009000, memmap, 3, 0)
    for i, (a, n, t) in enumerate(pvh_map):
        struct.pack_into('<QQII', mem, memmap + 24 * i, a, n, t, 0)
    struct.pack_into('<QQQQ', mem, modlist, 0x400000, 0x1234, modstr, 0)
    struct.pack_into('<QQQQ', mem, modlist + 32, 0x500000, 0x2000, 0, 0)
    mem[cmd:cmd + 19] = b'console=hvc0 quiet\0'
    mem[modstr:modstr + 7] = b'initrd\0'
    assert si_len <= memmap
    write('fuzz_pvh', 'start-info', bytes(mem))


# ---- command line (tests/test_cmdline.c, the runner's rows) --------------

CMDLINES = [
    'console=ttyS0 quiet',
    'maxcpus=2',
    'nosmp loglevel=7',
    'maxcpus=99 loglevel=banana frobnicate bench=maybe "loglevel=6',
    'selftest=all ip=10.0.0.2/24',
    'selftest=xen_blkfront,xen_blkfront_untrusted xen_blkfront.persistent=0',
    'selftest=xen_blkfront_bench,netfront_serve ip=10.0.0.2/24',
    'evtchn=2l gnttab=v2 xen_callback=vector',
    'xen_emul_unplug=never xen_nopv xen_nopvspin=off',
    'netfront=bounce,no-csum,queues=1 maxcpus=0x10 loglevel=-2147483648',
    'console="a b" quiet=\\"1\\" bench=y',
]


def cmdline_seeds():
    for i, line in enumerate(CMDLINES):
        write('fuzz_cmdline', 'line%02d' % i, line.encode())


# ---- ACPI (tests/test_acpi.c: build_std) ---------------------------------

RSDP, XSDT, RSDT, MADT, FADT, DSDT, HPET = (
    0x10, 0x40, 0x80, 0xc0, 0x140, 0x240, 0x2c0)
S5 = bytes([0x10, 0x05]) + b'_SB_' + bytes([0x08]) + b'\\_S5_' + bytes(
    [0x12, 0x0a, 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x0a, 0x00, 0x0a, 0x00])


def table(sig, body):
    b = bytearray(sig + struct.pack('<IB', 36 + len(body), 2) + b'\0' +
                  b'PVKTST' + b'\0' * 20 + body)
    fix_sum(b, len(b), 9)
    return bytes(b)


def acpi_seeds():
    mem = bytearray(0x300)
    tables = [MADT, FADT, HPET]
    madt = struct.pack('<II', 0xfee00000, 1)
    for i in range(2):
        madt += struct.pack('<BBBBI', 0, 8, i, i, 1)
    madt += struct.pack('<BBBBII', 1, 12, 0, 0, 0xfec00000, 0)
    madt += struct.pack('<BBBBIH', 2, 10, 0, 0, 2, 0)
    madt += struct.pack('<BBBBIH', 2, 10, 0, 9, 9, 0xd)
    fadt = bytearray(244 - 36)
    struct.pack_into('<I', fadt, 48 - 36, 0xb2)
    fadt[52 - 36] = 0xf1
    struct.pack_into('<I', fadt, 64 - 36, 0x604)
    struct.pack_into('<Q', fadt, 140 - 36, DSDT)
    hpet = struct.pack('<IBBBBQBHB', 0x8086a201, 0, 64, 0, 0, 0xfed00000,
                       0, 0x80, 0)
    parts = {
        XSDT: table(b'XSDT', b''.join(struct.pack('<Q', t) for t in tables)),
        RSDT: table(b'RSDT', b''.join(struct.pack('<I', t) for t in tables)),
        MADT: table(b'APIC', madt),
        FADT: table(b'FACP', bytes(fadt)),
        DSDT: table(b'DSDT', S5),
        HPET: table(b'HPET', hpet),
    }
    for at, b in parts.items():
        mem[at:at + len(b)] = b
    r = bytearray(rsdp_bytes(2))
    struct.pack_into('<IIQ', r, 16, RSDT, 36, XSDT)
    fix_sum(r, 20, 8)
    fix_sum(r, 36, 32)
    mem[RSDP:RSDP + 36] = r
    hint = struct.pack('<Q', RSDP)
    write('fuzz_acpi', 'std-machine', b'\0' + hint + bytes(mem))
    write('fuzz_acpi', 'std-no-scan', b'\1' + hint + bytes(mem))


# ---- net (tests/test_net.c: ARP, ICMP echo, UDP) -------------------------

OUR_MAC = bytes([2, 0, 0, 0, 0, 2])
PEER_MAC = bytes([2, 0, 0, 0, 0, 1])
OUR_IP = bytes([10, 0, 0, 2])
PEER_IP = bytes([10, 0, 0, 1])


def csum(b):
    s = sum((b[i] << 8) + (b[i + 1] if i + 1 < len(b) else 0)
            for i in range(0, len(b), 2))
    while s > 0xffff:
        s = (s >> 16) + (s & 0xffff)
    return ~s & 0xffff


def ipv4(proto, l4):
    h = bytearray(struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), 0x1234,
                              0, 64, proto, 0, PEER_IP, OUR_IP))
    struct.pack_into('>H', h, 10, csum(h))
    return OUR_MAC + PEER_MAC + b'\x08\x00' + bytes(h) + l4


def udp(sport, dport, payload):
    u = bytearray(struct.pack('>HHHH', sport, dport, 8 + len(payload), 0) +
                  payload)
    pseudo = PEER_IP + OUR_IP + struct.pack('>BBH', 0, 17, len(u))
    struct.pack_into('>H', u, 6, csum(pseudo + u) or 0xffff)
    return ipv4(17, bytes(u))


def net_seeds():
    arp = b'\xff' * 6 + PEER_MAC + b'\x08\x06' + struct.pack(
        '>HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1, PEER_MAC, PEER_IP,
        b'\0' * 6, OUR_IP)
    echo = bytearray(struct.pack('>BBHHH', 8, 0, 0, 0x42, 1) + bytes(range(56)))
    struct.pack_into('>H', echo, 2, csum(echo))
    write('fuzz_net', 'arp-request', b'\0' + arp)
    write('fuzz_net', 'icmp-echo', b'\0' + ipv4(1, bytes(echo)))
    write('fuzz_net', 'udp-echo', b'\0' + udp(1234, 7, b'hello pvk'))
    write('fuzz_net', 'udp-bound', b'\2' + udp(1234, 5000, bytes(100)))


# ---- netfront's xenstore configuration (xen-netfront_test.c good_nodes) --

GOOD_VIF = [
    ('fe/mac', '00:16:3e:00:00:10'),
    ('be/feature-rx-copy', '1'),
    ('be/feature-sg', '1'),
    ('be/feature-gso-tcpv4', '1'),
    ('be/feature-split-event-channels', '1'),
    ('be/multi-queue-max-queues', '2'),
]


def netfront_config_seeds():
    def store(nodes):
        return '\n'.join('%s=%s' % kv for kv in nodes).encode()

    write('fuzz_netfront_config', 'good', b'\0' + store(GOOD_VIF))
    write('fuzz_netfront_config', 'probe', b'\1' + store(GOOD_VIF[:1] +
                                                        [('fe/trusted', '0')]))
    write('fuzz_netfront_config', 'no-csum', b'\0' + store(
        GOOD_VIF + [('be/feature-no-csum-offload', '1'),
                    ('fe/trusted', '1')]))


# ---- xenstore replies (drivers/xen/xenbus/xenbus_test.c, a domU's probe) --

XS_DIRECTORY, XS_READ, XS_WATCH_EVENT, XS_ERROR = 1, 2, 15, 16


def xs_msg(msg_type, body, req_id=1):
    return struct.pack('<IIII', msg_type, req_id, 0, len(body)) + body


def xenstore_seeds():
    write('fuzz_xenstore', 'probe', b''.join([
        xs_msg(XS_READ, b'0', 1),
        xs_msg(XS_DIRECTORY, b'0\0' + b'51712\0', 2),
        xs_msg(XS_WATCH_EVENT, b'device/vbd\0' + b'ffff800000123400\0', 0),
        xs_msg(XS_READ, b'4096', 3),
        xs_msg(XS_ERROR, b'ENOENT\0', 4),
    ]))
    write('fuzz_xenstore', 'bad-numbers', b''.join([
        xs_msg(XS_READ, b'12x', 1),
        xs_msg(XS_READ, b'99999999999', 2),
        xs_msg(XS_ERROR, b'EWHATEVER\0', 3),
        xs_msg(XS_DIRECTORY, b'', 4),
    ]))


# ---- backend responses on a shared ring (fuzz_blkfront_rsp, fuzz_netfront_rsp)
# A ring page: the four indexes, 48 bytes of padding, then the entries
# (io/ring.h); the target overrides rsp_prod with its header's values.

def ring_page(entry_size, entries):
    page = bytearray(64)
    for idx, raw in sorted(entries.items()):
        at = 64 + idx * entry_size
        if len(page) < at + entry_size:
            page += b'\0' * (at + entry_size - len(page))
        page[at:at + len(raw)] = raw
    return bytes(page)


BLK_SLOTS = 32
BLK_READ, BLK_WRITE, BLK_BARRIER, BLK_FLUSH, BLK_DISCARD = 0, 1, 2, 3, 5
BLK_INDIRECT = 6


def blk_rsp(req_id, op, status):
    return struct.pack('<QBxh4x', req_id, op, status)


def blk_input(cons, ops, prods, rsps, indirect=()):
    """ops: {slot: op} in flight; rsps: [(id, op, status)] from cons on."""
    inflight = sum(1 << i for i in ops)
    alt = sum(1 << i for i in indirect)
    op = bytes(ops.get(i, 0) for i in range(BLK_SLOTS))
    hdr = struct.pack('<III3I', cons, inflight, alt, *prods) + op
    ents = {(cons + n) % BLK_SLOTS: blk_rsp(*r) for n, r in enumerate(rsps)}
    return hdr + ring_page(112, ents)


def blkfront_rsp_seeds():
    t = 'fuzz_blkfront_rsp'
    write(t, 'good', blk_input(0, {0: BLK_READ, 1: BLK_WRITE}, [2, 2, 2],
                               [(1, BLK_WRITE, 0), (0, BLK_READ, 0)]))
    # Across the index wrap, over two rounds: an indirect read answered
    # with BLKIF_OP_INDIRECT, a refused flush, an error, an odd status.
    write(t, 'wrap-statuses', blk_input(
        0xfffffffe, {0: BLK_FLUSH, 1: BLK_READ, 2: BLK_WRITE, 3: BLK_DISCARD},
        [0xffffffff, 2, 2],
        [(0, BLK_FLUSH, -2), (1, BLK_INDIRECT, 0), (2, BLK_WRITE, -1),
         (3, BLK_DISCARD, 7)], indirect=[1]))
    write(t, 'duplicate', blk_input(0, {4: BLK_READ, 5: BLK_READ}, [2, 2, 2],
                                    [(4, BLK_READ, 0), (4, BLK_READ, 0)]))
    write(t, 'unknown-id', blk_input(5, {5: BLK_READ}, [6, 6, 6],
                                     [(40, BLK_READ, 0)]))
    write(t, 'bad-op', blk_input(0, {0: BLK_WRITE}, [1, 1, 1],
                                 [(0, BLK_DISCARD, 0)]))
    write(t, 'runaway-prod', blk_input(0, {0: BLK_READ}, [1000, 1, 1],
                                       [(0, BLK_READ, 0)]))


NF_TX = 1
NETRXF_VALID, NETRXF_MORE, NETRXF_EXTRA = 1, 4, 8
NF_RX_SLOTS = 256


def nf_input(mode, cons, prods, page, rx_posted=256, tx_ids=()):
    bits = bytearray(32)
    for i in tx_ids:
        bits[i // 8] |= 1 << (i % 8)
    return struct.pack('<BxHI3I', mode, rx_posted, cons, *prods) + \
        bytes(bits) + page


def rx_rsp(req_id, off, flags, status):
    return struct.pack('<HHHh', req_id, off, flags, status)


def rx_page(cons, rsps):
    return ring_page(8, {(cons + n) % NF_RX_SLOTS: r
                         for n, r in enumerate(rsps)})


def netfront_rsp_seeds():
    t = 'fuzz_netfront_rsp'
    write(t, 'rx-one', nf_input(0, 0, [1, 1, 1],
                                rx_page(0, [rx_rsp(0, 0, NETRXF_VALID, 60)])))
    # Three slots: data with an extra-info (GSO) slot after it, then more.
    gso = struct.pack('<BBHBBH', 1, 0, 1448, 1, 0, 0)
    write(t, 'rx-extra-frags', nf_input(0, 0, [3, 3, 3], rx_page(0, [
        rx_rsp(0, 0, NETRXF_MORE | NETRXF_EXTRA, 1000), gso,
        rx_rsp(2, 100, 0, 400)])))
    # Across the wrap: a fragment past its page, a wrong id, a dropped one.
    cons = 0xfffffffe
    write(t, 'rx-bad', nf_input(0, cons, [0xffffffff, 1, 1], rx_page(cons, [
        rx_rsp(254, 4000, 0, 200), rx_rsp(9, 0, 0, 60),
        rx_rsp(0, 0, 0, -1)])))
    tx = ring_page(12, {0: struct.pack('<Hh', 0, 0), 1: struct.pack('<Hh', 5, -1),
                        2: struct.pack('<Hh', 1, 0)})
    write(t, 'tx-good', nf_input(NF_TX, 0, [3, 3, 3], tx, tx_ids=[0, 1, 5]))
    tx = ring_page(12, {0: struct.pack('<Hh', 0, 1), 1: struct.pack('<Hh', 2, 0),
                        2: struct.pack('<Hh', 2, 0), 3: struct.pack('<Hh', 300, 0)})
    write(t, 'tx-bad', nf_input(NF_TX, 0, [4, 4, 4], tx, tx_ids=[0, 2, 3, 4]))


# ---- control/shutdown and control/sysrq (tests/test_xen_manage.c) -------

def manage_seeds():
    for name, value in (('poweroff', b'poweroff'), ('reboot', b'reboot'),
                        ('halt', b'halt'), ('suspend', b'suspend'),
                        ('unknown', b'frobnicate'), ('empty', b''),
                        ('sysrq-t', b't'), ('sysrq-two-keys', b'tt'),
                        ('control-bytes', b'a\nb\x1b[c\xff~')):
        write('fuzz_manage', name, value)


# ---- memory/target (tests/test_xen_balloon.c) ----------------------------

def balloon_seeds():
    for name, boot, floor, offset, value in (
            ('256m-to-128m', 65536, 10240, 0, b'131072'),
            ('within', 65536, 10240, 0, b'262144'),
            ('above-max', 65536, 10240, 0, b'18446744073709551615'),
            ('below-floor', 65536, 10240, 0, b'0'),
            ('hvm-offset', 32768, 10240, 2048, b'122880'),
            ('negative-offset', 32768, 10240, -256, b'1020'),
            ('overflow', 65536, 10240, 0, b'18446744073709551616'),
            ('sign', 65536, 10240, 0, b'-4096'),
            ('newline', 65536, 10240, 0, b'4096\n'),
            ('empty', 65536, 10240, 0, b'')):
        write('fuzz_balloon', name,
              struct.pack('<IIi', boot, floor, offset) + value)
# ---- DHCP replies (tests/test_dhcp.c) ------------------------------------

DHCP_MAC = bytes([0x00, 0x16, 0x3e, 0x00, 0x00, 0x50])


def dhcp_reply(msg_type, yiaddr, options, xid=0x12345678, mac=DHCP_MAC):
    fixed = bytearray(236)
    fixed[0:3] = bytes([2, 1, 6])
    fixed[4:8] = struct.pack('>I', xid)
    fixed[16:20] = struct.pack('>I', yiaddr)
    fixed[28:34] = mac
    opts = bytes([53, 1, msg_type])
    for code, val in options:
        opts += bytes([code, len(val)]) + val
    return bytes(fixed) + struct.pack('>I', 0x63825363) + opts + b'\xff'


def dhcp_seeds():
    ip = lambda v: struct.pack('>I', v)  # noqa: E731
    lease = [(54, ip(0x0a000001)), (1, ip(0xffffff00)), (51, ip(30))]
    for name, flags, msg in (
            ('offer', 0, dhcp_reply(2, 0x0a000032, lease)),
            ('ack-t1-t2', 0, dhcp_reply(5, 0x0a000032, lease + [
                (58, ip(10)), (59, ip(20)), (12, b'pvk')])),
            ('nak', 0, dhcp_reply(6, 0, [(54, ip(0x0a000001))])),
            ('own-ids', 1, dhcp_reply(2, 0x0a000032, lease, xid=7,
                                      mac=b'\x02\0\0\0\0\x09')),
            ('bad-mask', 0, dhcp_reply(2, 0x0a000032, [
                (54, ip(0x0a000001)), (1, ip(0xff00ff00)), (51, ip(30))])),
            ('broadcast-addr', 0, dhcp_reply(2, 0xffffffff, lease))):
        write('fuzz_dhcp', name, bytes([flags]) + msg)
# ---- cpu/N/availability (tests/test_xen_cpu_hotplug.c) ------------------

def cpu_hotplug_seeds():
    for name, value in (('relative', b'cpu/1/availability'),
                        ('absolute', b'/local/domain/7/cpu/3/availability'),
                        ('directory', b'cpu'), ('vcpu-dir', b'cpu/1'),
                        ('leading-zero', b'cpu/01/availability'),
                        ('too-big', b'cpu/100000/availability'),
                        ('online', b'online'), ('offline', b'offline'),
                        ('bad-value', b'sideways')):
        write('fuzz_cpu_hotplug', name, value)


# ---- the UDP block service's requests (tests/test_blk_udp.c) -----------

def blk_udp_req(op, seq, sector, length, data=b''):
    return struct.pack('>IBBHIQI', 0x50564b42, op, 0, 0, seq, sector,
                       length) + data


def blk_udp_seeds():
    # The first byte picks the capacity: 3 is 131072 sectors.
    for name, req in (('read', blk_udp_req(1, 1, 100, 512)),
                      ('write', blk_udp_req(2, 2, 100, 512, b'\x5a' * 512)),
                      ('write-2', blk_udp_req(2, 3, 131070, 1024,
                                              bytes(range(256)) * 4)),
                      ('over-long', blk_udp_req(2, 4, 0, 512, b'x' * 513)),
                      ('bad-len', blk_udp_req(1, 5, 0, 100)),
                      ('out-of-range', blk_udp_req(1, 6, 131072, 512)),
                      ('bad-op', blk_udp_req(7, 7, 0, 512)),
                      ('short', blk_udp_req(1, 8, 0, 512)[:10])):
        write('fuzz_blk_udp', name, b'\x03' + req)


# ---- the initramfs's cpio newc reader (tests/test_initramfs.c) --------

def newc(name, mode, data=b''):
    fields = (1, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name) + 1, 0)
    out = b'070701' + b''.join(b'%08X' % f for f in fields) + name + b'\0'
    out += b'\0' * (-len(out) % 4)
    return out + data + b'\0' * (-len(data) % 4)


def initramfs_seeds():
    trailer = newc(b'TRAILER!!!', 0)
    files = (newc(b'bin', 0o40755) + newc(b'bin/hello', 0o100755, b'\x7fELF')
             + newc(b'./etc/motd', 0o100644, b'hi\n'))
    for name, cpio in (('archive', files + trailer),
                       ('padded', files + trailer + b'\0' * 64),
                       ('empty', trailer),
                       ('no-trailer', files),
                       ('truncated', (files + trailer)[:150]),
                       ('bad-magic', b'070707' + (files + trailer)[6:])):
        write('fuzz_initramfs', name, cpio)


def main():
    mb2_seeds()
    pvh_seeds()
    cmdline_seeds()
    acpi_seeds()
    net_seeds()
    netfront_config_seeds()
    xenstore_seeds()
    blkfront_rsp_seeds()
    netfront_rsp_seeds()
    manage_seeds()
    balloon_seeds()
    dhcp_seeds()
    cpu_hotplug_seeds()
    blk_udp_seeds()
    initramfs_seeds()
    return 0


if __name__ == '__main__':
    sys.exit(main())
