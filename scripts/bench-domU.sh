#!/bin/bash
# SPDX-License-Identifier: MIT
#
# pvk against Debian's Linux as PV domUs of the same real Linux dom0, in
# one dom0 boot, shaped alike (jobs/bench-linux.cfg, jobs/bench-pvk.cfg:
# 512 MiB, 2 vCPUs, /disk.img as xvda, a vif on xenbr0; Linux's blkfront
# limited to pvk's ring order and indirect segments):
#
#   scripts/bench-domU.sh [--timeout SECONDS] [--runs N]
#
# Builds a dom0 image with both guests and numbered copies of the jobs
# bench-linux and bench-pvk, run interleaved: Linux, pvk, Linux, pvk, ...
# N times each (default 3, or BENCH_RUNS), then one more of each in an
# untimed pass that dom0 traces with xentrace (Xen booted with
# tbuf_size=) to count each domain's hypercalls.  Every block op runs
# 1 s of warm-up then 5 s over the same 48 MiB of the disk on both
# sides; dom0 counts blkback's requests and sectors and the guest's
# notifications around it (jobs/bench-count.sh).  Linux runs fio with
# libaio and with io_uring (SQ polling, registered buffers), and again
# on null_blk as a calibration without blkfront.
#
# scripts/bench-report.py --domu-log then writes from the serial log
# build/bench/domU.txt (median, spread and runs of each figure, the
# pvk/Linux ratios, what each side negotiated), domU.json, domU.dat and
# the chart domU.png.  Needs build/pvk and dom0/fetch.sh run once.
# Exit status 0 only if every figure of both guests was found.
set -eu
set -o pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dom0=$root/tools/testing/selftests/xen/dom0
out=$root/build/bench
timeout=${TIMEOUT:-3600}
runs=${BENCH_RUNS:-3}
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	*) echo "bench-domU.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
case "$runs" in
[1-9] | [1-9][0-9]) ;;
*) echo "bench-domU.sh: --runs wants 1-99, not $runs" >&2; exit 2 ;;
esac
pvk=${PVK:-$root/build/pvk}
[ -f "$pvk" ] || { echo "bench-domU.sh: $pvk missing: run make first" >&2; exit 1; }
mkdir -p "$out"
gcc -static -O2 -Wall -Wextra -o "$out/net-tool" "$dom0/jobs/net-tool.c"

# Job KIND (linux, pvk) as run $2 of pass $3 (timed, trace), named so
# that dom0's name order interleaves them: bench-01a-linux, bench-01b-pvk,
# ..., bench-tra-linux, bench-trb-pvk.
jobs=$out/jobs
rm -rf "$jobs"
mkdir -p "$jobs"
make_job() {
	local kind=$1 run=$2 pass=$3 order=$4 base
	if [ "$pass" = trace ]; then
		base=bench-tr$order-$kind
	else
		base=$(printf 'bench-%02d%s-%s' "$run" "$order" "$kind")
	fi
	# The trace pass: the block jobs only (no ping flood, no null_blk).
	local extra='/^extra/s/$//'
	[ "$pass" = trace ] &&
		extra='/^extra/{s/,netfront_serve//;s/domu.test=bench/& domu.bench=trace/}'
	{
		echo "# bench-run: $run"
		echo "# bench-pass: $pass"
		sed -e "s/^name = \"\([^\"]*\)\"/name = \"\1-$run\"/" -e "$extra" \
			"$dom0/jobs/bench-$kind.cfg"
	} >"$jobs/$base.cfg"
	cp "$dom0/jobs/bench-$kind.pre" "$jobs/$base.pre"
	cp "$dom0/jobs/bench-$kind.post" "$jobs/$base.post"
	job_args+=(--job "$jobs/$base.cfg")
}
job_args=()
for run in $(seq "$runs"); do
	make_job linux "$run" timed a
	make_job pvk "$run" timed b
done
make_job linux "$((runs + 1))" trace a
make_job pvk "$((runs + 1))" trace b

"$dom0/build.sh" --linux-guest --xentrace --guest "pvk=$pvk" --guest "net-tool=$out/net-tool" \
	--guest "bench-flood.sh=$dom0/jobs/bench-flood.sh" \
	--guest "bench-count.sh=$dom0/jobs/bench-count.sh" \
	"${job_args[@]}" --output "$out/dom0-domU.cpio.gz"
log=$out/domU-serial.log
rc=0
# tbuf_size: 4096 pages of trace buffer per CPU, for xentrace.
"$dom0/run.sh" --initrd "$out/dom0-domU.cpio.gz" --log "$log" --timeout "$timeout" \
	--xen-args "tbuf_size=4096" || rc=$?
[ "$rc" = 0 ] || echo "bench-domU.sh: run.sh failed (status $rc); using what the log holds" >&2

python3 "$root/scripts/bench-report.py" --domu-log "$log" --runs "$runs" --out-dir "$out" || rc=1
[ "$rc" = 0 ] && echo "bench-domU.sh: wrote $out/domU.txt, domU.json and domU.png"
exit "$rc"
