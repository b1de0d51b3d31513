#!/bin/sh
# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# What a bench guest (jobs/bench-linux.*, jobs/bench-pvk.*) costs its host
# over its life, from Xen's own trace: the "life" pass of
# scripts/bench-domU.sh, started in the background by the job's .pre as
# /guests/bench-life.sh before `xl create`:
#
#   bench-life.sh linux|pvk CONSOLE_LOG IP RUN pv|pvh|hvm
#   bench-life.sh report LOG TAG    (the .post: LOG is what the first wrote)
#
# Three windows, each traced with xentrace (Xen booted with tbuf_size=)
# and summarised by xenalyze ("bench-xenalyze: TAG engine=life op=OP |"
# lines), each with a "bench-life: TAG op=OP domid=D seconds=S ..." line:
#   boot       from before `xl create` until the guest says it is ready:
#              disk and vif connected, the vif serving (Linux's domU-init
#              "DOMU: bench-net-ready", pvk's "netfront-serve: ready")
#   idle       10 s of the ready guest left alone
#   pingflood  5 s of dom0's ping flood (net-tool flood, one request in
#              flight), with the round trips it counted
# Then tells the guest it is done, as bench-flood.sh does.  The trace is
# on once /tmp/bench-life.on exists (the .pre waits for it).  Seconds
# are dom0's /proc/uptime around each window.  Ends with "bench-life:
# finished".  JOB is dom0-init's, as for the .pre.
set -u

# The .post's part: wait for the end, print the lines bench-report.py
# reads and the rest prefixed, and fail unless every window has its line.
if [ "$1" = report ]; then
	i=0
	until grep -q "^bench-life: finished" "$2" 2>/dev/null || [ "$i" -ge 240 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	grep -E '^bench-(life|xenalyze):' "$2"
	grep -vE '^bench-(life|xenalyze):' "$2" | sed "s/^/$JOB post: life: /"
	rc=0
	for op in boot idle pingflood; do
		grep -q "^bench-life: $3 op=$op domid=[0-9]" "$2" ||
			{ echo "$JOB post: FAIL: no $op window"; rc=1; }
	done
	exit "$rc"
fi
KIND=$1
LOG=$2
IP=$3
RUN=$4
VIRT=$5
TAG="guest=$KIND run=$RUN pass=life virt=$VIRT"
XENTRACE=/usr/lib/xen-4.17/bin/xentrace
DEV=51712
IDLE_SECONDS=10
# Trace classes: GEN, SCHED and PV; HVM's exits for PVH and HVM guests,
# which run on the AMD model: xenalyze must read SVM's exit codes (without
# --svm-mode it stops at the first one above Intel's largest).
case "$VIRT" in
pv) TRACE_MASK=0x0023f000 XENALYZE_MODE="" ;;
*) TRACE_MASK=0x002bf000 XENALYZE_MODE=--svm-mode ;;
esac
# shellcheck source=bench-guest.sh
. /guests/bench-guest.sh
ready=$(guest_ready_line "$KIND") || { echo "bench-life: unknown guest kind $KIND"; exit 2; }

finish() {
	tell_done
	echo "bench-life: finished $TAG"
	exit "$1"
}

# dom0's clock in seconds, to two decimals.
uptime_s() { cut -d' ' -f1 /proc/uptime; }

trace_pid=""
trace_t0=""
trace_start() {
	rm -f /tmp/bench-life.trace
	$XENTRACE -D -e $TRACE_MASK /tmp/bench-life.trace >/tmp/bench-life.xentrace.log 2>&1 &
	trace_pid=$!
	# xentrace enables tracing once it has mapped the buffers.
	sleep 0.5
	trace_t0=$(uptime_s)
}

# Stop the trace and print window $1's summary and line ($2: more fields).
trace_stop() {
	t1=$(uptime_s)
	kill -INT "$trace_pid"
	wait "$trace_pid"
	trace_pid=""
	if xenalyze --summary $XENALYZE_MODE /tmp/bench-life.trace >/tmp/bench-life.xenalyze 2>&1; then
		sed "s/^/bench-xenalyze: $TAG engine=life op=$1 | /" /tmp/bench-life.xenalyze
		echo "bench-life: $TAG op=$1 domid=$domid" \
			"seconds=$(awk -v a="$trace_t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') $2"
	else
		echo "bench-life: FAIL: xenalyze failed for $1 $TAG"
		tail -n 5 /tmp/bench-life.xentrace.log /tmp/bench-life.xenalyze
	fi
	rm -f /tmp/bench-life.trace
}

told=""
tell_done() {
	[ -z "$told" ] || return 0
	told=1
	tell_guest_done "$KIND" "$IP" bench-life
}

domid=-
trace_start
touch /tmp/bench-life.on
i=0
until grep -q "$ready" "$LOG" 2>/dev/null; do
	i=$((i + 1))
	if [ "$i" -gt 2400 ]; then
		kill -INT "$trace_pid"
		echo "bench-life: FAIL: the guest never became ready $TAG"
		finish 1
	fi
	sleep 0.25
done
for d in /sys/bus/xen-backend/devices/vbd-*-"$DEV"; do
	[ -d "$d" ] && domid=${d##*/vbd-} && domid=${domid%-"$DEV"}
done
trace_stop boot ""

sleep 1
trace_start
sleep "$IDLE_SECONDS"
trace_stop idle "vcpus=$(sed -n 's/^vcpus = \([0-9]*\)$/\1/p' "/jobs/$JOB.cfg")"

# A short warm-up, so that ARP and the first slow round trips are not counted.
tool flood "$IP" 1 >/dev/null
trace_start
flood=$(tool flood "$IP" 5)
echo "$flood"
rt=$(echo "$flood" | sed -n 's/.*round_trips=\([0-9]*\).*/\1/p')
trace_stop pingflood "round_trips=${rt:--}"
finish 0
