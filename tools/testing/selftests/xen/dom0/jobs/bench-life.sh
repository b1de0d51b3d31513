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
# Every window's line carries mem=MiB, the guest's size from its .cfg
# (scripts/bench-domU.sh also boots pvk at a second size for the
# per-MiB cost).  Then tells the guest it is done, as bench-flood.sh does.  The trace is
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
TRACE=/tmp/bench-life.trace
DEV=51712
IDLE_SECONDS=10
# shellcheck source=bench-guest.sh
. /guests/bench-guest.sh
trace_kind "$VIRT"
MEM=$(sed -n 's/^memory = \([0-9]*\)$/\1/p' "/jobs/$JOB.cfg")
ready=$(guest_ready_line "$KIND") || { echo "bench-life: unknown guest kind $KIND"; exit 2; }

finish() {
	tell_done
	echo "bench-life: finished $TAG"
	exit "$1"
}

# dom0's clock in seconds, to two decimals.
uptime_s() { cut -d' ' -f1 /proc/uptime; }

window_start() {
	trace_start "$TRACE"
	t0=$(uptime_s)
}

# End window $1: its summary and its line ($2: more fields).
window_end() {
	t1=$(uptime_s)
	trace_stop
	trace_summary "$TRACE" "bench-xenalyze: $TAG engine=life op=$1 | " \
		"bench-life: FAIL: xenalyze failed for $1 $TAG" &&
		echo "bench-life: $TAG op=$1 domid=$domid" \
			"seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')" \
			"mem=${MEM:--} $2"
}

told=""
tell_done() {
	[ -z "$told" ] || return 0
	told=1
	tell_guest_done "$KIND" "$IP" bench-life
}

domid=-
window_start
touch /tmp/bench-life.on
i=0
until grep -q "$ready" "$LOG" 2>/dev/null; do
	i=$((i + 1))
	if [ "$i" -gt 2400 ]; then
		trace_stop
		echo "bench-life: FAIL: the guest never became ready $TAG"
		finish 1
	fi
	sleep 0.25
done
for d in /sys/bus/xen-backend/devices/vbd-*-"$DEV"; do
	[ -d "$d" ] && domid=${d##*/vbd-} && domid=${domid%-"$DEV"}
done
window_end boot ""

sleep 1
window_start
sleep "$IDLE_SECONDS"
window_end idle "vcpus=$(sed -n 's/^vcpus = \([0-9]*\)$/\1/p' "/jobs/$JOB.cfg")"

# A short warm-up, so that ARP and the first slow round trips are not counted.
tool flood "$IP" 1 >/dev/null
window_start
flood=$(tool flood "$IP" 5)
echo "$flood"
rt=$(echo "$flood" | sed -n 's/.*round_trips=\([0-9]*\).*/\1/p')
window_end pingflood "round_trips=${rt:--}"
finish 0
