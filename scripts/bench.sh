#!/bin/bash
# SPDX-License-Identifier: MIT
#
# make bench: what each paravirtual operation costs, per mode, and pvk
# against Debian's Linux as Xen PV, PVH and HVM domUs.
#
#   scripts/bench.sh [run_tests.py options, e.g. --image F --timeout S
#                     --extra-append ARGS --only REGEX --no-kvm]
#
# First, unless BENCH_DOMU=0, scripts/bench-domU.sh runs pvk and Linux as
# PV domUs of one real Linux dom0 boot, shaped alike and interleaved
# (build/bench/domU.txt, domU.json, domU.png), then as PVH and HVM domUs
# of a second dom0 boot on the AMD CPU model they need (domU-pvh.*,
# domU-hvm.*; BENCH_VIRT=pv runs only the first), each boot with its
# "user" pass too (user-pv.*, user-pvh.*, user-hvm.*: lmbench.c's
# latencies; BENCH_PASSES as bench-domU.sh's).
# Then, unless BENCH_USER=0, scripts/bench-user.sh boots pvk and Debian's
# Linux under QEMU TCG, bare metal, with lmbench (user-bare.*).
# Then run_tests.py --bench boots build/pvk with "bench=1 selftest=none"
# under QEMU (TCG, -smp 2; KVM when usable; Xen PV and PVH dom0, HVM
# domU), keeps the serial logs in build/bench/MODE.log and has
# bench-report.py write build/bench/bench.txt, bench.json, bench.dat and
# bench.png: one table and chart panel per mode, and the pvk vs Linux
# tables and panels with their ratios (the user tables go into bench.txt
# and bench.json; their charts are user-*.png).  If a domU comparison fails, the
# rest is still written and the exit status is non-zero.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/bench
python=/usr/bin/python3
[ -x "$python" ] || python=python3
rc=0
domu=()
user=()
# One dom0 boot per CPU model: PV guests on the Intel one, PVH and HVM
# on the AMD one (scripts/bench-domU.sh --virt).
boots=(pv pvh,hvm)
[ "${BENCH_VIRT:-all}" = pv ] && boots=(pv)
if [ "${BENCH_DOMU:-1}" != 0 ]; then
	for virts in "${boots[@]}"; do
		echo "bench: pvk vs Linux as Xen ${virts^^} domUs (scripts/bench-domU.sh --virt $virts)"
		IFS=, read -r -a kinds <<<"$virts"
		for v in "${kinds[@]}"; do
			stem=$out/domU
			[ "$v" = pv ] || stem=$out/domU-$v
			rm -f "$stem.txt" "$stem.dat" "$stem.json" "$out/user-$v".{txt,dat,json}
		done
		if ! "$root/scripts/bench-domU.sh" --virt "$virts"; then
			echo "bench: FAIL: scripts/bench-domU.sh --virt $virts failed: no complete" \
				"pvk/Linux table (see build/bench/domU*-serial.log; BENCH_DOMU=0 skips it)" >&2
			rc=1
		fi
		# A partial table (a figure missing) is still shown, marked as such.
		for v in "${kinds[@]}"; do
			stem=$out/domU
			[ "$v" = pv ] || stem=$out/domU-$v
			if [ -f "$stem.txt" ] && [ -f "$stem.dat" ] && [ -f "$stem.json" ]; then
				domu+=(--bench-domu "$stem.txt")
			fi
			if [ -f "$out/user-$v.txt" ] && [ -f "$out/user-$v.json" ]; then
				user+=(--bench-user "$out/user-$v.txt")
			fi
		done
		echo
	done
fi
if [ "${BENCH_USER:-1}" != 0 ]; then
	echo "bench: lmbench.c on pvk and Linux, bare metal under QEMU TCG (scripts/bench-user.sh)"
	rm -f "$out"/user-bare.{txt,dat,json}
	if ! "$root/scripts/bench-user.sh"; then
		echo "bench: FAIL: scripts/bench-user.sh failed (see build/bench/user-bare-*.log;" \
			"BENCH_USER=0 skips it)" >&2
		rc=1
	fi
	[ -f "$out/user-bare.txt" ] && [ -f "$out/user-bare.json" ] &&
		user+=(--bench-user "$out/user-bare.txt")
	echo
fi
"$python" "$root/tools/testing/selftests/xen/run_tests.py" --bench ${domu[@]+"${domu[@]}"} \
	${user[@]+"${user[@]}"} "$@" || rc=1
exit "$rc"
