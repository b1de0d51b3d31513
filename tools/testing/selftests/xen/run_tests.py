#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Boot pvk under QEMU in a matrix of configurations and check its selftests.

    tools/testing/selftests/xen/run_tests.py [options]

Each row of the matrix (TEST_ROWS below) is one QEMU boot.  The runner
watches the serial log while QEMU runs, stops QEMU once the verdict line
(plus a short grace for the power-off) or a panic line shows up, or after
--timeout seconds (the row is then HANG), parses the log with ktap.py and
prints a table, the failed tests, and a closing line

    N passed, N failed, N skipped

where N counts KTAP test cases over all rows, plus 1 failed for each row
that crashed, hung, panicked, did not match expectations or could not be
started (Xen or the dom0 stack could not be fetched: HOST_REQUIREMENTS),
plus 1 skipped for each row that cannot run on this host (KVM unusable),
or Xen row skipped by request (PVK_SKIP_XEN=1).  Above it come
"retries: N (ROW: reason; ...)" and, after such a request, "(Xen rows
skipped by request)".  The exit status is 0 only when nothing failed.

A row passes when the boot line is there (with cpus= the row's -smp unless
the command line has maxcpus=), its platform is the expected one, the KTAP
stream is consistent, every case its MANIFEST entries require passed, and
the verdict is PASS with counts that match the results.

--bench boots build/pvk with "bench=1 selftest=none" instead (BENCH_ROWS),
keeps the serial logs in build/bench/MODE.log and runs
scripts/bench-report.py on them, adding each --bench-domu's pvk vs Linux
table (scripts/bench.sh runs scripts/bench-domU.sh, then this).

Options: see --help.  Examples:

    run_tests.py                         # whole matrix
    run_tests.py --only 'pvh-tcg-smp[12]'  # two rows
    run_tests.py --only 'pvh-tcg-smp2$' --show-log  # one row, echo its log
    run_tests.py --extra-append 'loglevel=7' -j 2
    run_tests.py --list                  # show rows and QEMU commands
"""

import argparse
import dataclasses
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))
sys.path.insert(0, HERE)

import ktap  # noqa: E402

DEFAULT_TIMEOUT = 120           # seconds per selftest boot
DEFAULT_BENCH_TIMEOUT = 300     # seconds per bench boot
KVM_PROBE_TIMEOUT = 20          # seconds for the boot line under KVM
VERDICT_GRACE = 2.0             # wait for the power-off after the verdict
# pvk as dom0 powers off through Xen (XENPF_enter_acpi_sleep), which first
# pauses every domain and takes its own CPUs down: slower under TCG.
XEN_POWEROFF_GRACE = 20.0
PANIC_GRACE = 1.0               # collect the rest of a panic message
BENCH_CMDLINE = 'bench=1 selftest=none'
BENCH_DONE = 'pvk-bench: done'
# What a guest that runs no self-test (selftest=none) prints once it
# serves (kernel/reboot.c); its row's verdict line.
SERVING = 'pvk: serving'
# A powerdown row: QEMU's system_powerdown once pvk serves, then pvk
# must log the request from the ACPI power button (acpi_button.c) and
# power off by itself within POWERDOWN_GRACE seconds.
POWERDOWN_GRACE = 30.0
POWER_BUTTON_SETUP_RE = re.compile(r'^acpi: power button on SCI IRQ \d+ ')
POWER_BUTTON_REQUEST = ('pvk: shutdown requested: poweroff '
                        '(from ACPI power button)')
POWEROFF_NOW = 'pvk: poweroff now'
PRINTK_TIME_RE = re.compile(r'^\[\s*\d+\.\d+\]\s*')
QMP_TIMEOUT = 10.0

# Row statuses.  BAD ones add 1 to the failed count of the closing line.
PASS, FAIL, SKIP = 'PASS', 'FAIL', 'SKIP'
CRASH, HANG, PANIC, MISMATCH, ERROR = 'CRASH', 'HANG', 'PANIC', 'MISMATCH', 'ERROR'
BAD = (CRASH, HANG, PANIC, MISMATCH, ERROR)


# ---------------------------------------------------------------------------
# The matrix.

@dataclass(frozen=True)
class Row:
    """One QEMU boot.

    boot      key into BOOT_METHODS: how pvk gets loaded ('pvh', 'iso',
              'uefi' for the ISO under OVMF, 'xen' for pvk as a Xen PV
              dom0), or into GROUP_METHODS
              ('dom0stack': pvk as a domU of the Linux dom0 test stack;
              all such rows share one dom0 boot, one job each;
              'dom0stack-hvm': the same for PVH and HVM domUs, in a
              dom0 boot of their own with an AMD CPU model).
    accel     'tcg' or 'kvm' (kvm rows need the 'kvm' requirement).
    append    row-specific command line words (before --extra-append).
    platform  what the boot line's platform= must say.
    expect_cpus  cpus= the boot line must say; None means the row's -smp,
              unless the command line has maxcpus= (then not checked).
    requires  names in REQUIREMENTS that must be usable, else the row
              SKIPs (a host property) or FAILs (see HOST_REQUIREMENTS).
    qemu_args extra QEMU arguments for this row.
    """
    name: str
    boot: str
    cpus: int
    accel: str = 'tcg'
    memory: int = 256
    append: str = ''
    platform: str = 'bare-metal'
    expect_cpus: Optional[int] = None
    requires: Tuple[str, ...] = ()
    qemu_args: Tuple[str, ...] = ()
    cpu_model: str = ''         # -cpu for TCG rows; '' means 'max'
    boot_words: Tuple[str, ...] = ()    # bare words the boot line must end with
    xl_lines: Tuple[str, ...] = ()      # dom0stack: extra xl config lines (devices)
    xl_type: str = 'pv'         # dom0stack: the guest's xl type: pv, pvh, hvm
    job: str = ''               # dom0stack: dom0/jobs/JOB.{pre,post} run around it
    job_scripts: str = ''       # dom0stack: another job whose .pre/.post JOB uses
    timeout: Optional[float] = None     # seconds to the verdict; None: --timeout
    expect_failed: Tuple[str, ...] = ()  # the cases that must fail, and no other
    xen_args: str = ''          # 'xen' rows: more of Xen's own command line
    grace: Optional[int] = None         # dom0stack: dom0-grace; None: DOM0_GUEST_GRACE
    on_reboot: str = 'destroy'  # dom0stack: xl's on_reboot for the guest
    boots: int = 1              # dom0stack: boots in the console (a reboot job)
    serve_only: bool = False    # selftest=none: no KTAP, "pvk: serving" instead
    # serve_only on bare metal: press the ACPI power button (QMP
    # system_powerdown) once serving; pvk must power off by itself.
    powerdown: bool = False


def _pvh(cpus, accel='tcg', **kw):
    req = ('kvm',) if accel == 'kvm' else ()
    return Row(f'pvh-{accel}-smp{cpus}', 'pvh', cpus, accel, requires=req, **kw)


def _iso(cpus, accel='tcg', **kw):
    req = ('kvm',) if accel == 'kvm' else ()
    return Row(f'iso-{accel}-smp{cpus}', 'iso', cpus, accel, requires=req, **kw)


def _uefi(cpus, **kw):
    return Row(f'uefi-tcg-smp{cpus}', 'uefi', cpus, **kw)


# Xen wants SMAP off (a PV dom0 dies in create_bounce_frame otherwise) and
# MWAIT off (its idle loop takes a #GP under TCG).
XEN_CPU_MODEL = 'max,-smap,-monitor'
XEN_MEMORY = 512


def _xen(cpus, evtchn='', **kw):
    name = f'xen-pv-dom0-smp{cpus}' + (f'-{evtchn}' if evtchn else '')
    append = f'evtchn={evtchn}' if evtchn else ''
    return Row(name, 'xen', cpus, 'tcg', memory=XEN_MEMORY, append=append,
               platform='xen-pv', requires=('xen',), cpu_model=XEN_CPU_MODEL,
               **kw)


# PVH needs SVM with nested paging under TCG ('max' has both); Xen's
# idle MWAIT and the guest's RDTSCP misbehave there (xen-in-qemu.md).
XEN_PVH_CPU_MODEL = 'max,-smap,-monitor,-rdtscp'


def _pvh_dom0(cpus, append='', suffix='', **kw):
    """pvk as Xen's PVH dom0: the same image through its PVH entry."""
    return Row(f'xen-pvh-dom0-smp{cpus}{suffix}', 'xen', cpus, 'tcg',
               memory=XEN_MEMORY, append=append, platform='xen-pvh',
               requires=('xen',), cpu_model=XEN_PVH_CPU_MODEL,
               xen_args='dom0=pvh dom0-iommu=none', boot_words=('dom0',),
               **kw)


DOMU_DISK = "'format=raw,vdev=xvda,access=rw,target=/disk.img'"
DOMU_APPEND = 'selftest=all ip=10.0.0.2/24'


def _domu(cpus, extra='', mac=0):
    """pvk as a PV domU of Debian's Linux dom0 and xl (dom0/README.md);
    memory is the domU's, the dom0 stack's QEMU size is run.sh's.  extra
    words make a variant row named after them; mac tells its vif apart."""
    suffix = '-' + extra.replace('=', '') if extra else ''
    return Row(f'xen-pv-domU-smp{cpus}{suffix}', 'dom0stack', cpus, 'tcg',
               memory=128,
               append=' '.join(w for w in (DOMU_APPEND, extra) if w),
               platform='xen-pv', requires=('dom0stack',), boot_words=('domU',),
               xl_lines=(f"disk = [ {DOMU_DISK} ]",
                         "vif = [ 'bridge=xenbr0,"
                         f"mac=00:16:3e:00:01:{mac or cpus:02x}' ]"))


# In an HVM row's xl_lines: the guest path of the row's ISO (hvm_iso()).
ISO_MARK = '@PVK_ISO@'
# Seconds to the verdict.  An HVM guest boots firmware and GRUB in a
# device model, all under TCG: ~15 s to pvk's first line on an idle
# machine, one once took 470 s under load (shared/notes/xen-in-qemu.md).
PVH_DOMU_TIMEOUT = 300
HVM_DOMU_TIMEOUT = 600
# The emulated host CPU has no invariant TSC, so Xen's default would trap
# every RDTSC of an HVM or PVH guest (pvk reads the pvclock with it) into
# nested-SVM emulation under TCG; hosts with an invariant TSC, as every
# cloud's, let the guest read it natively, and so do these rows.  (One
# HVM guest was seen to triple-fault on the instruction after a trapped
# RDTSC, with a consistent register state.)
XL_TSC_NATIVE = 'tsc_mode = "native"'


def _pvh_domu(cpus, extra='', suffix='', mac=0):
    """pvk as a PVH domU: the same ELF, disk, vif and command line as
    _domu's, loaded through its PVH note; its console is the PV console
    ring, as a PV domU's (PVH has no emulated UART).  extra words and a
    name suffix make a variant row; mac tells its vif apart."""
    return Row(f'xen-pvh-domU-smp{cpus}{suffix}', 'dom0stack-hvm', cpus,
               'tcg', memory=128,
               append=' '.join(w for w in (DOMU_APPEND, extra) if w),
               platform='xen-pvh', requires=('dom0stack',),
               boot_words=('domU',),
               xl_lines=(f"disk = [ {DOMU_DISK} ]",
                         "vif = [ 'bridge=xenbr0,"
                         f"mac=00:16:3e:00:02:{mac or cpus:02x}' ]",
                         XL_TSC_NATIVE),
               xl_type='pvh', timeout=PVH_DOMU_TIMEOUT)


def _hvm_domu(cpus, extra='', suffix='', mac=0, append=DOMU_APPEND,
              platform='xen-hvm', boot_words=('domU',), name=''):
    """pvk as an HVM domU: hvmloader and SeaBIOS boot a copy of its GRUB
    ISO with the row's command line in grub.cfg (hvm_iso()) from an
    emulated CD-ROM; the console is the emulated serial port, which the
    device model writes to a file in dom0.  xvda and the vif are both
    emulated (IDE disk, e1000) and PV: pvk must unplug the emulated ones
    before it uses the PV ones."""
    name = name or f'xen-hvm-domU-smp{cpus}{suffix}'
    return Row(name, 'dom0stack-hvm', cpus, 'tcg', memory=128,
               append=' '.join(w for w in (append, extra) if w),
               platform=platform, requires=('dom0stack',),
               boot_words=boot_words,
               xl_lines=(f"disk = [ {DOMU_DISK}, "
                         f"'file:{ISO_MARK},hdc:cdrom,r' ]",
                         "vif = [ 'bridge=xenbr0,model=e1000,"
                         f"mac=00:16:3e:00:03:{mac or cpus:02x}' ]",
                         'boot = "d"', XL_TSC_NATIVE,
                         f'serial = "file:/var/log/xen/{name}.serial"',
                         'vga = "none"', 'vnc = 0', 'nographic = 1'),
               xl_type='hvm', timeout=HVM_DOMU_TIMEOUT)


DOM0_DIR = os.path.join(HERE, 'dom0')
DOM0_JOBS = os.path.join(DOM0_DIR, 'jobs')


def _xl_value(cfg: str, key: str) -> Optional[str]:
    """The value of `key = ...` in xl config text, unquoted, or None."""
    m = re.search(rf'^\s*{key}\s*=\s*(.*?)\s*$', cfg, re.M)
    if not m:
        return None
    v = m.group(1)
    return v[1:-1] if len(v) >= 2 and v[0] == v[-1] and v[0] in '"\'' else v


def _dom0job(job: str) -> Row:
    """A domU row run as dom0/jobs/JOB: the guest's command line, memory,
    vCPUs (and maxvcpus), devices and timeout come from JOB.cfg, and dom0
    runs JOB.pre before `xl create` and JOB.post after the guest is gone
    (it checks from dom0's side: the disk image, the traffic dom0 drove,
    the refusal messages).  The row passes only if the verdict passes and JOB.post
    says ok.  A JOB.cfg with `type = "pvh"` makes a PVH row (on the
    AMD-model dom0 boot, the TSC native as for _pvh_domu), named without
    the job's "-pvh" suffix; one with `type = "hvm"` an HVM row (the
    same boot; its lines besides the devices are kept, and its CD-ROM
    named by ISO_MARK is the row's ISO, hvm_iso()), named without
    "-hvm"; `# scripts: OTHER` runs OTHER.pre and OTHER.post instead
    of JOB's own (the same steps for another guest type)."""
    with open(os.path.join(DOM0_JOBS, job + '.cfg')) as f:
        cfg = f.read()
    # Devices, and the most vCPUs xl vcpu-set may give the guest.
    devices = tuple(ln.strip() for ln in cfg.splitlines()
                    if re.match(r'\s*(disk|vif|channel|maxvcpus)\s*=', ln))
    m = re.search(r'^#\s*dom0-timeout:\s*(\d+)', cfg, re.M)
    grace = re.search(r'^#\s*dom0-grace:\s*(\d+)', cfg, re.M)
    boots = re.search(r'^#\s*pvk-boots:\s*(\d+)', cfg, re.M)
    scripts = re.search(r'^#\s*scripts:\s*(\S+)', cfg, re.M)
    xl_type = _xl_value(cfg, 'type') or 'pv'
    if xl_type == 'pvh':
        kind = dict(boot='dom0stack-hvm', xl_lines=devices + (XL_TSC_NATIVE,))
    elif xl_type == 'hvm':
        # Firmware, boot device and display: the HVM rows' settings.
        hvm = tuple(ln.strip() for ln in cfg.splitlines()
                    if re.match(r'\s*(boot|vga|vnc|nographic)\s*=', ln))
        kind = dict(boot='dom0stack-hvm',
                    xl_lines=devices + hvm + (XL_TSC_NATIVE,))
    else:
        kind = dict(boot='dom0stack', xl_lines=devices)
    name = f'xen-{xl_type}-domU-' + re.sub(r'-\d+-', '-', job)
    name = re.sub(rf'-{xl_type}$', '', name)
    return Row(name, kind['boot'], int(_xl_value(cfg, 'vcpus') or 1), 'tcg',
               memory=int(_xl_value(cfg, 'memory') or 128),
               append=_xl_value(cfg, 'extra') or '',
               platform=f'xen-{xl_type}', requires=('dom0stack',),
               boot_words=('domU',), xl_lines=kind['xl_lines'],
               xl_type=xl_type, job=job,
               job_scripts=scripts.group(1) if scripts else '',
               timeout=float(m.group(1)) if m else None,
               grace=int(grace.group(1)) if grace else None,
               on_reboot=_xl_value(cfg, 'on_reboot') or 'destroy',
               boots=int(boots.group(1)) if boots else 1,
               serve_only='selftest=none' in (_xl_value(cfg, 'extra') or '').split())


# The dom0 jobs of make check: blkfront with every feature, in bounce
# mode, with the backend's features off, next to malformed vbds, across
# xl block-detach/attach; netfront driven from dom0 (ping, UDP echo and
# streams, refused malformed vifs), in its default and restricted modes;
# the console frontend on an xl channel that dom0 echoes; pvk serving
# until `xl shutdown`, across `xl reboot`, ballooned by `xl mem-set`,
# with its address from dom0's DHCP server, across `xl vcpu-set`, across
# `xl save` and `xl restore` (also as a PVH and an HVM guest), and across
# `xl migrate` to the same host (also as a PVH and an HVM guest); and
# pvk serving while a malicious block backend in dom0 (jobs/evil-blkback.c) probes its granted pages
# for stale bytes, sends bad responses, storms its event channel, garbles
# its xenstore nodes, keeps granted pages mapped and changes features
# and ring parameters after Connected; and the same with a
# malicious network backend (jobs/evil-netback.c) on extra vifs next to
# a healthy one: bad rx and tx responses and an overrun producer, grants
# kept mapped, the leak probe and an event storm.
DOM0_CHECK_JOBS = ('blk-10-full', 'blk-20-bounce', 'blk-30-nofeat',
                   'blk-40-malformed', 'blk-50-reconnect', 'net-10-basic',
                   'net-20-modes', 'con-10-channel', 'life-10-shutdown',
                   'life-20-reboot', 'life-30-dhcp', 'life-40-balloon',
                   'life-50-vcpu', 'life-60-save', 'life-70-migrate',
                   'life-61-save-pvh', 'life-62-save-hvm',
                   'life-51-vcpu-pvh', 'life-52-vcpu-hvm',
                   'life-71-migrate-pvh', 'life-72-migrate-hvm',
                   'evil-10-leak', 'evil-20-badrsp', 'evil-30-storm',
                   'evil-40-xsstate', 'evil-50-keepmap',
                   'evil-60-featchange', 'evil-net-10-badrsp', 'evil-net-20-keepmap',
                   'evil-net-30-leak', 'evil-net-40-storm',
                   'evil-net-50-featchange')

TEST_ROWS: List[Row] = [
    # PVH direct boot: QEMU loads the ELF through its PVH note.
    _pvh(1), _pvh(2), _pvh(3), _pvh(4),
    # GRUB from an ISO, multiboot2; the command line comes from grub.cfg.
    _iso(1), _iso(2), _iso(4),
    # The same ISO under UEFI (OVMF): GRUB's EFI image, the EFI tags.
    _uefi(1), _uefi(2),
    # Bad or limiting input: a clear log line and a sensible fallback.
    Row('pvh-tcg-smp3-maxcpus2', 'pvh', 3, append='maxcpus=2', expect_cpus=2),
    Row('pvh-tcg-smp2-nosmp', 'pvh', 2, append='nosmp', expect_cpus=1),
    Row('pvh-tcg-smp2-badopts', 'pvh', 2, expect_cpus=2,
        append='maxcpus=99 loglevel=banana frobnicate bench=maybe "loglevel=6'),
    Row('pvh-tcg-smp2-noacpi', 'pvh', 2, expect_cpus=1,
        qemu_args=('-machine', 'pc', '-no-acpi')),
    # Serving bare metal, shut down by the ACPI power button as Linux is
    # (QEMU's system_powerdown): the request and a clean power-off.
    Row('pvh-tcg-smp2-powerbutton', 'pvh', 2, append='selftest=none',
        serve_only=True, powerdown=True),
    # A suite name no suite has: the named suites still run, and the run
    # fails with exactly the case that stands for the bad selection.
    Row('pvh-tcg-smp2-badsuite', 'pvh', 2, append='selftest=paravirt,typo',
        expect_failed=('selftest.selection',)),
    # init= runs a program of the initramfs as PID 1 before the
    # self-tests (its output on the console, as on Linux).
    Row('pvh-tcg-smp2-init', 'pvh', 2, append='init="/bin/hello one two"'),
    # Hardware virtualisation, when /dev/kvm works.
    _pvh(1, 'kvm'), _pvh(2, 'kvm'),
    # pvk as a Xen PV dom0 under Xen 4.17 (xen-fetch.sh), FIFO events
    # by default and the 2-level ABI forced.
    *[_xen(cpus, evtchn) for cpus in (1, 2, 4) for evtchn in ('', '2l')],
    # Grant tables v2 forced (auto picks v1 while machine frames fit in
    # 32 bits, as they always do here).
    Row('xen-pv-dom0-smp2-gnttabv2', 'xen', 2, 'tcg', memory=XEN_MEMORY,
        append='gnttab=v2', platform='xen-pv', requires=('xen',),
        cpu_model=XEN_CPU_MODEL),
    # pvk as Xen's PVH dom0 (Xen's dom0=pvh): events through per-vCPU
    # upcall vectors, then forced to the domain-wide vector.
    *[_pvh_dom0(cpus) for cpus in (1, 2, 4)],
    _pvh_dom0(2, 'xen_callback=vector', '-vector'),
    # Every callback refused: no events, so the LAPIC timer, APIC IPIs,
    # native spinlocks and no PV devices; it must still boot and pass.
    _pvh_dom0(2, 'xen_callback=none', '-nocallback'),
    # pvk as a PV domU under a Linux dom0 with the real toolstack: console
    # ring, xenstore, grant tables, xenbus.  One dom0 boot runs them all.
    _domu(1), _domu(2),
    # Every suite, blkfront and netfront against real back ends included,
    # on grant tables v2.
    _domu(2, 'gnttab=v2', mac=0x12),
    # The same dom0 boot then runs the dom0 jobs, which check from dom0.
    *[_dom0job(job) for job in DOM0_CHECK_JOBS],
    # pvk as a PVH domU and, from its ISO, as an HVM domU, with the PV
    # domU rows' disk, vif and command line; a second dom0 boot runs them.
    _pvh_domu(1), _pvh_domu(2), _hvm_domu(1), _hvm_domu(2),
    # The domain-wide callback vector forced on PVH; the platform PCI
    # device's INTx (events on vCPU 0 only, through the IOAPIC) forced on
    # HVM, with PV disk and vif still working; and xen_nopv, with which
    # the same ISO runs as on bare metal inside the HVM guest.
    _pvh_domu(2, 'xen_callback=vector', '-vector', mac=0x12),
    _hvm_domu(2, 'xen_callback=intx', '-intx', mac=0x12),
    _hvm_domu(1, 'xen_nopv', '-nopv', mac=0x11, append='selftest=all',
              platform='bare-metal', boot_words=()),
    # Emulated devices kept (xen_emul_unplug=never): the PV disk is then
    # the IDE disk seen twice, so blkfront must refuse it (its I/O suite,
    # which would fail on a refused disk, is left out); the vif works.
    _hvm_domu(1, 'xen_emul_unplug=never', '-unplugnever', mac=0x13,
              append='selftest=paravirt,traps,pgtable,irq,sched,mm,selftest,'
              'selftest_watch,reboot,printk,cpu_hotplug,xenbus,net,netfront,xen_hvm '
              'ip=10.0.0.2/24'),
]

# ---------------------------------------------------------------------------
# What each row must run.  A row passes only if every case named here for
# it PASSED: one that skipped or is missing fails the row, with its name,
# so a row cannot go green while what it exists to test quietly did not
# run.  A name is a whole suite ("mm": each of its cases, and at least one
# must be there) or one case ("suite.case").  Names are those of the
# SELFTEST_SUITE() tables in the *_test.c files.

@dataclass(frozen=True)
class Need:
    rows: str                   # re.search on the row name
    names: Tuple[str, ...]      # suites or suite.case
    min_cpus: int = 1           # only when the boot line says this many


# CPU hot-plug refuses CPU 0 and CPUs that do not exist on every platform;
# only Xen (PV, PVH, HVM) takes a vCPU offline and back (CPU_HOTPLUG
# below).
CPU_HOTPLUG_REFUSALS = tuple('cpu_hotplug.cpu_hotplug_' + c for c in (
    'refuses_cpu0', 'refuses_bad_number'))
# The user suite's cases of mprotect, demand paging, sleeps and kill.
USER_MM = tuple('user.user_' + c for c in (
    'mprotect_segv_and_back', 'demand_paging_lazy', 'sleep_and_kill',
    'memory_exhaustion_killed', 'files_initramfs', 'pipes_fork_dup2'))
BARE_METAL_SUITES = ('paravirt', 'traps', 'pgtable', 'irq', 'sched', 'mm',
                     'selftest', 'selftest_watch', 'reboot', 'printk'
                     ) + CPU_HOTPLUG_REFUSALS
CPU_HOTPLUG = ('cpu_hotplug',)
# xen_mmu is the multicall batching of mmu_update (multicalls.c).
XEN_PV_SUITES = ('xen_mmu', 'xen_time', 'xen_spinlock', 'xen_gnttab')
XEN_DOM0_SUITES = XEN_PV_SUITES + ('xen_events', 'xen_acpi')
XEN_HVM_SUITES = ('xen_hvm', 'xen_time', 'xen_spinlock', 'xen_gnttab',
                  'xen_events')
# A domU has no firmware tables (xen_acpi) and no debug keys
# (xen_events_virq_debug_dumps).
XEN_DOMU_EVENTS = tuple('xen_events.xen_events_' + c for c in (
    'notify_runs_handler_once', 'mask_defers_unmask_delivers',
    'unbind_stops_delivery', 'ipi_to_self', 'bind_vcpu_moves_delivery',
    'unbind_waits_for_handler', 'any_cpu_spreads', 'storm_masked_then_released'))
# The plain domU rows' disk has no marker from dom0 and their dom0 no UDP
# echo server: the dom0 jobs drive those.
BLKFRONT_IO = tuple('xen_blkfront.blkfront_' + c for c in (
    'devices_settle', 'write_read_back', 'vectored_request',
    'concurrent_queues', 'flush_and_discard', 'rejects_bad_requests'))
NETFRONT_DOM0 = tuple('netfront.netfront_' + c for c in (
    'connected', 'ping_dom0', 'sg_and_bounce'))
# netfront against a fake backend inside pvk (issue #11's hardening):
# wherever there is a grant table to grant from.
NETFRONT_HARDENING = tuple('netfront.netfront_fake_' + c for c in (
    'rx_budget', 'tx_bad_id', 'reconnect_keeps_locks',
    'tx_page_holds_only_the_frame', 'rx_pages_reposted_zeroed',
    'kept_grants_disable'))

# Threads (issue #13): everywhere, and where a spinning thread needs a
# CPU of its own.
USER_THREADS = tuple('user_threads.user_threads_' + c for c in (
    'sum_join', 'futex_bad_input'))
USER_THREADS_SMP = tuple('user_threads.user_threads_' + c for c in (
    'exit_group', 'munmap_shootdown'))

MANIFEST: Tuple[Need, ...] = (
    Need(r'^(pvh|iso|uefi)-(?!.*-badsuite$)', BARE_METAL_SUITES),
    Need(r'^(pvh|iso|uefi)-(?!.*-badsuite$)', ('smp',), min_cpus=2),
    # The machine's own hardware: PCI configuration space on every
    # bare-metal row; the IOAPIC and a real interrupt through it where
    # the MADT names one (-no-acpi has none: its cases skip, saying so).
    Need(r'^(pvh|iso|uefi)-(?!.*-badsuite$)', ('pci',)),
    # The idle loop's recovery of interrupts whose delivery was lost,
    # wherever there is a local APIC (the LAPIC vector; under Xen PVH
    # and HVM the per-vCPU upcall too, in xen_hvm).
    Need(r'^((pvh|iso|uefi)-(?!.*-badsuite$)|xen-pvh-dom0-'
         r'|xen-(pvh|hvm)-domU-smp\d(-vector|-intx)?$)', ('apic',)),
    Need(r'^(pvh|iso|uefi)-(?!.*-(badsuite|noacpi)$)', ('io_apic',)),
    # The FADT's fixed power button, armed on the SCI through the IOAPIC
    # (QEMU's tables have one; -no-acpi has none, its cases skip).  The
    # press itself is the -powerbutton row's (serve mode, no cases).
    Need(r'^(pvh|iso|uefi)-(?!.*-(badsuite|noacpi)$)', ('acpi_button',)),
    # User processes from the initramfs (musl programs): bare metal, and
    # under Xen on the dom0 rows (the initramfs as Xen's second
    # multiboot module; a PVH dom0 without event callbacks too, nothing
    # of it needs events) and the plain domU rows (xl's ramdisk=, the
    # ISO's GRUB module): with native paging (PVH, HVM) and on Xen PV's
    # pv_ops hooks (syscall callback, HYPERVISOR_iret, a user root per
    # process; issue #13), the PV rows' -2l and -gnttabv2 variants too.
    # Named cases too: mprotect, demand paging, nanosleep and kill,
    # memory exhaustion, files and pipes (issue #13) fail the row when
    # missing, not only when they fail.
    Need(r'^(pvh|iso|uefi)-(?!.*-badsuite$)', ('user',) + USER_MM),
    Need(r'^xen-pvh-dom0-', ('user',) + USER_MM),
    Need(r'^xen-pv-(dom0|domU)-smp\d(-2l|-gnttabv2)?$', ('user',) + USER_MM),
    Need(r'^xen-(pvh|hvm)-domU-smp\d(-vector|-intx)?$', ('user',) + USER_MM),
    # Threads, futexes and munmap's TLB shootdown (issue #13) wherever
    # the user suite runs; the cases with a thread spinning in user mode
    # need a second CPU (pvk does not preempt) and say >1 CPU there.
    Need(r'^(pvh|iso|uefi)-(?!.*-badsuite$)', USER_THREADS),
    Need(r'^(pvh|iso|uefi)-(?!.*-badsuite$)', USER_THREADS_SMP, min_cpus=2),
    Need(r'^xen-pvh-dom0-', USER_THREADS),
    Need(r'^xen-pvh-dom0-', USER_THREADS_SMP, min_cpus=2),
    Need(r'^xen-pv-(dom0|domU)-smp\d(-2l|-gnttabv2)?$', USER_THREADS),
    Need(r'^xen-pv-(dom0|domU)-smp\d(-2l|-gnttabv2)?$', USER_THREADS_SMP,
         min_cpus=2),
    Need(r'^xen-(pvh|hvm)-domU-smp\d(-vector|-intx)?$', USER_THREADS),
    Need(r'^xen-(pvh|hvm)-domU-smp\d(-vector|-intx)?$', USER_THREADS_SMP,
         min_cpus=2),
    Need(r'^pvh-tcg-smp2-init$', ('user_init',)),
    # Booted through UEFI: the firmware's memory map and an RSDP handed
    # over, not searched for.
    Need(r'^uefi-', ('efi_boot',)),
    Need(r'-badsuite$', ('paravirt',)),
    Need(r'^xen-pv-dom0-', BARE_METAL_SUITES + XEN_DOM0_SUITES),
    Need(r'^xen-pv-dom0-', ('smp',) + CPU_HOTPLUG, min_cpus=2),
    Need(r'^xen-pv-(dom0|domU)-smp', NETFRONT_HARDENING),
    # pvk as a PVH dom0: the native suites, Xen's events, timer, grants
    # and spinlocks through the HVM callback, and the HVM detection and
    # delivery checks (xen_mmu and xen_acpi are a PV dom0's).
    Need(r'^xen-pvh-dom0-(?!.*-nocallback$)', BARE_METAL_SUITES + XEN_HVM_SUITES),
    Need(r'^xen-pvh-dom0-.*-nocallback$', BARE_METAL_SUITES + (
        'xen_hvm.xen_hvm_cpuid_detection',)),
    Need(r'^xen-pvh-dom0-', ('smp',), min_cpus=2),
    # The plain domU rows: xenstore and xenbus, grants, events, the
    # console ring's accounting of dropped output, blkfront and netfront
    # against dom0's real back ends, the control node, the balloon and
    # the UDP block service of serve mode on the Xen disk.
    Need(r'^xen-pv-domU-smp', BARE_METAL_SUITES + XEN_PV_SUITES
         + ('xenbus', 'net', 'xen_blkfront_untrusted', 'xen_console',
            'manage', 'xen_balloon', 'blk_udp')
         + XEN_DOMU_EVENTS
         + BLKFRONT_IO + NETFRONT_DOM0),
    Need(r'^xen-pv-domU-smp', ('smp',) + CPU_HOTPLUG, min_cpus=2),
    # The PVH and HVM domU rows: what the plain PV domU rows run, less
    # what exists only for PV (xen_mmu: mmu_update batching), plus the
    # HVM detection, delivery, timer, grant and unplug checks, and the
    # balloon without a P2M.
    Need(r'^xen-(pvh|hvm)-domU-smp\d(-vector)?$', BARE_METAL_SUITES
         + tuple(s for s in XEN_PV_SUITES if s != 'xen_mmu')
         + ('xenbus', 'net', 'xen_blkfront_untrusted', 'xen_hvm',
            'xen_console', 'xen_balloon') + XEN_DOMU_EVENTS + BLKFRONT_IO
         + NETFRONT_DOM0),
    # INTx reaches vCPU 0 only: no PV timer, IPIs or spinlocks, and no
    # events elsewhere, but xenstore, grants and both frontends work.
    Need(r'^xen-hvm-domU-.*-intx$', BARE_METAL_SUITES
         + ('xenbus', 'net', 'xen_gnttab', 'xen_blkfront_untrusted')
         + BLKFRONT_IO + NETFRONT_DOM0 + tuple('xen_hvm.xen_hvm_' + c for c in (
             'cpuid_detection', 'callback_delivers',
             'unplug_result_as_expected', 'grant_frames_placed'))),
    # Unplug refused by request: no PV disk attaches, the vif still does.
    Need(r'^xen-hvm-domU-.*-unplugnever$', BARE_METAL_SUITES
         + ('xenbus', 'net', 'xen_hvm.xen_hvm_unplug_result_as_expected')
         + NETFRONT_DOM0),
    # xen_nopv: bare metal inside the HVM guest (its emulated PCI too).
    Need(r'^xen-hvm-domU-.*-nopv$', BARE_METAL_SUITES + ('pci',)),
    Need(r'^xen-(pvh|hvm)-domU-smp', ('smp',), min_cpus=2),
    # VCPUOP_down and VCPUOP_up of HVM vCPUs (smp_hvm.c), with Xen's timer
    # and event-channel IPIs or the local APIC's.
    Need(r'^xen-(pvh|hvm)-domU-smp', CPU_HOTPLUG, min_cpus=2),
    # The dom0 jobs: the cases their dom0 side drives and checks.
    Need(r'^xen-pv-domU-blk-(full|bounce|nofeat|malformed)$',
         ('xen_blkfront',)),
    Need(r'^xen-pv-domU-blk-full$', ('xen_blkfront_untrusted',)),
    Need(r'^xen-pv-domU-blk-reconnect$', ('xen_blkfront_reconnect',)),
    Need(r'^xen-pv-domU-net-basic$', ('netfront', 'netfront_serve')),
    # One queue (queues=1): netfront_every_queue_used has nothing to do.
    Need(r'^xen-pv-domU-net-modes$', NETFRONT_DOM0 + (
        'netfront.netfront_udp_dom0_csum_modes', 'netfront_serve')),
    Need(r'^xen-pv-domU-con-channel$', ('xen_console_front',)),
    # Serving, then rebooted by xl: the control node's suite first
    # (life-shutdown boots with selftest=none: no KTAP at all).
    Need(r'^xen-pv-domU-life-reboot$', ('manage',)),
    # Ballooned by xl mem-set while serving, after the balloon's own suite.
    Need(r'^xen-pv-domU-life-balloon$', ('xen_balloon',)),
    # No ip=: the lease from dom0's udhcpd, on the vif, renewed.
    Need(r'^xen-pv-domU-life-dhcp$', ('dhcp', 'netfront_dhcp')),
    # Hot-plugged by xl vcpu-set while serving, after its own self-tests:
    # as PV, PVH and HVM.
    Need(r'^xen-(pv|pvh|hvm)-domU-life-vcpu$', CPU_HOTPLUG),
)

# A case that needs more CPUs than the boot has skips with the reason
# kunit_need_cpus() gives ("needs N CPUs"): on such a boot that skip is
# expected (the case must still be there), on a bigger one it fails.
NEEDS_CPUS_RE = re.compile(r'^needs (?P<n>\d+) CPUs\b')


def skip_expected(reason: str, cpus: int) -> bool:
    """Whether a required case may skip with reason on a cpus-CPU boot."""
    m = NEEDS_CPUS_RE.match(reason or '')
    return bool(m) and cpus < int(m['n'])


def required_names(row: Row, cpus: int) -> List[str]:
    """The suites and cases row must pass when it booted cpus CPUs (none
    for a serve_only row: it runs no case)."""
    out: List[str] = []
    if row.serve_only:
        return out
    for need in MANIFEST:
        if re.search(need.rows, row.name) and cpus >= need.min_cpus:
            out.extend(n for n in need.names if n not in out)
    return out


def check_required(row: Row, log: 'ktap.KtapLog', cpus: int) -> List[str]:
    """A problem for each required case (MANIFEST) that did not pass:
    skipped (with its reason) or missing.  A failed one is already
    counted and listed as a failed test."""
    cases = log.cases
    problems = []
    for name in required_names(row, cpus):
        if '.' in name:
            results = [cases[name]] if name in cases else []
            if not results:
                problems.append(f'required case {name} missing')
        else:
            results = log.suite(name)
            if not results:
                problems.append(f'required suite {name} missing')
        for r in results:
            if r.skipped and not skip_expected(r.reason, cpus):
                problems.append(f'required case {r.name} skipped: '
                                f'{r.reason or "no reason given"}')
    return problems


BENCH_ROWS: List[Row] = [
    Row('bare-metal-tcg', 'pvh', 2, 'tcg', append=BENCH_CMDLINE),
    Row('bare-metal-kvm', 'pvh', 2, 'kvm', append=BENCH_CMDLINE,
        requires=('kvm',)),
    Row('xen-pv-tcg', 'xen', 2, 'tcg', memory=XEN_MEMORY, append=BENCH_CMDLINE,
        platform='xen-pv', requires=('xen',), cpu_model=XEN_CPU_MODEL),
    dataclasses.replace(_pvh_dom0(2, BENCH_CMDLINE), name='xen-pvh-tcg'),
    # An HVM domU of the Linux dom0 stack (its serial console), ended by
    # the bench's last line.
    _hvm_domu(2, append=BENCH_CMDLINE, name='xen-hvm-tcg'),
]


def expected_cpus(row: Row, cmdline: str) -> Optional[int]:
    if row.expect_cpus is not None:
        return row.expect_cpus
    if re.search(r'(^|\s)maxcpus=', cmdline):
        return None
    return row.cpus


def row_cmdline(row: Row, extra: str) -> str:
    return ' '.join(w for w in (row.append.strip(), extra.strip()) if w)


# ---------------------------------------------------------------------------
# Context: paths and options shared by all rows.

class SetupError(Exception):
    """A row cannot be started (missing file, ISO build failure...)."""


@dataclass
class Context:
    qemu: str
    image: str
    iso: Optional[str]          # None: make one from image with mkiso.sh
    logs: str
    extra_append: str
    timeout: float
    bench: bool
    kvm_cpu: str = 'max'
    xen: Optional[str] = None   # the hypervisor binary (the 'xen' probe)
    cache: str = os.path.join(ROOT, 'build', 'cache')  # --cache
    # The bare-metal boots' first module: the user suite's programs.
    initramfs: str = os.path.join(ROOT, 'build', 'initramfs.cpio')
    echo: Optional[Callable[[str, str], None]] = None  # --show-log
    dry_run: bool = False       # --list: build nothing, check nothing
    iso_cache: Dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def need(self, path: str, hint: str) -> str:
        if not self.dry_run and not os.path.isfile(path):
            raise SetupError(f'{rel(path)} not found ({hint})')
        return path

    def iso_for(self, cmdline: str, initramfs: str = '') -> str:
        """The ISO to boot: --iso as built when the row adds nothing to the
        command line (make puts the initramfs in it), else one made with
        scripts/mkiso.sh under --logs, with @initramfs as its module when
        given."""
        if not cmdline and self.iso:
            return self.need(self.iso, 'make iso, or scripts/mkiso.sh')
        with self.lock:
            key = f'{cmdline}\0{initramfs}'
            if key in self.iso_cache:
                return self.iso_cache[key]
            self.need(self.image, 'build pvk first')
            if initramfs:
                self.need(initramfs, 'make builds it')
            tag = hashlib.sha1(cmdline.encode()).hexdigest()[:8]
            out = os.path.join(self.logs, f'pvk-{tag}'
                               + ('-initramfs' if initramfs else '') + '.iso')
            if self.dry_run:
                return out
            mkiso = os.path.join(ROOT, 'scripts', 'mkiso.sh')
            p = subprocess.run([mkiso, self.image, out, cmdline]
                               + ([initramfs] if initramfs else []),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
            if p.returncode != 0:
                raise SetupError('scripts/mkiso.sh failed: '
                                 + (p.stdout.strip().splitlines() or ['?'])[-1])
            self.iso_cache[key] = out
            return out


# How each kind of row loads pvk: returns the QEMU arguments for it.

# Bare-metal boots get the initramfs as their first module (QEMU's PVH
# loader hands -initrd over in start_info's module list; GRUB loads it
# with module2), so the user suite has its programs.

def boot_pvh(row: Row, ctx: Context, cmdline: str) -> List[str]:
    return ['-kernel', ctx.need(ctx.image, 'build pvk first'),
            '-append', cmdline,
            '-initrd', ctx.need(ctx.initramfs, 'make builds it')]


def boot_iso(row: Row, ctx: Context, cmdline: str) -> List[str]:
    return ['-cdrom', ctx.iso_for(cmdline, ctx.initramfs)]


# Debian's ovmf: code and variables in one image, used read-only.
OVMF = '/usr/share/ovmf/OVMF.fd'


def boot_uefi(row: Row, ctx: Context, cmdline: str) -> List[str]:
    """The iso rows' ISO, started by OVMF instead of SeaBIOS."""
    return (['-bios', ctx.need(OVMF, 'apt-get install ovmf, or run '
                               'scripts/setup.sh')]
            + boot_iso(row, ctx, cmdline))


XEN_FETCH = os.path.join(HERE, 'xen-fetch.sh')


def xen_path(ctx: Context) -> str:
    """Where xen-fetch.sh leaves the hypervisor in the cache."""
    return os.path.join(ctx.cache, 'xen', 'xen-4.17')


def xen_cmdline(row: Row) -> str:
    """Xen's own command line: its console on COM1 (where pvk's
    console_io output lands too, without a prefix for dom0 in 4.17), a
    dom0 with the row's vCPUs, and a reboot when dom0 stops."""
    return ('console=com1 loglvl=all guest_loglvl=all '
            f'dom0_max_vcpus={row.cpus} dom0_mem=256M,max:256M '
            'noreboot=false' + (f' {row.xen_args}' if row.xen_args else ''))


def boot_xen(row: Row, ctx: Context, cmdline: str) -> List[str]:
    xen = ctx.need(ctx.xen or xen_path(ctx), f'run {rel(XEN_FETCH)}')
    image = ctx.need(ctx.image, 'build pvk first')
    # QEMU splits -initrd at commas (one multiboot module each); ",,"
    # is a literal comma.  The first module is dom0's kernel, its
    # command line follows the path.  A dom0 runs user processes (PVH,
    # and PV since issue #13): Xen hands the next module over as its
    # initrd, the initramfs.
    module = f'{image} {cmdline}'.strip().replace(',', ',,')
    if row.platform in ('xen-pvh', 'xen-pv'):
        module += ',' + ctx.need(ctx.initramfs, 'make builds it').replace(
            ',', ',,')
    return ['-kernel', xen, '-append', xen_cmdline(row), '-initrd', module]


BOOT_METHODS: Dict[str, Callable[[Row, Context, str], List[str]]] = {
    'pvh': boot_pvh,
    'iso': boot_iso,
    'uefi': boot_uefi,
    'xen': boot_xen,
}


def accel_args(row: Row, ctx: Context) -> List[str]:
    if row.accel == 'kvm':
        return ['-accel', 'kvm', '-cpu', ctx.kvm_cpu]
    return ['-accel', 'tcg', '-cpu', row.cpu_model or 'max']


def log_paths(row_name: str, ctx: Context) -> Tuple[str, str, str]:
    base = os.path.join(ctx.logs, row_name)
    return base + '.log', base + '.debugcon.log', base + '.qemu.txt'


# A Unix socket's path must fit sockaddr_un (108 bytes with its NUL).
UNIX_PATH_MAX = 107


def qmp_path(row: Row, ctx: Context) -> str:
    """The QMP socket of a powerdown row, beside its logs."""
    path = os.path.join(ctx.logs, row.name + '.qmp')
    if len(path.encode()) > UNIX_PATH_MAX:
        raise SetupError(f'QMP socket path too long for a Unix socket: '
                         f'{path}')
    return path


def qmp_args(row: Row, ctx: Context) -> List[str]:
    if not row.powerdown:
        return []
    return ['-qmp', f'unix:{qmp_path(row, ctx)},server=on,wait=off']


def qemu_command(row: Row, ctx: Context, cmdline: str, serial: str,
                 debugcon: str) -> List[str]:
    return ([ctx.qemu, '-machine', 'q35'] + accel_args(row, ctx)
            + ['-m', str(row.memory), '-smp', str(row.cpus)]
            + BOOT_METHODS[row.boot](row, ctx, cmdline)
            + ['-display', 'none', '-monitor', 'none',
               '-serial', f'file:{serial}', '-debugcon', f'file:{debugcon}',
               '-no-reboot',
               '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']
            + qmp_args(row, ctx) + list(row.qemu_args))


# ---------------------------------------------------------------------------
# Running QEMU and watching its logs.

_procs = set()
_procs_lock = threading.Lock()
_stopping = threading.Event()


@dataclass
class Outcome:
    how: str                    # 'exited', 'stopped', 'timeout', 'stalled', 'error'
    exit_code: Optional[int] = None
    trigger: Optional[str] = None   # the line that made us stop
    seconds: float = 0.0
    error: str = ''
    powerdown: str = ''         # powerdown rows: 'sent', or why it was not


class _Tail:
    """Follow a growing file and yield its complete, cleaned lines."""

    def __init__(self, path: str):
        self.path = path
        self.offset = 0
        self.partial = b''

    def lines(self, final: bool = False) -> List[str]:
        try:
            with open(self.path, 'rb') as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return []
        self.offset += len(data)
        data = self.partial + data
        parts = data.split(b'\n')
        self.partial = parts.pop()
        if final and self.partial:
            parts.append(self.partial)
            self.partial = b''
        return [ktap.clean_line(p.decode('utf-8', 'replace')) for p in parts]


def _stop_process(proc: subprocess.Popen) -> None:
    """Stop proc; one started in its own session (run_qemu(group=True))
    is stopped with its whole process group, so a script's QEMU child
    cannot outlive it."""
    group = getattr(proc, 'pvk_group', False)

    def signal_it(sig: int) -> None:
        try:
            if group:
                os.killpg(proc.pid, sig)
            else:
                proc.send_signal(sig)
        except ProcessLookupError:
            pass
    if proc.poll() is not None:
        if group:
            signal_it(signal.SIGTERM)   # leftovers of the group, if any
        return
    signal_it(signal.SIGTERM)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        signal_it(signal.SIGKILL)
        proc.wait()


def run_qemu(argv: List[str], watch: List[str], qemu_out: str,
             stop: Callable[[str], Optional[float]], timeout: float,
             echo: Optional[Callable[[str], None]] = None,
             group: bool = False, stall: Optional[float] = None) -> Outcome:
    """Run QEMU until it exits, until stop(line) returns a grace period
    (seconds) for a line of a watched file and that grace has passed, or
    until timeout.  echo, if given, gets each line of the first watched
    file as it arrives.  With group, argv (a script that starts QEMU) runs
    in its own session and is stopped together with its children.  With
    stall, QEMU is also stopped when no watched file got a line for that
    many seconds (outcome 'stalled')."""
    for path in watch:
        if os.path.exists(path):
            os.unlink(path)
    start = time.monotonic()
    with open(qemu_out, 'w') as out:
        out.write('$ ' + shlex.join(argv) + '\n')
        out.flush()
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=group)
            proc.pvk_group = group
        except OSError as e:
            return Outcome('error', error=f'cannot run {argv[0]}: {e.strerror}')
        with _procs_lock:
            _procs.add(proc)
        tails = [_Tail(p) for p in watch]
        trigger = None
        deadline = start + timeout
        last_line = start

        def scan(final: bool) -> None:
            nonlocal trigger, deadline, last_line
            for i, tail in enumerate(tails):
                for line in tail.lines(final):
                    last_line = time.monotonic()
                    if echo and i == 0:
                        echo(line)
                    if trigger is None:
                        grace = stop(line)
                        if grace is not None:
                            trigger = line
                            deadline = min(deadline, time.monotonic() + grace)
        try:
            while True:
                code = proc.poll()
                scan(final=code is not None)
                if code is not None:
                    return Outcome('exited', code, trigger,
                                   time.monotonic() - start)
                if time.monotonic() >= deadline or _stopping.is_set():
                    seconds = time.monotonic() - start
                    _stop_process(proc)
                    scan(final=True)
                    how = 'stopped' if trigger is not None else 'timeout'
                    return Outcome(how, None, trigger, seconds)
                if stall and time.monotonic() - last_line >= stall:
                    seconds = time.monotonic() - start
                    _stop_process(proc)
                    scan(final=True)
                    return Outcome('stalled', None, trigger, seconds)
                time.sleep(0.05)
        finally:
            _stop_process(proc)
            with _procs_lock:
                _procs.discard(proc)


def stop_all() -> None:
    _stopping.set()
    with _procs_lock:
        procs = list(_procs)
    for proc in procs:
        _stop_process(proc)


def _sigterm(signum, frame):
    raise KeyboardInterrupt


def selftest_stop(line: str) -> Optional[float]:
    if line.startswith(ktap.VERDICT_PREFIX):
        return VERDICT_GRACE
    if line.startswith(ktap.PANIC_PREFIX):
        return PANIC_GRACE
    return None


# Xen's last word when its dom0 shuts down without ACPI S5.
XEN_DOM0_HALTED = '(XEN) Hardware Dom0 halted: halting machine'
# pvk's reason for asking for that halt (arch/x86/xen/enlighten_hvm.c).
PVK_NO_S5 = 'xen: no firmware ACPI tables either; shutdown will halt'


def xen_dom0_stop(stop: Callable[[str], Optional[float]]
                  ) -> Callable[[str], Optional[float]]:
    """stop, with the longer power-off grace of pvk as Xen's dom0, and
    at once when Xen says it halted (nothing more can come)."""
    def wrapped(line: str) -> Optional[float]:
        if line.startswith(XEN_DOM0_HALTED):
            return 0.0
        grace = stop(line)
        return XEN_POWEROFF_GRACE if grace == VERDICT_GRACE else grace
    return wrapped


def bench_stop(line: str) -> Optional[float]:
    if line == BENCH_DONE:
        return VERDICT_GRACE
    if line.startswith(ktap.PANIC_PREFIX):
        return PANIC_GRACE
    return None


def qmp_execute(path: str, command: str,
                timeout: float = QMP_TIMEOUT) -> None:
    """Run one QMP command on QEMU's socket at path: read the greeting,
    leave capabilities negotiation, run command.  Raises OSError or
    ValueError (QEMU's error, or what it said instead of a reply)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        f = sock.makefile('rw', encoding='utf-8', newline='\n')

        def reply() -> dict:
            # Events (asynchronous messages) may come before the reply.
            while True:
                line = f.readline()
                if not line:
                    raise ValueError('QMP connection closed')
                msg = json.loads(line)
                if 'event' not in msg:
                    return msg
        greeting = reply()
        if 'QMP' not in greeting:
            raise ValueError(f'no QMP greeting: {greeting!r}')
        for cmd in ('qmp_capabilities', command):
            f.write(json.dumps({'execute': cmd}) + '\n')
            f.flush()
            msg = reply()
            if 'return' not in msg:
                raise ValueError(f'{cmd}: {msg.get("error", msg)!r}')


def powerdown_stop(path: str, stop: Callable[[str], Optional[float]],
                   state: List[str]) -> Callable[[str], Optional[float]]:
    """stop, and at "pvk: serving" QMP system_powerdown (ACPI's power
    button) with POWERDOWN_GRACE for pvk to power off by itself; state
    gets 'sent', or why the command failed (QEMU is stopped at once)."""
    def wrapped(line: str) -> Optional[float]:
        if not line.startswith(SERVING) or state:
            return stop(line)
        try:
            qmp_execute(path, 'system_powerdown')
        except (OSError, ValueError) as e:
            state.append(f'QMP system_powerdown failed: {e}')
            return 0.0
        state.append('sent')
        return POWERDOWN_GRACE
    return wrapped


def judge_powerdown(res: 'RowResult', outcome: Outcome, text: str) -> None:
    """A powerdown row passes only if the button was set up, the press
    reached pvk as a power-off request, and pvk powered QEMU off by
    itself (isa-debug-exit's success status 1, or 0 through ACPI S5)."""
    lines = [PRINTK_TIME_RE.sub('', ktap.clean_line(ln))
             for ln in text.split('\n')]
    if outcome.powerdown != 'sent':
        res.problems.append(outcome.powerdown or
                            f'system_powerdown not sent: no "{SERVING}"')
        return
    if not any(POWER_BUTTON_SETUP_RE.match(ln) for ln in lines):
        res.problems.append('no "acpi: power button on SCI IRQ ..." line')
    if POWER_BUTTON_REQUEST not in lines:
        res.problems.append(f'no "{POWER_BUTTON_REQUEST}" line after '
                            'system_powerdown')
    if POWEROFF_NOW not in lines:
        res.problems.append(f'no "{POWEROFF_NOW}" line')
    if outcome.how != 'exited':
        res.problems.append(f'QEMU still running {POWERDOWN_GRACE:g} s after '
                            'system_powerdown; stopped by the runner')
    elif outcome.exit_code == 0:
        res.notes.append('powered off through ACPI S5, not isa-debug-exit')
    elif outcome.exit_code != 1:
        res.problems.append(f'QEMU exit status {outcome.exit_code} after '
                            'system_powerdown (expected 1: isa-debug-exit '
                            'success)')


def boot_line_stop(line: str) -> Optional[float]:
    return 0.0 if line.startswith(ktap.BOOT_PREFIX) else None


def qemu_last_words(path: str) -> str:
    """What QEMU itself said (its first error, else its last line)."""
    try:
        with open(path, errors='replace') as f:
            lines = [ln.strip() for ln in f.read().splitlines()[1:] if ln.strip()]
    except OSError:
        return ''
    lines = [re.sub(r'^\S*qemu-system-\S+: ', '', ln) for ln in lines
             if 'terminating on signal' not in ln]
    errors = [ln for ln in lines if re.search(r'error|fail', ln, re.I)]
    return (errors or lines or [''])[0]


# ---------------------------------------------------------------------------
# Requirements (probed once; see HOST_REQUIREMENTS for what a row that
# needs an unusable one becomes).

def probe_kvm(ctx: Context) -> Tuple[bool, str]:
    """(True, cpu model) when KVM works for pvk, else (False, reason).
    Raises SetupError when there is no image to probe with."""
    if not os.path.exists('/dev/kvm'):
        return False, 'no /dev/kvm'
    try:
        os.close(os.open('/dev/kvm', os.O_RDWR))
    except OSError as e:
        return False, f'/dev/kvm: {e.strerror}'
    reasons = []
    for cpu in ('host', 'max'):
        row = Row(f'kvm-probe-{cpu}', 'pvh', 1, 'kvm')
        serial, debugcon, qemu_out = log_paths(row.name, ctx)
        saved, ctx.kvm_cpu = ctx.kvm_cpu, cpu
        try:
            argv = qemu_command(row, ctx, ctx.extra_append, serial, debugcon)
        finally:
            ctx.kvm_cpu = saved
        o = run_qemu(argv, [serial, debugcon], qemu_out, boot_line_stop,
                     KVM_PROBE_TIMEOUT)
        if o.trigger is not None:
            return True, cpu
        if o.how == 'error':
            return False, o.error
        if o.how == 'timeout':
            why = f'no boot line within {KVM_PROBE_TIMEOUT} s'
        else:
            why = qemu_last_words(qemu_out) or f'qemu exited with {o.exit_code}'
        reasons.append((cpu, why))
    if reasons[0][1] == reasons[1][1]:
        return False, f'KVM unusable: {reasons[0][1]}'
    return False, 'KVM unusable: ' + '; '.join(f'-cpu {c}: {w}'
                                                for c, w in reasons)


def probe_xen(ctx: Context) -> Tuple[bool, str]:
    """(True, path) once xen-fetch.sh has the hypervisor (it downloads
    Debian's package into CACHE/xen the first time), else (False,
    reason)."""
    xen = xen_path(ctx)
    cache = os.path.dirname(xen)
    if os.path.isfile(xen) and os.path.getsize(xen) > 0:
        ctx.xen = xen
        return True, xen
    try:
        p = subprocess.run([XEN_FETCH, cache], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, f'xen-fetch.sh: {e}'
    lines = p.stdout.strip().splitlines() or ['no output']
    if p.returncode != 0 or not os.path.isfile(lines[-1]):
        return False, f'no Xen hypervisor: {lines[-1]}'
    ctx.xen = lines[-1]
    return True, lines[-1]


DOM0_FETCH_TIMEOUT = 1800       # the first fetch downloads ~150 MB


def probe_dom0stack(ctx: Context) -> Tuple[bool, str]:
    """(True, '') once dom0/fetch.sh has the Linux dom0 stack's packages
    (a no-op in ~1 s when they are cached), else (False, reason)."""
    fetch = os.path.join(DOM0_DIR, 'fetch.sh')
    try:
        p = subprocess.run([fetch], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True,
                           timeout=DOM0_FETCH_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, f'dom0/fetch.sh: {e}'
    if p.returncode != 0:
        last = (p.stdout.strip().splitlines() or ['no output'])[-1]
        return False, f'no Linux dom0 stack: fetch.sh: {last}'
    return True, ''


REQUIREMENTS: Dict[str, Callable[[Context], Tuple[bool, str]]] = {
    'kvm': probe_kvm,
    'xen': probe_xen,
    'dom0stack': probe_dom0stack,
}

# Two kinds of requirement, on purpose treated differently:
# - a property of the host: KVM.  On the machines this is built on,
#   /dev/kvm exists but QEMU cannot use it; nothing the runner could
#   fetch or start changes that, so its rows SKIP, with the reason.
# - something the runner fetches and starts itself: the Xen hypervisor
#   and the Linux dom0 stack.  If that fails, the rows that need it
#   did not test anything, and a run that tested nothing is not green:
#   they FAIL, with the reason.  Only PVK_SKIP_XEN=1 in the environment
#   (never set by .ci/run) makes them skips, and the closing summary
#   says so.
HOST_REQUIREMENTS = ('kvm',)
SKIP_XEN_ENV = 'PVK_SKIP_XEN'
SKIPPED_BY_REQUEST = f'skipped by request ({SKIP_XEN_ENV}=1)'
SKIP_XEN_NOTE = '(Xen rows skipped by request)'


def skip_xen_requested() -> bool:
    return os.environ.get(SKIP_XEN_ENV) == '1'


def unmet_requirement(row: Row, probes: Dict[str, Tuple[bool, str]]
                      ) -> Optional['RowResult']:
    """The result of a row whose requirement is not usable (see
    HOST_REQUIREMENTS), or None when the row can run."""
    for req in row.requires:
        ok, info = probes[req]
        if ok:
            continue
        if req in HOST_REQUIREMENTS or info == SKIPPED_BY_REQUEST:
            return RowResult(row, SKIP, problems=[info])
        return RowResult(row, ERROR, problems=[
            f'requirement {req} could not be fetched or started: {info}'])
    return None


# ---------------------------------------------------------------------------
# Evaluating one row.

@dataclass
class RowResult:
    row: Row
    status: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    platform: str = ''
    seconds: float = 0.0
    log: str = ''
    failed_tests: List[str] = field(default_factory=list)
    # What pvk said in each failed case ("# suite.case: ..." lines), so
    # the summary, often all a CI log keeps, shows why it failed.
    failure_notes: Dict[str, List[str]] = field(default_factory=dict)
    problems: List[str] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)
    retried: List[str] = field(default_factory=list)  # why each retry


def judge_xen_power_off(res: RowResult, outcome: Outcome,
                        verdict: Optional[str], text: str = '') -> None:
    """pvk as Xen's dom0 has no isa-debug-exit: after its verdict it must
    power the machine off through Xen's ACPI S5, which makes QEMU exit 0.
    The one exception: a PVH dom0 under Xen 4.17 on SeaBIOS's tables
    (RSDT only) gets no FADT from Xen (see enlighten_hvm.c); if pvk said
    so and Xen then halted, the shutdown went as far as it can."""
    if verdict is None:
        return
    if (res.row.platform == 'xen-pvh' and PVK_NO_S5 in text
            and XEN_DOM0_HALTED in text):
        res.notes.append('no ACPI S5 for a PVH dom0 here; Xen halted')
        return
    if outcome.how == 'stopped':
        res.problems.append(f'dom0 did not power the machine off within '
                            f'{XEN_POWEROFF_GRACE:g} s of the verdict '
                            '(XENPF_enter_acpi_sleep); QEMU stopped by the '
                            'runner')
    elif outcome.how == 'exited' and outcome.exit_code != 0:
        res.problems.append(f'QEMU exit status {outcome.exit_code} after the '
                            'verdict (expected 0: ACPI S5 through Xen)')


def first_boot(text: str) -> str:
    """The log up to the second boot line: a guest the toolstack rebooted
    (Row.boots) runs its self-tests once per boot, and the first boot's
    KTAP stream is the row's (its job's own check judges the rest)."""
    lines = text.split('\n')
    boots = [i for i, ln in enumerate(lines)
             if ktap.clean_line(ln).startswith(ktap.BOOT_PREFIX)]
    return '\n'.join(lines[:boots[1]]) if len(boots) > 1 else text


def evaluate(row: Row, ctx: Context, cmdline: str, outcome: Outcome,
             serial: str, debugcon: str, qemu_out: str) -> RowResult:
    text = ktap.read_log(serial) if os.path.exists(serial) else ''
    if row.boots > 1:
        text = first_boot(text)
    log = ktap.parse(text)
    res = RowResult(row, PASS, log.passed, log.failed, log.skipped,
                    (log.boot or {}).get('platform', ''), outcome.seconds,
                    serial)
    res.failed_tests = [f'{r.number} {r.name}' for r in log.failed_tests]
    res.failure_notes = {r.name: log.case_notes.get(r.name, [])
                         for r in log.failed_tests}
    problems = res.problems

    if row.serve_only and not ctx.bench:
        judge_serve_only(res, log, text)
        if row.powerdown:
            judge_powerdown(res, outcome, text)
    elif ctx.bench:
        # A bench boot has no KTAP stream: only the boot line, the
        # pvk-bench lines and "pvk-bench: done" matter here.
        res.passed = res.failed = res.skipped = 0
        res.failed_tests = []
        if log.boot is None:
            problems.append('no boot line ("pvk: platform=...")')
        if log.panic:
            problems.append(f'kernel panic: {log.panic}')
        done = any(ktap.clean_line(ln) == BENCH_DONE
                   for ln in text.split('\n'))
        if not done:
            problems.append(f'no "{BENCH_DONE}" line')
    else:
        problems.extend(log.errors)
        if log.verdict is not None:
            cpus = log.boot['cpus'] if log.boot else row.cpus
            problems.extend(check_required(row, log, cpus))
    if log.boot is not None:
        want = expected_cpus(row, cmdline)
        if want is not None and log.boot['cpus'] != want:
            problems.append(f'boot line says cpus={log.boot["cpus"]}, '
                            f'expected {want}')
        if row.platform and log.boot['platform'] != row.platform:
            problems.append(f'boot line says platform='
                            f'{log.boot["platform"]}, expected {row.platform}')
        for word in row.boot_words:
            if log.boot.get(word) != '':
                problems.append(f'boot line lacks "{word}": {log.boot_line}')
    elif os.path.exists(debugcon) and os.path.getsize(debugcon) > 0 \
            and ktap.parse_file(debugcon).boot is not None:
        res.notes.append(f'debugcon has kernel output ({rel(debugcon)}) '
                         'but the serial log does not')

    serving = row.serve_only and SERVING in (ktap.clean_line(ln)
                                             for ln in text.split('\n'))
    if row.boot == 'xen':
        judge_xen_power_off(res, outcome, log.verdict, text)
    elif outcome.how == 'exited' and log.verdict is not None:
        want_code = {'PASS': 1, 'FAIL': 3}[log.verdict]
        if outcome.exit_code == 0:
            res.notes.append('powered off through ACPI S5, not isa-debug-exit')
        elif outcome.exit_code != want_code:
            problems.append(f'QEMU exit status {outcome.exit_code} after '
                            f'verdict {log.verdict} (expected {want_code})')
    elif outcome.how == 'stopped' and log.verdict is not None:
        res.notes.append(f'no power-off within {VERDICT_GRACE:g} s of the '
                         'verdict; QEMU stopped by the runner')

    if outcome.how == 'error':
        res.status = ERROR
        problems.insert(0, outcome.error)
    elif log.panic:
        res.status = PANIC
    elif outcome.how == 'timeout':
        res.status = HANG
        what = (f'"{BENCH_DONE}"' if ctx.bench else
                f'"{SERVING}"' if row.serve_only else 'verdict')
        problems.insert(0, f'no {what} within {row_timeout(row, ctx):g} s'
                        + _last_line_hint(text))
    elif (log.verdict is None and not ctx.bench and not serving) or \
            (ctx.bench and outcome.trigger is None):
        res.status = CRASH
        what = (f'"{BENCH_DONE}"' if ctx.bench else
                f'"{SERVING}"' if row.serve_only else 'the verdict')
        if outcome.how == 'domain-gone':
            problems.insert(0, f'the domain went away before {what}'
                            + _last_line_hint(text))
        else:
            last = qemu_last_words(qemu_out)
            problems.insert(0, f'QEMU exited (status {outcome.exit_code}) '
                            f'before {what}' + (f': {last}' if last else '')
                            + _last_line_hint(text))
    elif problems:
        res.status = MISMATCH
    elif row.expect_failed and not ctx.bench:
        judge_expected_failure(res, row, log)
    elif log.verdict == FAIL and not ctx.bench:
        res.status = FAIL
    if res.status in (PANIC, HANG, CRASH):
        res.problems = [p for p in problems
                        if not p.startswith('no verdict line')]
    return res


def judge_serve_only(res: RowResult, log: 'ktap.KtapLog', text: str) -> None:
    """A guest booted with selftest=none runs no self-test and prints no
    KTAP: its boot line and "pvk: serving" (evaluate()) stand for the
    verdict, and any KTAP or panic in its log is a problem."""
    res.passed = res.failed = res.skipped = 0
    res.failed_tests = []
    if log.boot is None:
        res.problems.append('no boot line ("pvk: platform=...")')
    if log.results or log.verdict is not None:
        res.problems.append('KTAP output although selftest=none')


def judge_expected_failure(res: RowResult, row: Row, log: 'ktap.KtapLog'
                           ) -> None:
    """A row that feeds pvk bad input on purpose passes only when the
    verdict is FAIL and the failed cases are exactly row.expect_failed;
    those then count as passed (they did what the row asks of them)."""
    failed = sorted(r.name for r in log.failed_tests)
    want = sorted(row.expect_failed)
    if log.verdict == FAIL and failed == want:
        res.passed += res.failed
        res.failed = 0
        res.failed_tests = []
        res.notes.append('failed as expected: ' + ', '.join(want))
        return
    res.status = MISMATCH
    res.problems.append(f'expected verdict FAIL with exactly {want} failed; '
                        f'got {log.verdict} with {failed}')


# kernel/selftest_watch.c's report of a case that has not come back.
STUCK_RE = re.compile(r'^# selftest: (?P<case>\S+) still running after '
                      r'(?P<secs>\d+) s$')


def _last_line_hint(text: str) -> str:
    lines = [ktap.clean_line(ln) for ln in text.split('\n')]
    lines = [ln for ln in lines if ln]
    if not lines:
        return '; serial log empty'
    hint = f'; last line: {lines[-1]!r}'
    stuck = [m for m in map(STUCK_RE.match, lines) if m]
    if stuck:
        hint += (f'; stuck in {stuck[-1]["case"]} for {stuck[-1]["secs"]}+ s '
                 "(each CPU's last tick is in the log)")
    return hint


def run_row(row: Row, ctx: Context, probes: Dict[str, Tuple[bool, str]]
            ) -> RowResult:
    unmet = unmet_requirement(row, probes)
    if unmet:
        return unmet
    if _stopping.is_set():
        return RowResult(row, SKIP, problems=['interrupted'])
    cmdline = row_cmdline(row, ctx.extra_append)
    serial, debugcon, qemu_out = log_paths(row.name, ctx)
    try:
        argv = qemu_command(row, ctx, cmdline, serial, debugcon)
        stop = bench_stop if ctx.bench else selftest_stop
        if row.boot == 'xen':
            stop = xen_dom0_stop(stop)
        powerdown: List[str] = []
        if row.powerdown and not ctx.bench:
            stop = powerdown_stop(qmp_path(row, ctx), stop, powerdown)
        echo = (lambda line: ctx.echo(row.name, line)) if ctx.echo else None
        outcome = run_qemu(argv, [serial, debugcon], qemu_out, stop,
                           ctx.timeout, echo)
        outcome.powerdown = powerdown[0] if powerdown else ''
        return evaluate(row, ctx, cmdline, outcome, serial, debugcon,
                        qemu_out)
    except SetupError as e:
        return RowResult(row, ERROR, problems=[str(e)])
    except Exception as e:      # a runner bug must not hide the other rows
        return RowResult(row, ERROR, log=serial,
                         problems=[f'runner error: {e!r}'])


# ---------------------------------------------------------------------------
# Rows run as domUs of the Linux dom0 test stack (dom0/README.md): one
# dom0 boot for all of them, one xl job per row.  Each row's log is its
# guest's console block, cut out of the dom0 serial log, and goes through
# the same checks as a row of its own QEMU.

DOM0_BOOT_TIMEOUT = 300     # Xen + Linux dom0 + toolstack, under load
DOM0_JOB_SLACK = 60         # per job: xl create, teardown, diagnostics
DOM0_GUEST_GRACE = 10       # for the power-off after the verdict
# dom0-init prints a line at least every 30 s while it waits for a guest;
# this long without one, dom0 is stuck (seen once: everything that asked
# xenstore hung after dom0 programs crashed) and its QEMU is stopped.
DOM0_STALL = 300
DOM0_CONSOLE_RE = re.compile(r'^===== guest (?P<guest>\S+) console '
                             r'(?P<what>begin|end) =====$')
DOM0_JOB_END_RE = re.compile(r'^===== job (?P<job>\S+) end: guest=(?P<guest>\S+)'
                             r' result=(?P<result>\S+) post=(?P<post>\S+) =====$')
DOM0_JOB_TIME_RE = re.compile(r'^dom0: \[[\d.]+\] job (?P<job>\S+): '
                              r'(?P<result>[a-z-]+) after (?P<secs>\d+)s$')
DOM0_DESTROY_RE = re.compile(r'^dom0: \[[\d.]+\] job (?P<job>\S+): destroying ')
# A guest's line of the `xl list` dom0-init prints before it destroys one.
XL_LIST_RE = re.compile(r'^(?P<guest>\S+)\s+\d+\s+\d+\s+\d+\s+'
                        r'(?P<state>[-rbpscd]{6})\s')
# dom0-init's first line of a job and its line after `xl create`: with
# DOM0_JOB_END_RE they bound the job's window in the serial log and
# name its domain.
DOM0_JOB_START_RE = re.compile(r'^dom0: \[[\d.]+\] job (?P<job>\S+): '
                               r'guest (?P<guest>\S+), timeout \d+s$')
DOM0_CREATED_RE = re.compile(r'^dom0: \[[\d.]+\] job (?P<job>\S+): \S+ '
                             r'created as domain (?P<domid>\d+)$')
DOM0_DONE = '===== dom0 jobs done ====='
DOM0_FAILED_RE = re.compile(r'^===== dom0 init failed .*=====$')


@dataclass
class GuestRun:
    """What dom0 reported about one guest job."""
    console: List[str] = field(default_factory=list)
    after: List[str] = field(default_factory=list)  # xl log, dmesg tails
    result: str = ''            # verdict, exited, timeout, create-failed...
    seconds: float = 0.0
    destroyed: bool = False
    shut_down: bool = False     # xl list said so (state s) before the destroy
    post: str = ''              # JOB.post: ok, failed, none
    domid: str = ''             # dom0-init's "created as domain N"
    xen: List[str] = field(default_factory=list)  # Xen's lines in the job



# The dom0 boots: the group (Row.boot) of each and QEMU's -cpu for it
# ('' is run.sh's default, an Intel model).  PVH and HVM guests need SVM
# with nested paging, which TCG emulates only for AMD models; with those,
# dom0's programs crash now and then (dom0/README.md, "Traps"), so the
# PV rows keep their own boot on the Intel model, which has not shown it.
DOM0_GROUP_CPU = {
    'dom0stack': '',
    'dom0stack-hvm': 'EPYC,-monitor,-smap,-rdtscp',
}
# And Xen's options for each: on the AMD model dom0 gets one vCPU, pinned
# to physical CPU 0, and dom0-init runs the guests on the other one, so
# that dom0's vCPU is switched only to and from the idle vCPU, which Xen
# does lazily, without reloading dom0's segment bases (in 4.17 through
# VMLOAD on AMD), the step after which dom0's programs found a wrong
# thread pointer.  Measured: see dom0/README.md, "Traps".
DOM0_GROUP_XEN_ARGS = {
    'dom0stack': '',
    'dom0stack-hvm': 'dom0_max_vcpus=1 dom0_vcpus_pin',
}


def dom0stack_paths(ctx: Context, group: str = 'dom0stack'
                    ) -> Tuple[str, str, str, str]:
    """(job directory, dom0 image, serial log, run.sh output) of the dom0
    boot of group."""
    base = os.path.join(ctx.logs, group)
    return base, os.path.join(base, 'dom0.cpio.gz'), base + '.log', \
        base + '.run.txt'


def row_timeout(row: Row, ctx: Context) -> float:
    """Seconds a row's guest has for its verdict: its job's own timeout
    (a dom0 job drives traffic or detaches disks), at least --timeout."""
    return max(row.timeout or 0.0, ctx.timeout)


def hvm_iso(row: Row, ctx: Context) -> Tuple[str, str]:
    """(name in dom0's /guests, host path) of the GRUB ISO an HVM row
    boots: build/pvk.iso, or one made by scripts/mkiso.sh with the row's
    command line in grub.cfg (Context.iso_for) and the initramfs as its
    module, as on bare metal, named after a hash of that command line."""
    cmdline = row_cmdline(row, ctx.extra_append)
    tag = hashlib.sha1(cmdline.encode()).hexdigest()[:8]
    return f'pvk-{tag}.iso', ctx.iso_for(cmdline, ctx.initramfs)


# The name of the user suite's initramfs in dom0's /guests (PVH domUs,
# and the PV domUs of the user suite).
GUEST_INITRAMFS = 'initramfs.cpio'


def gets_initramfs(row: Row) -> bool:
    """Does the row's guest get the initramfs as its ramdisk?  Every PVH
    guest (PVH keeps native paging), and the PV guests that run the
    self-tests on their own (no dom0/jobs script), where the user suite
    runs on PV's pv_ops hooks (issue #13)."""
    return row.xl_type == 'pvh' or (row.xl_type == 'pv' and not row.job)


def dom0stack_job(row: Row, ctx: Context, index: int) -> Tuple[str, str]:
    """(path, text) of the xl config of a row's job; the guest is named
    after the row.  A PV or PVH guest gets the ELF and the command line;
    an HVM guest boots its ISO (hvm_iso), whose grub.cfg has the command
    line, from the CD-ROM its xl_lines name by ISO_MARK."""
    cmdline = row_cmdline(row, ctx.extra_append)
    if '"' in cmdline and "'" in cmdline:
        raise SetupError('command line has both quote kinds: cannot put it '
                         'in an xl config')
    q = "'" if '"' in cmdline else '"'
    origin = f' from dom0/jobs/{row.job}.cfg' if row.job else ''
    if row.xl_type == 'hvm':
        boot = ''
        iso = '/guests/' + hvm_iso(row, ctx)[0]
    else:
        boot = f'kernel = "/guests/pvk"\nextra = {q}{cmdline}{q}\n'
        iso = ''
    if gets_initramfs(row):
        # The user suite's programs come along.
        boot += f'ramdisk = "/guests/{GUEST_INITRAMFS}"\n'
    text = (f'# Written by run_tests.py for row {row.name}{origin}.\n'
            f'# dom0-timeout: {int(row_timeout(row, ctx))}\n'
            f'# dom0-grace: {row.grace or DOM0_GUEST_GRACE}\n'
            f'name = "{row.name}"\n'
            f'type = "{row.xl_type}"\n'
            + boot +
            f'memory = {row.memory}\n'
            f'vcpus = {row.cpus}\n'
            + ''.join(line.replace(ISO_MARK, iso) + '\n'
                      for line in row.xl_lines) +
            'on_poweroff = "destroy"\n'
            f'on_reboot = "{row.on_reboot}"\n'
            'on_crash = "destroy"\n')
    jobs_dir = dom0stack_paths(ctx, row.boot)[0]
    return os.path.join(jobs_dir, f'{index:02d}-{row.name}.cfg'), text


# JOB.pre of every pvk domU job.  xl makes a guest's device/ directory
# read-only to it; the xenbus self-test plays a frontend against a fake
# backend and needs to create device/pvktest/0 itself.  So, in the
# background, as soon as the domain exists, dom0 hands the guest its own
# device/ directory (owner: the guest; dom0 may read).
DOM0STACK_PRE = """\
# Written by run_tests.py: make device/ of guest $GUEST writable for it.
(
	i=0
	while [ "$i" -lt 600 ]; do
		for d in $(xenstore-list /local/domain 2>/dev/null); do
			[ "$(xenstore-read "/local/domain/$d/name" 2>/dev/null)" = "$GUEST" ] || continue
			xenstore-chmod "/local/domain/$d/device" "n$d" r0 &&
				echo "pre: device/ of domain $d ($GUEST) writable for it"
			exit 0
		done
		sleep 0.1
		i=$((i + 1))
	done
	echo "pre: domain $GUEST never appeared"
) &
"""


# In a plain domU row whose command line gives pvk an address (ip=),
# dom0 pings pvk while it runs: one echo request a second from before
# `xl create` until JOB.post, which needs at least one reply.  pvk answers
# from netfront's event handler, whatever self-test runs (busybox ping
# may die under TCG: a lost request, and a crash line for the retry).
DOM0STACK_PING_PRE = """\
# Written by run_tests.py: dom0 pings {addr} while $GUEST runs.
rm -f "/tmp/$JOB.stop" "/tmp/$JOB.pings"
(
	n=0
	while [ ! -e "/tmp/$JOB.stop" ]; do
		if ping -c 1 -W 1 {addr} >/dev/null 2>&1; then
			n=$((n + 1))
			echo "$n" >"/tmp/$JOB.pings"
		fi
		sleep 1
	done
) </dev/null >/dev/null 2>&1 &
"""
DOM0STACK_PING_POST = """\
# Written by run_tests.py: did {addr} answer dom0's pings while $GUEST ran?
touch "/tmp/$JOB.stop"
n=$(cat "/tmp/$JOB.pings" 2>/dev/null || echo 0)
if [ "$n" -ge 1 ]; then
	echo "$JOB post: ok: {addr} answered $n of dom0's pings while $GUEST ran"
	exit 0
fi
echo "$JOB post: FAIL: {addr} answered none of dom0's pings while $GUEST ran"
exit 1
"""
PING_CHECK = 'ping while running'


def ping_address(row: Row) -> str:
    """The address dom0 pings while a plain domU row runs, or ''."""
    if row.job:
        return ''
    m = re.search(r'(?:^|\s)ip=(\d+\.\d+\.\d+\.\d+)/', row.append)
    return m.group(1) if m else ''


NET_TOOL_SRC = os.path.join(DOM0_JOBS, 'net-tool.c')
EVIL_BLKBACK_SRC = os.path.join(DOM0_JOBS, 'evil-blkback.c')
EVIL_NETBACK_SRC = os.path.join(DOM0_JOBS, 'evil-netback.c')
# What both malicious backends share: xenstore, grant and event-channel
# plumbing.
EVIL_COMMON = (os.path.join(DOM0_JOBS, 'evil-common.c'),
               os.path.join(DOM0_JOBS, 'evil-common.h'))
EVIL_LIBS = ('-lxenstore', '-lxengnttab', '-lxenevtchn', '-lxentoolcore',
             '-lxentoollog')
# The dom0 programs built on the host: name, the files each is built
# from (its .c files are compiled, all of them are what makes it out of
# date) and the libraries (static, from the host's libxen-dev: the ones
# Debian's dom0 runs).
DOM0_PROGRAMS = (
    ('net-tool', (NET_TOOL_SRC,), ()),
    ('evil-blkback', (EVIL_BLKBACK_SRC, *EVIL_COMMON), EVIL_LIBS),
    ('evil-netback', (EVIL_NETBACK_SRC, *EVIL_COMMON), EVIL_LIBS),
)


def dom0stack_guests(ctx: Context) -> List[Tuple[str, str]]:
    """(name, path) of the dom0 programs the net, console, life and
    evil jobs use: net-tool, evil-blkback and evil-netback, static builds
    of jobs/net-tool.c, jobs/evil-blkback.c and jobs/evil-netback.c kept
    next to the logs, net-drive.sh, life-drive.sh, life-ssh.sh (ssh for a
    migration to the same host) and migrate-lib.sh (which life-drive.sh
    sources), evil-drive.sh and evil-net-drive.sh, and evil-lib.sh,
    which both source."""
    logs = dom0stack_paths(ctx)[0]
    return [*[(name, os.path.join(logs, name)) for name, _, _ in DOM0_PROGRAMS],
            ('net-drive.sh', os.path.join(DOM0_JOBS, 'net-drive.sh')),
            ('life-drive.sh', os.path.join(DOM0_JOBS, 'life-drive.sh')),
            ('life-ssh.sh', os.path.join(DOM0_JOBS, 'life-ssh.sh')),
            ('migrate-lib.sh', os.path.join(DOM0_JOBS, 'migrate-lib.sh')),
            ('evil-drive.sh', os.path.join(DOM0_JOBS, 'evil-drive.sh')),
            ('evil-net-drive.sh', os.path.join(DOM0_JOBS, 'evil-net-drive.sh')),
            ('evil-lib.sh', os.path.join(DOM0_JOBS, 'evil-lib.sh'))]


def dom0_program_command(name: str, srcs: Tuple[str, ...],
                         libs: Tuple[str, ...], out: str) -> List[str]:
    """gcc's command line for one of DOM0_PROGRAMS."""
    return ['gcc', '-static', '-O2', '-Wall', '-Wextra', '-o', out,
            *[f for f in srcs if f.endswith('.c')], *libs]


def build_net_tool(ctx: Context) -> None:
    """Compile net-tool, evil-blkback and evil-netback for dom0 (static: dom0's libc
    is not the host's), each only when its source is newer.  Their
    directory is the PV dom0 boot's, which a run of PVH or HVM rows alone
    has not made."""
    guests = dict(dom0stack_guests(ctx))
    os.makedirs(dom0stack_paths(ctx)[0], exist_ok=True)
    for name, srcs, libs in DOM0_PROGRAMS:
        tool = guests[name]
        if os.path.isfile(tool) and os.path.getmtime(tool) >= \
                max(os.path.getmtime(f) for f in srcs):
            continue
        p = subprocess.run(dom0_program_command(name, srcs, libs, tool),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
        if p.returncode != 0:
            raise SetupError(f'building dom0 {name} failed: '
                             + (p.stdout.strip().splitlines() or ['?'])[-1])


def write_job_scripts(row: Row, base: str) -> None:
    """BASE.pre and BASE.post of a row's job: a dom0 job's own scripts,
    or DOM0STACK_PRE for a plain domU row, with the ping check when pvk
    gets an address (ping_address)."""
    if not row.job:
        addr = ping_address(row)
        with open(base + '.pre', 'w') as f:
            f.write(DOM0STACK_PRE)
            if addr:
                f.write(DOM0STACK_PING_PRE.format(addr=addr))
        if addr:
            with open(base + '.post', 'w') as f:
                f.write(DOM0STACK_PING_POST.format(addr=addr))
        return
    for ext in ('.pre', '.post'):
        src = os.path.join(DOM0_JOBS, (row.job_scripts or row.job) + ext)
        if os.path.isfile(src):
            shutil.copyfile(src, base + ext)


def dom0stack_commands(rows: List[Row], ctx: Context
                       ) -> Tuple[List[str], List[str], float]:
    """build.sh and run.sh command lines for one dom0 boot running every
    row's job (the rows of one group), and run.sh's timeout."""
    group = rows[0].boot
    _, image, serial, _ = dom0stack_paths(ctx, group)
    build = [os.path.join(DOM0_DIR, 'build.sh'),
             '--guest', f'pvk={ctx.need(ctx.image, "build pvk first")}',
             '--output', image]
    for i, row in enumerate(rows):
        build += ['--job', dom0stack_job(row, ctx, i)[0]]
    if any(row.job for row in rows):
        for name, path in dom0stack_guests(ctx):
            build += ['--guest', f'{name}={path}']
    if any(gets_initramfs(row) for row in rows):
        build += ['--guest', GUEST_INITRAMFS + '='
                  + ctx.need(ctx.initramfs, 'make builds it')]
    isos = dict(hvm_iso(row, ctx) for row in rows if row.xl_type == 'hvm')
    for name, path in sorted(isos.items()):
        build += ['--guest', f'{name}={path}']
    timeout = DOM0_BOOT_TIMEOUT + sum(row_timeout(row, ctx) + DOM0_JOB_SLACK
                                      + (row.grace or 0)
                                      for row in rows)
    run = [os.path.join(DOM0_DIR, 'run.sh'), '--initrd', image,
           '--log', serial, '--timeout', str(int(timeout))]
    if DOM0_GROUP_CPU[group]:
        run += ['--cpu', DOM0_GROUP_CPU[group]]
    if DOM0_GROUP_XEN_ARGS[group]:
        run += ['--xen-args', DOM0_GROUP_XEN_ARGS[group]]
    return build, run, timeout


def _destroyed_note(run: GuestRun) -> str:
    if run.shut_down:
        return ('shut down after the verdict, but xl had not reaped it '
                f'within {DOM0_GUEST_GRACE} s; destroyed by dom0')
    return (f'no power-off within {DOM0_GUEST_GRACE} s of the verdict; '
            'destroyed by dom0')


def note_shut_down_hang(res: 'RowResult', run: GuestRun) -> None:
    """A guest that timed out while xl list already said it had shut
    down (seen: pvk as a PVH guest stopping without a word) did not hang
    running: say so, since "no verdict" alone reads as a busy guest."""
    if run.shut_down:
        res.problems.append('the domain had shut down without a verdict '
                            '(xl list state s) and xl never reaped it; '
                            'destroyed by dom0 at the timeout')


def split_dom0_log(text: str) -> Tuple[Dict[str, GuestRun], List[str]]:
    """Per-guest console blocks and job results of a dom0 serial log, and
    the dom0 init failure lines (if any).  Xen's own lines that land
    inside a console block are left out of it; those of a job's window
    (from its start line to its end line) are kept in GuestRun.xen."""
    guests: Dict[str, GuestRun] = {}
    failed: List[str] = []
    current: Optional[GuestRun] = None
    after: Optional[GuestRun] = None
    window: Optional[GuestRun] = None
    job_guest: Dict[str, str] = {}
    times: Dict[str, float] = {}
    destroyed = set()
    xl_state: Dict[str, str] = {}
    for raw in text.split('\n'):
        line = ktap.clean_line(raw)
        m = DOM0_JOB_START_RE.match(line)
        if m:
            window = guests.setdefault(m.group('guest'), GuestRun())
            window.xen, window.domid = [], ''
        elif window is not None and line.startswith('(XEN)'):
            window.xen.append(line)
        m = DOM0_CREATED_RE.match(line)
        if m and window is not None:
            window.domid = m.group('domid')
        m = DOM0_CONSOLE_RE.match(line)
        if m:
            if m.group('what') == 'begin':
                current = guests.setdefault(m.group('guest'), GuestRun())
                current.console = []
                after = None
            else:
                after, current = current, None
            continue
        if current is not None:
            if not line.startswith('(XEN)'):
                current.console.append(line)
            continue
        m = DOM0_JOB_END_RE.match(line)
        if m:
            run = guests.setdefault(m.group('guest'), GuestRun())
            run.result = m.group('result')
            run.post = m.group('post')
            job_guest[m.group('job')] = m.group('guest')
            after = window = None
            continue
        m = DOM0_JOB_TIME_RE.match(line)
        if m:
            times[m.group('job')] = float(m.group('secs'))
        m = DOM0_DESTROY_RE.match(line)
        if m:
            destroyed.add(m.group('job'))
        m = XL_LIST_RE.match(line)
        if m:
            xl_state[m.group('guest')] = m.group('state')
        if DOM0_FAILED_RE.match(line):
            failed.append(line)
        if after is not None and line:
            after.after.append(line)
    for job, guest in job_guest.items():
        guests[guest].seconds = times.get(job, 0.0)
        guests[guest].destroyed = job in destroyed
        guests[guest].shut_down = 's' in xl_state.get(guest, '')
    return guests, failed


DOM0_STALLED = (f'dom0 stopped answering (no output for {DOM0_STALL} s) '
                'before this job ended')


def _dom0stack_outcome(run: Optional[GuestRun], dom0: Outcome,
                       failed: List[str], run_out: str) -> Outcome:
    if run is None or not run.result:
        if failed:
            return Outcome('error', error=f'dom0 stack: {failed[0]}')
        if dom0.how == 'stalled':
            return Outcome('error', seconds=dom0.seconds, error=DOM0_STALLED)
        if dom0.how == 'timeout':
            return Outcome('timeout', seconds=dom0.seconds)
        return Outcome('error', error='dom0 never finished this job ('
                       + (qemu_last_words(run_out) or 'no output') + ')')
    secs = run.seconds
    if run.result == 'verdict':
        return Outcome('domain', trigger='verdict', seconds=secs)
    if run.result == 'exited':
        return Outcome('domain-gone', seconds=secs)
    if run.result == 'timeout':
        return Outcome('timeout', seconds=secs)
    # Xen's own boot messages ("(XEN) xenoprof: Initialization failed")
    # land in dom0's dmesg tail too: they do not say why a job failed.
    why = next((ln for ln in run.after if re.search(r'error|fail', ln, re.I)
                and not ln.startswith('(XEN)')), '')
    return Outcome('error', seconds=secs,
                   error=f'dom0 job result {run.result}'
                   + (f': {why}' if why else ''))


# A dom0 program that died under emulation (seen: busybox sh, ping, sed,
# xl with SIGSEGV, their thread pointer apparently wrong; dom0/README.md);
# a job's check or pvk's test that talked to it could not judge pvk.
# dom0-init prints the kernel's lines for them, prefixed with the job, as
# "dom0: crashed during job JOB: ...".  Only the kernel's report of a
# userspace process counts ("prog[pid]: segfault at ..." or "traps:
# prog[pid] ..."): a bare "general protection fault" may be anything.
DOM0_CRASH_RE = re.compile(r'^dom0: crashed during job \S+: .*'
                           r'(?:\S\[\d+\]: segfault at |traps: \S+\[\d+\] )')
DOM0_CRASHED = 'a dom0 program crashed: '
DOM0_CREATE_FAILED = 'dom0 job result create-failed'


# Xen's report of an HVM vCPU's triple fault, then its dump of that
# vCPU's saved state, segment selectors last:
#   (XEN) d4v1 Triple fault - invoking HVM shutdown action 1
#   (XEN) *** Dumping Dom4 vcpu#1 state: ***
#   (XEN) RIP:    e008:[<ffff82d0402044a5>]
#   ...
#   (XEN) ds: 0000   es: 0000   fs: 0000   gs: 0000   ss: 0000   cs: e008
# cs e008 is Xen's own code selector: the state QEMU's nested-SVM
# emulation handed Xen as the guest's was Xen's, a RIP inside Xen and
# cr2 the same address (seen with pvk's HVM guest under TCG).  No guest
# runs on Xen's selector, so that is no fault of the guest's; a triple
# fault whose dump shows the guest's own cs (0010) is.
XEN_TRIPLE_RE = re.compile(r'^\(XEN\) d(?P<dom>\d+)v(?P<vcpu>\d+) '
                           r'Triple fault\b')
XEN_DUMP_RE = re.compile(r'^\(XEN\) \*\*\* Dumping Dom(?P<dom>\d+) '
                         r'vcpu#(?P<vcpu>\d+) state: \*\*\*$')
XEN_SEGS_RE = re.compile(r'^\(XEN\) ds: .*\bcs: (?P<cs>[0-9a-f]{4})$')
XEN_CS = 'e008'
XEN_LOST_STATE = ("Xen dumped the triple-faulted vCPU's state with Xen's "
                  f'own cs {XEN_CS} (nested-SVM emulation lost the '
                  "guest's state): ")


def xen_lost_guest_state(run: GuestRun) -> str:
    """Xen's triple-fault line for the row's own domain, in its job's
    window, when the dump of that vCPU that follows shows Xen's code
    selector (see XEN_TRIPLE_RE); '' otherwise."""
    fault, vcpu, dumping = '', None, False
    for line in run.xen if run.domid else []:
        m = XEN_TRIPLE_RE.match(line)
        if m:
            mine = m.group('dom') == run.domid
            fault, vcpu = (line, m.group('vcpu')) if mine else ('', None)
            dumping = False
            continue
        m = XEN_DUMP_RE.match(line)
        if m:
            dumping = bool(fault) and m.group('dom') == run.domid and \
                m.group('vcpu') == vcpu
            continue
        m = XEN_SEGS_RE.match(line)
        if m and dumping:
            if m.group('cs') == XEN_CS:
                return fault
            fault, dumping = '', False
    return ''


def note_xen_lost_state(res: RowResult, run: GuestRun) -> None:
    """Name Xen's evidence that the emulation, not pvk, lost the guest's
    state (xen_lost_guest_state) for a row that went wrong."""
    fault = xen_lost_guest_state(run)
    if fault and res.status not in (PASS, SKIP):
        res.problems.append(XEN_LOST_STATE + fault)


def judge_post(res: RowResult, row: Row, run: GuestRun) -> None:
    """A dom0 job whose guest passed but whose JOB.post did not say ok
    fails, with the check's own FAIL lines as the problems.  It is a
    MISMATCH (counted as one failure of the row): no KTAP case failed,
    so a plain FAIL would add nothing to the closing count."""
    res.status = MISMATCH
    what = f'jobs/{row.job}.post' if row.job else PING_CHECK
    res.problems.append(f'dom0 check {what}: ' + (run.post or 'no result'))
    res.problems.extend(ln for ln in run.after if 'FAIL' in ln)


def skip_post(res: RowResult, row: Row, run: GuestRun) -> None:
    """A dom0 job whose guest passed but whose JOB.post could not run
    what it checks (exit status 77, e.g. a migration Xen refused) is
    skipped, never passed, with the check's SKIP line as the reason."""
    res.status = SKIP
    why = [ln.split('SKIP: ', 1)[1] for ln in run.after if 'SKIP: ' in ln]
    res.problems.append(f'jobs/{row.job}.post skipped: '
                        + (why[0] if why else 'no reason given'))


# pvk's console on a Xen console ring drops output when the backend
# consumed nothing for 3 s, and says so once it is back
# (drivers/xen/console.c).  Results that went missing although the
# verdict came are lost output: from a stalled backend only with this
# line; without it, pvk lost them.
CONSOLE_DROPPED_RE = re.compile(r'^console: \d+ bytes dropped while the '
                                r'backend stalled$')
LOST_RESULTS = ('plan says ', 'missing test numbers: ')
DOM0_CRASH_NOT_EVIDENCE = ('a dom0 program crashed, but pvk lost console '
                           'output without saying that the backend '
                           'stalled (no evidence): ')


def _lost_output(res: RowResult, run: GuestRun) -> bool:
    """Did results go missing, the verdict having come (a MISMATCH: a
    guest that hung or went away misses the rest anyway), from a
    console that never said why?"""
    lost = res.status == MISMATCH and \
        any(p.startswith(LOST_RESULTS) for p in res.problems)
    return lost and not any(CONSOLE_DROPPED_RE.match(ln)
                            for ln in run.console)


def note_dom0_crash(res: RowResult, run: GuestRun) -> None:
    """Name the first dom0 program that crashed during a row's job that
    went wrong (see retry_reason); when the row's console lost results
    without pvk saying its backend stalled, the crash is named as no
    evidence for that."""
    crash = next((ln for ln in run.after if DOM0_CRASH_RE.match(ln)), '')
    if not crash or res.status in (PASS, SKIP):
        return
    if _lost_output(res, run):
        res.problems.append(DOM0_CRASH_NOT_EVIDENCE + crash)
    else:
        res.problems.append(DOM0_CRASHED + crash)


# Suites whose cases talk to something in dom0 (xenstored, blkback,
# netback, xenconsoled, dom0's network tools): a dom0 program that
# crashed meanwhile can fail them.  Every other case runs inside pvk.
DOM0_FACING_SUITES = ('xenbus', 'xen_blkfront', 'xen_blkfront_reconnect',
                      'xen_blkfront_bench', 'netfront', 'netfront_serve',
                      'net', 'xen_console_front', 'manage',
                      'netfront_dhcp')


def _failed_inside_pvk(res: RowResult) -> List[str]:
    """The failed cases of res that no dom0 program takes part in."""
    names = [t.split(' ', 1)[-1] for t in res.failed_tests]
    return [n for n in names if n.split('.', 1)[0] not in DOM0_FACING_SUITES]


def retry_reason(res: RowResult) -> str:
    """Why a row gets one more dom0 boot, or '' when it does not.  Only
    evidence from outside pvk for the row's job counts: a dom0 program
    crashed during it (note_dom0_crash; not for results missing from a
    console on which pvk did not report a stalled backend), `xl create`
    failed, or Xen's
    dump of a triple-faulted vCPU of the row's domain shows Xen's own
    code selector (note_xen_lost_state).  A guest that went away before
    its verdict without any of that is exactly what a pvk triple fault
    looks like, so it is pvk's failure and never retried;
    nor is a pvk panic, nor a dom0 that stopped answering (the runner saw
    silence, dom0 reported nothing: a guest can wedge Xen or dom0 too),
    nor a row with a failed case that runs inside pvk alone (a dom0 crash
    beside it is no evidence for that one)."""
    if res.status in (PASS, SKIP, PANIC) or _failed_inside_pvk(res):
        return ''
    for p in res.problems:
        if p.startswith((DOM0_CRASHED, DOM0_CREATE_FAILED, XEN_LOST_STATE)):
            return p
    return ''


# More dom0 boots a row gets, each only with new evidence from outside
# pvk (retry_reason): the AMD model's dom0 sometimes crashes twice in a
# row under TCG (busybox segfaults), never because of the guest.
DOM0_RETRY_BOOTS = 2


def run_dom0stack(rows: List[Row], ctx: Context,
                  probes: Dict[str, Tuple[bool, str]]) -> List[RowResult]:
    """Run rows (of one group) as domU jobs of one Linux dom0 boot; the
    rows with dom0's evidence of a dom0 failure (see retry_reason) get
    another dom0 boot, up to DOM0_RETRY_BOOTS.  Each earlier boot's
    serial log is kept (GROUP.first.log, GROUP.retry1.log, ...).  A
    retried row lists the reason of each retry in RowResult.retried."""
    results = _run_dom0stack_once(rows, ctx, probes)
    reasons: Dict[str, List[str]] = {}
    serial = dom0stack_paths(ctx, rows[0].boot)[2]
    for boot in range(DOM0_RETRY_BOOTS):
        why = {r.row.name: retry_reason(r) for r in results}
        retry = [r.row for r in results if why[r.row.name]]
        if not retry or _stopping.is_set():
            break
        for row in retry:
            reasons.setdefault(row.name, []).append(why[row.name])
        if os.path.exists(serial):
            kept = '.first.log' if boot == 0 else f'.retry{boot}.log'
            shutil.copyfile(serial, serial[:-len('.log')] + kept)
        again = {r.row.name: r for r in _run_dom0stack_once(retry, ctx, probes)}
        results = [again.get(r.row.name) or r for r in results]
    for r in results:
        r.retried = reasons.get(r.row.name, [])
        for n, why in enumerate(r.retried, 1):
            r.notes.append(f'retried: in dom0 boot {n} of the row, {why}')
    return results


def _run_dom0stack_once(rows: List[Row], ctx: Context,
                        probes: Dict[str, Tuple[bool, str]]) -> List[RowResult]:
    """Run rows as domU jobs of one Linux dom0 boot."""
    results: Dict[str, RowResult] = {}
    todo = []
    for row in rows:
        unmet = unmet_requirement(row, probes)
        if unmet:
            results[row.name] = unmet
        elif _stopping.is_set():
            results[row.name] = RowResult(row, SKIP, problems=['interrupted'])
        else:
            todo.append(row)
    if not todo:
        return [results[r.name] for r in rows]
    group = todo[0].boot
    jobs_dir, _, serial, run_out = dom0stack_paths(ctx, group)
    try:
        build, run, timeout = dom0stack_commands(todo, ctx)
        if os.path.isdir(jobs_dir):
            for name in os.listdir(jobs_dir):
                if name.endswith(('.cfg', '.pre', '.post')):
                    os.unlink(os.path.join(jobs_dir, name))
        os.makedirs(jobs_dir, exist_ok=True)
        if any(row.job for row in todo):
            build_net_tool(ctx)
        for i, row in enumerate(todo):
            path, text = dom0stack_job(row, ctx, i)
            with open(path, 'w') as f:
                f.write(text)
            write_job_scripts(row, path[:-len('.cfg')])
        p = subprocess.run(build, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if p.returncode != 0:
            raise SetupError('dom0/build.sh failed: '
                             + (p.stdout.strip().splitlines() or ['?'])[-1])
    except SetupError as e:
        for row in todo:
            results[row.name] = RowResult(row, ERROR, problems=[str(e)])
        return [results[r.name] for r in rows]
    echo = (lambda line: ctx.echo(group, line)) if ctx.echo else None
    dom0 = run_qemu(run, [serial], run_out, lambda line: None, timeout + 30,
                    echo, group=True, stall=DOM0_STALL)
    text = ktap.read_log(serial) if os.path.exists(serial) else ''
    guests, failed = split_dom0_log(text)
    for row in todo:
        log, debugcon, _ = log_paths(row.name, ctx)
        run_ = guests.get(row.name)
        with open(log, 'w') as f:
            f.write('\n'.join(run_.console if run_ else []) + '\n')
        if os.path.exists(debugcon):
            os.unlink(debugcon)
        extra = os.path.join(ctx.logs, row.name + '.dom0.txt')
        if run_ and run_.after:
            with open(extra, 'w') as f:
                f.write('\n'.join(run_.after) + '\n')
        elif os.path.exists(extra):
            os.unlink(extra)
        outcome = _dom0stack_outcome(run_, dom0, failed, run_out)
        res = evaluate(row, ctx, row_cmdline(row, ctx.extra_append), outcome,
                       log, debugcon, run_out)
        if run_ and run_.destroyed and res.status == PASS:
            res.notes.append(_destroyed_note(run_))
        if run_ and run_.destroyed and res.status == HANG:
            note_shut_down_hang(res, run_)
        if (row.job or ping_address(row)) and res.status == PASS and \
                run_ and run_.post == 'skipped':
            skip_post(res, row, run_)
        elif (row.job or ping_address(row)) and res.status == PASS and \
                run_ and run_.post != 'ok':
            judge_post(res, row, run_)
        if run_:
            note_dom0_crash(res, run_)
            note_xen_lost_state(res, run_)
        if run_ and run_.after and res.status != PASS:
            res.problems.append(f'dom0 diagnostics: {rel(extra)}')
        results[row.name] = res
    return [results[r.name] for r in rows]


GROUP_METHODS: Dict[str, Callable[[List[Row], Context,
                                   Dict[str, Tuple[bool, str]]],
                                  List[RowResult]]] = {
    'dom0stack': run_dom0stack,
    'dom0stack-hvm': run_dom0stack,
}


# ---------------------------------------------------------------------------
# Reporting.

def closing_counts(results: List[RowResult]) -> Tuple[int, int, int]:
    passed = sum(r.passed for r in results)
    failed = sum(r.failed for r in results) + \
        sum(1 for r in results if r.status in BAD)
    skipped = sum(r.skipped for r in results) + \
        sum(1 for r in results if r.status == SKIP)
    return passed, failed, skipped


def closing_notes(results: List[RowResult]) -> List[str]:
    """The lines above the closing count line: every retry with its
    reason, and whether Xen rows were skipped by request."""
    retries = [f'{r.row.name}: {why}' for r in results for why in r.retried]
    line = f'retries: {len(retries)}'
    if retries:
        line += ' (' + '; '.join(retries) + ')'
    lines = [line]
    if any(r.status == SKIP and r.problems == [SKIPPED_BY_REQUEST]
           for r in results):
        lines.append(SKIP_XEN_NOTE)
    return lines


def rel(path: str) -> str:
    try:
        r = os.path.relpath(path)
    except ValueError:
        return path
    return path if r.startswith('../..') else r


def print_table(results: List[RowResult], bench: bool) -> None:
    head = ('row', 'accel', 'cpus', 'platform', 'pass', 'fail', 'skip',
            'verdict', 'secs')
    rows = []
    for r in results:
        counts = ('-', '-', '-') if bench or r.status in (SKIP, ERROR) and \
            not (r.passed or r.failed or r.skipped) else \
            (str(r.passed), str(r.failed), str(r.skipped))
        rows.append((r.row.name, r.row.accel, str(r.row.cpus),
                     r.platform or '-') + counts +
                    (r.status, f'{r.seconds:.1f}' if r.seconds else '-'))
    widths = [max(len(x[i]) for x in rows + [head]) for i in range(len(head))]
    right = {2, 4, 5, 6, 8}

    def fmt(cells):
        return '  '.join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    print(fmt(head))
    print(fmt(['-' * w for w in widths]))
    for x in rows:
        print(fmt(x))


FAILURE_NOTES_SHOWN = 6
FAILURE_NOTE_CHARS = 240


def print_details(results: List[RowResult]) -> None:
    failures = [r for r in results if r.failed_tests or r.status in BAD
                or r.status == FAIL]
    if failures:
        print('\nFailures:')
    for r in failures:
        print(f'  {r.row.name}: {r.status}  (log: {rel(r.log) if r.log else "-"})')
        for t in r.failed_tests:
            print(f'    not ok {t}')
            notes = r.failure_notes.get(t.split(' ', 1)[-1], [])
            for note in notes[:FAILURE_NOTES_SHOWN]:
                print(f'      # {note[:FAILURE_NOTE_CHARS]}')
            if len(notes) > FAILURE_NOTES_SHOWN:
                print(f'      # ... {len(notes) - FAILURE_NOTES_SHOWN} more '
                      'in the log')
        for p in r.problems:
            print(f'    {p}')
    skips: Dict[str, List[str]] = {}
    for r in results:
        if r.status == SKIP:
            skips.setdefault('; '.join(r.problems), []).append(r.row.name)
    if skips:
        print('\nSkipped rows:')
        for why, names in skips.items():
            print(f'  {", ".join(names)}: {why}')
    notes = [r for r in results if r.notes]
    if notes:
        print('\nNotes:')
        for r in notes:
            for n in r.notes:
                print(f'  {r.row.name}: {n}')


def run_bench_report(results: List[RowResult], out_dir: str,
                     domus: List[str], users: List[str] = ()) -> int:
    logs = [f'{r.row.name}={r.log}' for r in results if r.status == PASS]
    if not logs:
        print('\nbench: no successful bench boot, no report', flush=True)
        return 0        # the failed rows already count as failures
    argv = [sys.executable, os.path.join(ROOT, 'scripts', 'bench-report.py'),
            '--out-dir', out_dir]
    for item in logs:
        argv += ['--log', item]
    for domu in domus:
        argv += ['--domu', domu]
    for user in users:
        argv += ['--user', user]
    print()
    sys.stdout.flush()
    return subprocess.call(argv)


# ---------------------------------------------------------------------------

default_image = os.path.join(ROOT, 'build', 'pvk')


def parse_args(argv: List[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description='Boot pvk under QEMU in a matrix and check its KTAP '
                    'selftest output.',
        epilog='Rows: ' + ', '.join(r.name for r in TEST_ROWS)
               + '.  Bench rows (--bench): '
               + ', '.join(r.name for r in BENCH_ROWS) + '.')
    p.add_argument('--image', default=default_image,
                   help='pvk ELF for PVH rows (default build/pvk)')
    p.add_argument('--iso',
                   help='GRUB ISO for iso rows (default build/pvk.iso, or one '
                        'made from --image when that is given); with '
                        '--extra-append a new one is made with scripts/mkiso.sh')
    p.add_argument('--only', metavar='REGEX',
                   help='run only rows whose name matches (re.search)')
    p.add_argument('--exclude', metavar='REGEX',
                   help='leave out rows whose name matches')
    p.add_argument('--extra-append', default='', metavar='ARGS',
                   help='add ARGS to the kernel command line of every row')
    p.add_argument('--timeout', type=float, metavar='S',
                   help=f'seconds per boot (default {DEFAULT_TIMEOUT}, '
                        f'{DEFAULT_BENCH_TIMEOUT} with --bench)')
    p.add_argument('--logs', metavar='DIR',
                   help='where to keep logs (default build/selftest-logs, '
                        'build/bench with --bench)')
    p.add_argument('-j', '--jobs', type=int, default=1, choices=(1, 2),
                   help='boots at once (default 1)')
    p.add_argument('--cache', metavar='DIR',
                   help='download cache: Xen in DIR/xen, the dom0 stack in '
                        'DIR/dom0 (default build/cache)')
    p.add_argument('--initramfs', metavar='CPIO',
                   help='first module of the bare-metal boots (default '
                        'build/initramfs.cpio, which make builds)')
    p.add_argument('--qemu', default='qemu-system-x86_64',
                   help='QEMU binary (default qemu-system-x86_64)')
    p.add_argument('--no-kvm', action='store_true',
                   help='do not probe KVM; skip the KVM rows')
    p.add_argument('--bench', action='store_true',
                   help='run the bench rows and scripts/bench-report.py')
    p.add_argument('--bench-domu', metavar='DOMU.TXT', action='append',
                   default=[],
                   help="with --bench: add scripts/bench-domU.sh's pvk vs "
                        'Linux table and chart panel to the report '
                        '(repeatable: the PV, PVH and HVM tables)')
    p.add_argument('--bench-user', metavar='USER.TXT', action='append',
                   default=[],
                   help="with --bench: add a user pass's lmbench table "
                        '(user-bare.txt, user-pv.txt, ...) to the report '
                        '(repeatable)')
    p.add_argument('--show-log', action='store_true',
                   help='echo the serial log of each row as it runs')
    p.add_argument('--list', action='store_true',
                   help='print the selected rows and their QEMU commands')
    return p.parse_args(argv)


def main(argv: List[str]) -> int:
    args = parse_args(argv)
    bench = args.bench
    rows = BENCH_ROWS if bench else TEST_ROWS
    if args.only:
        rows = [r for r in rows if re.search(args.only, r.name)]
    if args.exclude:
        rows = [r for r in rows if not re.search(args.exclude, r.name)]
    if not rows:
        print('run_tests: no row matches the selection', file=sys.stderr)
        return 2
    logs = args.logs or os.path.join(ROOT, 'build',
                                     'bench' if bench else 'selftest-logs')
    timeout = args.timeout or (DEFAULT_BENCH_TIMEOUT if bench
                               else DEFAULT_TIMEOUT)
    qemu = shutil.which(args.qemu) or args.qemu
    iso = args.iso
    if iso is None and os.path.abspath(args.image) == default_image:
        iso = os.path.join(ROOT, 'build', 'pvk.iso')
    ctx = Context(qemu, os.path.abspath(args.image),
                  os.path.abspath(iso) if iso else None,
                  os.path.abspath(logs), args.extra_append, timeout, bench)
    if args.initramfs:
        ctx.initramfs = os.path.abspath(args.initramfs)
    if args.cache:
        ctx.cache = os.path.abspath(args.cache)
        # dom0/fetch.sh, build.sh and run.sh all take it from there.
        os.environ['DOM0_CACHE'] = os.path.join(ctx.cache, 'dom0')

    if args.list:
        ctx.dry_run = True
        for row in rows:
            req = f' (needs {", ".join(row.requires)})' if row.requires else ''
            if row.boot in GROUP_METHODS:
                group = [r for r in rows if r.boot == row.boot]
                build, run, _ = dom0stack_commands(group, ctx)
                path, text = dom0stack_job(row, ctx, group.index(row))
                print(f'{row.name}{req}: job {rel(path)} in one dom0 boot:\n'
                      f'  {shlex.join(build)}\n  {shlex.join(run)}\n'
                      + ''.join(f'    {ln}\n' for ln in text.splitlines()),
                      end='')
                continue
            cmdline = row_cmdline(row, ctx.extra_append)
            serial, debugcon, _ = log_paths(row.name, ctx)
            argv_ = qemu_command(row, ctx, cmdline, serial, debugcon)
            print(f'{row.name}{req}:\n  {shlex.join(argv_)}')
        return 0

    os.makedirs(ctx.logs, exist_ok=True)
    if not shutil.which(ctx.qemu):
        print(f'run_tests: {args.qemu} not found (apt-get install '
              'qemu-system-x86, or scripts/setup.sh)', file=sys.stderr)
    if any(r.boot in ('iso', 'uefi') for r in rows) and ctx.iso and \
            os.path.isfile(ctx.iso) and \
            os.path.isfile(ctx.image) and \
            os.path.getmtime(ctx.iso) < os.path.getmtime(ctx.image):
        print(f'run_tests: warning: {rel(ctx.iso)} is older than '
              f'{rel(ctx.image)}', file=sys.stderr)

    results: List[Optional[RowResult]] = [None] * len(rows)
    done = [0]
    print_lock = threading.Lock()
    if args.show_log:
        def echo(name: str, line: str) -> None:
            with print_lock:
                print(f'{name}| {line}' if args.jobs > 1 else line,
                      flush=True)
        ctx.echo = echo
    signal.signal(signal.SIGTERM, _sigterm)
    pool = ThreadPoolExecutor(max_workers=args.jobs)
    try:
        probes: Dict[str, Tuple[bool, str]] = {}
        for req in sorted({q for r in rows for q in r.requires}):
            if req == 'kvm' and args.no_kvm:
                probes[req] = (False, 'KVM disabled by --no-kvm')
                continue
            if req not in HOST_REQUIREMENTS and skip_xen_requested():
                probes[req] = (False, SKIPPED_BY_REQUEST)
                continue
            print(f'run_tests: probing {req}...', flush=True)
            try:
                probes[req] = REQUIREMENTS[req](ctx)
            except SetupError as e:
                # Nothing to probe with: let the rows run and report it.
                print(f'run_tests: {req}: not probed: {e}', flush=True)
                probes[req] = (True, 'max')
                continue
            ok, info = probes[req]
            print(f'run_tests: {req}: '
                  + (f'usable (-cpu {info})' if ok and req == 'kvm'
                     else 'usable' if ok else info), flush=True)
            if ok and req == 'kvm':
                ctx.kvm_cpu = info

        def work(idxs: List[int]) -> None:
            boot = rows[idxs[0]].boot
            if boot in GROUP_METHODS:
                res_list = GROUP_METHODS[boot]([rows[i] for i in idxs], ctx,
                                               probes)
            else:
                res_list = [run_row(rows[idxs[0]], ctx, probes)]
            for i, res in zip(idxs, res_list):
                results[i] = res
                with print_lock:
                    done[0] += 1
                    took = f' ({res.seconds:.1f} s)' if res.seconds else ''
                    print(f'[{done[0]}/{len(rows)}] {res.row.name}: '
                          f'{res.status}{took}', flush=True)

        # Rows of a group method share one boot: one work unit each group.
        units: List[List[int]] = []
        groups: Dict[str, List[int]] = {}
        for i, row in enumerate(rows):
            if row.boot in GROUP_METHODS:
                if row.boot not in groups:
                    groups[row.boot] = []
                    units.append(groups[row.boot])
                groups[row.boot].append(i)
            else:
                units.append([i])
        futures = [pool.submit(work, u) for u in units]
        for f in futures:
            while not f.done():
                time.sleep(0.2)
            f.result()
    except KeyboardInterrupt:
        stop_all()
        pool.shutdown(wait=True, cancel_futures=True)
        print('\nrun_tests: interrupted', file=sys.stderr)
        return 130
    pool.shutdown()

    final = [r for r in results if r is not None]
    print()
    print_table(final, bench)
    print_details(final)
    status = 0
    if bench:
        if run_bench_report(final, ctx.logs, args.bench_domu,
                            args.bench_user) != 0:
            status = 1
    passed, failed, skipped = closing_counts(final)
    if bench:
        passed = sum(1 for r in final if r.status == PASS)
    print()
    for line in closing_notes(final):
        print(line)
    # CI parses this last line: keep it exactly this plain form.
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    return 1 if failed or status else 0


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        stop_all()
        sys.exit(130)
