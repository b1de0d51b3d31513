#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Boot build/pvk with "bench=1 selftest=none" under QEMU (TCG, -smp 2; and
# KVM when usable), keep the serial logs in build/bench/MODE.log and write
# build/bench/bench.txt, bench.dat and bench.png with bench-report.py.
#
#   scripts/bench.sh [run_tests.py options, e.g. --image F --timeout S
#                     --extra-append ARGS --only REGEX --no-kvm]
#
# This is run_tests.py --bench; `make bench` calls it.  Then, unless
# BENCH_DOMU=0, scripts/bench-domU.sh compares pvk with Debian's Linux as
# PV domUs of a real Linux dom0 (build/bench/domU.txt, domU.png).  If that
# fails, the tables above are still written and the exit status is non-zero.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
python=/usr/bin/python3
[ -x "$python" ] || python=python3
rc=0
"$python" "$root/tools/testing/selftests/xen/run_tests.py" --bench "$@" || rc=$?
if [ "${BENCH_DOMU:-1}" != 0 ]; then
	echo
	echo "bench: pvk vs Linux as Xen PV domUs (scripts/bench-domU.sh)"
	if ! "$root/scripts/bench-domU.sh"; then
		echo "bench: FAIL: scripts/bench-domU.sh failed: no complete pvk/Linux domU table" \
			"(see build/bench/domU-serial.log; BENCH_DOMU=0 skips it)" >&2
		[ "$rc" != 0 ] || rc=1
	fi
fi
exit "$rc"
