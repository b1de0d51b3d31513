#!/bin/bash
# SPDX-License-Identifier: MIT
#
# make bench's user pass on bare metal: the same static lmbench binary
# (tools/testing/selftests/user/lmbench.c, build/user/lmbench) under pvk
# and under Debian's Linux, each booted by QEMU TCG on the same machine
# (q35, CPU model BENCH_USER_CPU, default "max", as run_tests.py's
# bare-metal-tcg bench row), 2 vCPUs and 512 MiB:
#
#   scripts/bench-user.sh [--runs N] [--timeout SECONDS]
#
# pvk boots by QEMU's PVH loader with build/initramfs.cpio and
# init=/bin/lmbench, then powers off after the "selftest" suite's four
# logic cases (with selftest=none it would serve).  Linux
# (build/cache/dom0/vmlinuz, mitigations=off) boots with its domU
# initramfs (busybox, dom0/domU-init with domu.test=lmbench) plus a
# second archive holding this tree's domU-init and lmbench as
# /bench/lmbench.  Runs interleaved Linux, pvk, ... N times each
# (default 3, or BENCH_RUNS), each boot at most SECONDS (default 300).
# Each boot's serial log is kept as build/bench/user-bare-GUEST-N.log;
# its "lmbench:" lines go to build/bench/user-bare-serial.log as
# "bench-user: guest=G run=N pass=user virt=bare metric=M ..." lines, from
# which scripts/bench-report.py --user-log --virt bare writes
# build/bench/user-bare.{txt,json,dat,png}.  Exit status 0 only if every
# boot ended with lmbench's done line and the report found every figure.
set -eu
set -o pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/bench
runs=${BENCH_RUNS:-3}
timeout=300
cpu=${BENCH_USER_CPU:-max}
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	*) echo "bench-user.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
case "$runs" in
[1-9] | [1-9][0-9]) ;;
*) echo "bench-user.sh: --runs wants 1-99, not $runs" >&2; exit 2 ;;
esac
pvk=$root/build/pvk
initramfs=$root/build/initramfs.cpio
lmbench=$root/build/user/lmbench
vmlinuz=$root/build/cache/dom0/vmlinuz
# The Linux domU initramfs bench-domU.sh builds, else the cache's.
linux_base=$out/linux-domU.cpio.gz
[ -f "$linux_base" ] || linux_base=$root/build/cache/dom0/domU.cpio.gz
for f in "$pvk" "$initramfs" "$lmbench"; do
	[ -f "$f" ] || { echo "bench-user.sh: $f missing: run make first" >&2; exit 1; }
done
for f in "$vmlinuz" "$linux_base"; do
	[ -f "$f" ] || { echo "bench-user.sh: $f missing: run dom0/fetch.sh and dom0/build.sh" >&2; exit 1; }
done
mkdir -p "$out"
linux_initrd=$out/linux-user.cpio.gz
"$root/scripts/bench-user-initrd.sh" "$linux_base" "$linux_initrd"

log=$out/user-bare-serial.log
: >"$log"
rc=0
# Boot guest $1 for run $2; its lmbench lines go to $log, tagged.
boot() {
	local guest=$1 run=$2 serial=$out/user-bare-$1-$2.log args status=0
	if [ "$guest" = pvk ]; then
		args=(-kernel "$pvk" -initrd "$initramfs"
			-append "init=/bin/lmbench selftest=selftest")
	else
		args=(-kernel "$vmlinuz" -initrd "$linux_initrd"
			-append "console=ttyS0 quiet loglevel=4 mitigations=off domu.test=lmbench")
	fi
	echo "bench-user: booting $guest, run $run (log $serial)"
	rm -f "$serial"
	timeout "$timeout" qemu-system-x86_64 -machine q35 -accel tcg -cpu "$cpu" \
		-smp 2 -m 512 "${args[@]}" -display none -monitor none \
		-serial "file:$serial" -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null || status=$?
	tr -d '\r' <"$serial" |
		sed -n "s/^lmbench: \([a-z0-9_]*\)/bench-user: guest=$guest run=$run pass=user virt=bare metric=\1/p" \
			>>"$log"
	if ! grep -q "^lmbench: done " "$serial"; then
		echo "bench-user: FAIL: $guest run $run: no lmbench done line" \
			"(QEMU status $status; see $serial)" >&2
		rc=1
	fi
}
for run in $(seq "$runs"); do
	boot linux "$run"
	boot pvk "$run"
done
python3 "$root/scripts/bench-report.py" --user-log "$log" --virt bare \
	--runs "$runs" --out-dir "$out" || rc=1
exit "$rc"
