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
# per-MiB cost).  A job whose .cfg says "# bench-lifecycle: yes" (the PV
# guests at the shared size) then goes through the toolstack's
# lifecycle, with a "bench-life:" line for each step:
#   balloon_down, balloon_up  traced windows: `xl mem-set` BALLOON_MIB
#              below the boot size and back, each until `xl list` shows
#              the domain within BALLOON_SLACK_MIB of the target
#              (mib=, reached=yes|no; the trace gives the hypercalls)
#   checkpoint `xl save -c` with the guest ballooned to SAVE_MIB first
#              (both guests write the same amount): seconds from the
#              request until the guest answers a ping again (xl_seconds:
#              xl's own time; guest_us: pvk's own "resumed (cancelled=1)
#              in N us", from the request to running again)
#   save       `xl save` to dom0's tmpfs (seconds, bytes)
#   restore    `xl restore` (seconds: xl's; resumed_seconds: from the
#              request until the guest answers a ping again)
# While the domain is saved dom0-init is held (/run/dom0-job.hold): its
# wait follows the guest's name to the restored domain.
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
	ops="boot idle pingflood"
	grep -q '^# bench-lifecycle: yes' "/jobs/$JOB.cfg" &&
		ops="$ops balloon_down balloon_up checkpoint save restore"
	for op in $ops; do
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
# The lifecycle: the balloon's step, how close `xl list` must come to a
# target (Linux's balloon counts its pages its own way), the size both
# guests are saved at, and where.
BALLOON_MIB=128
BALLOON_SLACK_MIB=2
SAVE_MIB=192
SAVE_FILE=/tmp/bench-life.save
HOLD=/run/dom0-job.hold
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

# The guest's memory in MiB as `xl list` shows it (its pages).
xl_mem() {
	xl list "$GUEST" 2>/dev/null | awk 'NR == 2 { print $3 }'
}

# `xl mem-set` to $1 MiB, then wait (120 s at most) until `xl list`
# shows the domain within BALLOON_SLACK_MIB of it; "reached=yes|no".
balloon_to() {
	timeout 60 xl mem-set "$GUEST" "${1}m" || { echo "reached=no"; return; }
	i=0
	while [ "$i" -lt 600 ]; do
		m=$(xl_mem)
		if [ -n "$m" ] && [ $((m - $1)) -le "$BALLOON_SLACK_MIB" ] &&
			[ $(($1 - m)) -le "$BALLOON_SLACK_MIB" ]; then
			echo "reached=yes"
			return
		fi
		i=$((i + 1))
		sleep 0.2
	done
	echo "reached=no at=${m:--}"
}

# Wait (120 s at most) until the guest answers a ping.
wait_answer() {
	i=0
	until ping -c 1 -W 1 "$IP" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -le 120 ] || return 1
	done
}

# Seconds from $1 to now, two decimals.
since() {
	awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%.2f", b - a }'
}

# The toolstack's lifecycle of the guest (see the top of this file).
lifecycle() {
	window_start
	reached=$(balloon_to $((MEM - BALLOON_MIB)))
	window_end balloon_down "mib=$BALLOON_MIB $reached"
	window_start
	reached=$(balloon_to "$MEM")
	window_end balloon_up "mib=$BALLOON_MIB $reached"
	echo "bench-life: ballooned to $SAVE_MIB MiB for the saves: $(balloon_to "$SAVE_MIB")"

	t0=$(uptime_s)
	timeout 600 xl save -c "$GUEST" "$SAVE_FILE" >/dev/null
	xl_s=$(since "$t0")
	wait_answer && echo "bench-life: $TAG op=checkpoint domid=$domid" \
		"seconds=$(since "$t0") mem=$SAVE_MIB xl_seconds=$xl_s" \
		"guest_us=$(resumed_us 1)"
	rm -f "$SAVE_FILE"

	touch "$HOLD"
	t0=$(uptime_s)
	if timeout 600 xl save "$GUEST" "$SAVE_FILE" >/dev/null; then
		echo "bench-life: $TAG op=save domid=$domid seconds=$(since "$t0")" \
			"mem=$SAVE_MIB bytes=$(wc -c <"$SAVE_FILE")"
		t0=$(uptime_s)
		timeout 600 xl restore "$SAVE_FILE" >/dev/null
		xl_s=$(since "$t0")
		domid=$(xl domid "$GUEST" 2>/dev/null || echo -)
		wait_answer && echo "bench-life: $TAG op=restore domid=$domid" \
			"seconds=$xl_s mem=$SAVE_MIB resumed_seconds=$(since "$t0")"
	fi
	rm -f "$SAVE_FILE" "$HOLD"
}

# pvk's own time from the request to running again in its last
# "pvk: resumed (cancelled=$1) in N us" line; "-" for Linux.
resumed_us() {
	[ "$KIND" = pvk ] || { echo -; return; }
	i=0
	while :; do
		v=$(tr -d '\r' <"$LOG" | sed -n "s/^pvk: resumed (cancelled=$1) in \([0-9]*\) us.*/\1/p" | tail -n 1)
		[ -z "$v" ] && [ "$i" -lt 20 ] || break
		i=$((i + 1))
		sleep 0.25
	done
	echo "${v:--}"
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
grep -q '^# bench-lifecycle: yes' "/jobs/$JOB.cfg" && lifecycle
finish 0
