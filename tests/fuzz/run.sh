#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Run libFuzzer targets one after the other, each for SECONDS:
#
#   tests/fuzz/run.sh SECONDS build/fuzz/fuzz_x ...
#
# Each target starts from its committed seeds (tests/fuzz/corpus/<target>,
# read only) and from what earlier runs added (build/fuzz/corpus/<target>,
# where new inputs go).  Prints, per target,
#   fuzz: TARGET: N execs, cov C, ft F, result ok|CRASH (reproducer PATH)
# then "fuzz: P passed, F failed", and exits non-zero if any target found
# something (a crash, a sanitizer report, a hang, a leak) or did not run.
# Reproducers stay in build/fuzz/crashes/; the full log of each target is
# build/fuzz/logs/<target>.log.
set -u

if [ $# -lt 2 ]; then
	echo "usage: $0 SECONDS TARGET..." >&2
	exit 2
fi
seconds=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$here/../.." && pwd)/build/fuzz
mkdir -p "$out/crashes" "$out/logs"
# Reports with file and line when LLVM's symbolizer is there (llvm-14).
if [ -x /usr/lib/llvm-14/bin/llvm-symbolizer ]; then
	export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
fi

pass=0
fail=0
for bin in "$@"; do
	t=$(basename "$bin")
	work="$out/corpus/$t"
	seeds="$here/corpus/$t"
	log="$out/logs/$t.log"
	mkdir -p "$work"
	# -timeout: an input that takes this long is a hang, reported as one.
	"$bin" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$out/crashes/$t-" "$work" "$seeds" \
		>"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	last=$(grep -E '^#[0-9]+' "$log" | grep -E 'cov: ' | tail -n 1)
	cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	if [ $rc -eq 0 ] && [ -n "$execs" ]; then
		result=ok
		pass=$((pass + 1))
	else
		result="CRASH (reproducer ${repro:-none, exit $rc; see $log})"
		fail=$((fail + 1))
	fi
	echo "fuzz: $t: ${execs:-0} execs, cov ${cov:-0}, ft ${ft:-0}, result $result"
done
echo "fuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
