#!/bin/bash
# SPDX-License-Identifier: MIT
#
# make bench: what each paravirtual operation costs, per mode, and pvk
# against Debian's Linux as Xen PV domUs.
#
#   scripts/bench.sh [run_tests.py options, e.g. --image F --timeout S
#                     --extra-append ARGS --only REGEX --no-kvm]
#
# First, unless BENCH_DOMU=0, scripts/bench-domU.sh runs pvk and Linux as
# PV domUs of one real Linux dom0 boot, shaped alike and interleaved
# (build/bench/domU.txt, domU.json, domU.png).
# Then run_tests.py --bench boots build/pvk with "bench=1 selftest=none"
# under QEMU (TCG, -smp 2; KVM when usable; Xen PV dom0), keeps the serial
# logs in build/bench/MODE.log and has bench-report.py write
# build/bench/bench.txt, bench.json, bench.dat and bench.png: one table and
# chart panel per mode, and the pvk vs Linux table and panel with their
# ratios.  If
# the domU comparison fails, the rest is still written and the exit status
# is non-zero.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/bench
python=/usr/bin/python3
[ -x "$python" ] || python=python3
rc=0
domu=()
if [ "${BENCH_DOMU:-1}" != 0 ]; then
	echo "bench: pvk vs Linux as Xen PV domUs (scripts/bench-domU.sh)"
	rm -f "$out/domU.txt" "$out/domU.dat" "$out/domU.json"
	if ! "$root/scripts/bench-domU.sh"; then
		echo "bench: FAIL: scripts/bench-domU.sh failed: no complete pvk/Linux domU table" \
			"(see build/bench/domU-serial.log; BENCH_DOMU=0 skips it)" >&2
		rc=1
	fi
	# A partial table (a figure missing) is still shown, marked as such.
	if [ -f "$out/domU.txt" ] && [ -f "$out/domU.dat" ] && [ -f "$out/domU.json" ]; then
		domu=(--bench-domu "$out/domU.txt")
	fi
	echo
fi
"$python" "$root/tools/testing/selftests/xen/run_tests.py" --bench "${domu[@]}" "$@" || rc=1
exit "$rc"
