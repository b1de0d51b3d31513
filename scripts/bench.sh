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
# This is run_tests.py --bench; `make bench` calls it.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
python=/usr/bin/python3
[ -x "$python" ] || python=python3
exec "$python" "$root/tools/testing/selftests/xen/run_tests.py" --bench "$@"
