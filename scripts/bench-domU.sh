#!/bin/bash
# SPDX-License-Identifier: MIT
#
# pvk against Debian's Linux as PV domUs of the same real Linux dom0, in
# one dom0 boot, with the same disk (/disk.img as xvda) and the same kind
# of vif on xenbr0:
#
#   scripts/bench-domU.sh [--timeout SECONDS]
#
# Builds a dom0 image with both guests and the jobs bench-linux (fio in
# Linux's initramfs) and bench-pvk (pvk's xen_blkfront_bench suite and
# netfront serve mode), boots it with run.sh, and writes from the serial
# log build/bench/domU.txt (op, pvk, Linux, pvk/Linux, pvk's hypercalls
# and notifications per 1000 requests), domU.dat and the chart domU.png.
# Ops: 4 KiB random read and write IOPS at queue depth 32, 1 MiB
# sequential read MiB/s (depth 4), dom0's ICMP ping flood round trips per
# second (jobs/bench-flood.sh).  Needs build/pvk and dom0/fetch.sh run once.
# Exit status 0 only if every figure of both guests was found.
set -eu
set -o pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dom0=$root/tools/testing/selftests/xen/dom0
out=$root/build/bench
timeout=${TIMEOUT:-2400}
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout=$2; shift 2 ;;
	*) echo "bench-domU.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
pvk=${PVK:-$root/build/pvk}
[ -f "$pvk" ] || { echo "bench-domU.sh: $pvk missing: run make first" >&2; exit 1; }
mkdir -p "$out"
gcc -static -O2 -Wall -Wextra -o "$out/net-tool" "$dom0/jobs/net-tool.c"
"$dom0/build.sh" --linux-guest --guest "pvk=$pvk" --guest "net-tool=$out/net-tool" \
	--guest "bench-flood.sh=$dom0/jobs/bench-flood.sh" \
	--job "$dom0/jobs/bench-linux.cfg" --job "$dom0/jobs/bench-pvk.cfg" \
	--output "$out/dom0-domU.cpio.gz"
log=$out/domU-serial.log
rc=0
"$dom0/run.sh" --initrd "$out/dom0-domU.cpio.gz" --log "$log" --timeout "$timeout" ||
	rc=$?
[ "$rc" = 0 ] || echo "bench-domU.sh: run.sh failed (status $rc); using what the log holds" >&2

python3 - "$log" "$out" <<'PY' || rc=1
import re, sys
log, out = sys.argv[1], sys.argv[2]
ops = [('randread4k', '4 KiB random read, QD32', 'IOPS'),
       ('randwrite4k', '4 KiB random write, QD32', 'IOPS'),
       ('seqread1m', '1 MiB sequential read, QD4', 'MiB/s'),
       ('pingflood', 'ping flood from dom0', 'round trips/s')]
linux, pvk = {}, {}
kv = lambda s: dict(re.findall(r'(\w+)=([0-9.]+|-)', s))
for line in open(log, errors='replace'):
    line = line.replace('\r', '').strip()
    m = re.search(r'linux-bench: (op=.*)', line)
    if m:
        d = kv(m.group(1))
        op = re.search(r'op=(\w+)', line).group(1)
        val = d.get('mbps') if op == 'seqread1m' else d.get('rtps') if op == 'pingflood' else d.get('iops')
        linux[op] = float(val) if val not in (None, '-') else None
    m = re.search(r'pvk-bench-x: (op=.*)', line)
    if m:
        d = kv(m.group(1))
        op = re.search(r'op=(\w+)', line).group(1)
        pvk[op] = d
num = lambda v: None if v in (None, '-') else float(v)
fmt = lambda v: '-' if v is None else f'{v:.0f}' if v >= 100 else f'{v:.2f}'
rows, missing = [], []
for op, desc, unit in ops:
    p = num(pvk.get(op, {}).get('value'))
    l = linux.get(op)
    if p is None: missing.append(f'pvk {op}')
    if l is None: missing.append(f'linux {op}')
    ratio = p / l if p is not None and l else None
    rows.append((op, desc, unit, p, l, ratio,
                 pvk.get(op, {}).get('hypercalls_per_1k', '-'),
                 pvk.get(op, {}).get('notifications_per_1k', '-')))
with open(f'{out}/domU.txt', 'w') as f:
    f.write('pvk vs Debian Linux as Xen PV domUs of one Linux dom0 boot (same disk, same vif)\n')
    f.write('Under QEMU/TCG emulation, with other QEMUs possibly running: absolute numbers are\n'
            'noise; only the pvk/Linux ratio of this one boot means anything.\n'
            'Linux: fio (libaio, direct) on /dev/xvda; pvk: xen_blkfront_bench; ping flood:\n'
            'dom0 net-tool flood, one ICMP echo in flight (as ping -f), 5 s.  hc/1k, ntf/1k:\n'
            "pvk's hypercalls and event notifications per 1000 requests (per 1000 packets\n"
            'for the ping flood).\n\n')
    f.write(f'{"op":<12} {"unit":<14} {"pvk":>9} {"Linux":>9} {"pvk/Linux":>9} {"hc/1k":>7} {"ntf/1k":>7}\n')
    for op, desc, unit, p, l, r, hc, nt in rows:
        f.write(f'{op:<12} {unit:<14} {fmt(p):>9} {fmt(l):>9} {"-" if r is None else f"{r:.3g}":>9} {hc:>7} {nt:>7}\n')
    if missing:
        f.write('\nmissing: ' + ', '.join(missing) + '\n')
with open(f'{out}/domU.dat', 'w') as f:
    f.write('# op pvk linux ratio\n')
    for op, desc, unit, p, l, r, hc, nt in rows:
        f.write(f'"{op}\\n({unit})" {p if p is not None else 0} {l if l is not None else 0} {r if r is not None else 0}\n')
print(open(f'{out}/domU.txt').read(), end='')
sys.exit(1 if missing else 0)
PY

gnuplot <<EOF || { echo "bench-domU.sh: gnuplot failed" >&2; rc=1; }
set terminal pngcairo size 900,520 font ",10"
set output "$out/domU.png"
set title "pvk vs Linux as Xen PV domUs (TCG emulation: only the ratios mean anything)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set logscale y
set ylabel "value (log scale)"
set grid ytics
set key top right
set bmargin 4
set yrange [0.5:*]
plot "$out/domU.dat" using 2:xtic(1) title "pvk" lc rgb "#1f77b4", \
     "" using 3 title "Linux" lc rgb "#ff7f0e", \
     "" using 0:(\$2 > 0 ? \$2 : 1):(sprintf("%.3gx", \$4)) with labels offset -1.8,0.8 notitle
EOF
[ "$rc" = 0 ] && echo "bench-domU.sh: wrote $out/domU.txt and $out/domU.png"
exit "$rc"
