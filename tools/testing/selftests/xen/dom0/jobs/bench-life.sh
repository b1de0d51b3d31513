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
# A job whose .cfg says "# bench-migrate: yes" (PVH and HVM at the
# shared size: Debian's Xen cannot migrate a PV guest, having no shadow
# paging for its log-dirty mode) then moves the guest once more:
#   migrate    `xl migrate` to this same dom0 (migrate-lib.sh) while
#              net-tool pings the guest every 10 ms: seconds (xl's),
#              downtime_ms (the longest time between two replies, the
#              outage a ping loop sees), answered= and sent= (the
#              pings), guest_us (pvk's own "resumed (cancelled=0) in N
#              us": its suspend request to running again), retries=
#              (1 when a dom0 program died in the first `xl migrate`
#              and left the guest running: it is tried once more)
# While the domain is saved or migrated dom0-init is held
# (/run/dom0-job.hold): its wait follows the guest's name to the
# restored or incoming domain.  Every wait has
# a deadline in dom0's seconds (each `xl` takes seconds under TCG, so
# counting tries is no bound), and the step in progress is in
# /run/dom0-job.status, which dom0-init's wait shows every 30 s.  A step
# that fails prints its line with failed=yes and why= (the rest of the
# line) instead of its figures, and the steps after it go on where they
# can.
# Then tells the guest it is done, as bench-flood.sh does.  The trace is
# on once /tmp/bench-life.on exists (the .pre waits for it).  Seconds
# are dom0's /proc/uptime around each window.  Ends with "bench-life:
# finished".  JOB is dom0-init's, as for the .pre.
set -u

# The driver's pid, so that the .post can end one still running (an
# attempt whose `xl create` failed leaves it waiting for a guest that a
# retry of the job then creates under the same name).
PIDFILE=/tmp/bench-life.pid

# The .post's part: wait for the end, print the lines bench-report.py
# reads and the rest prefixed, and fail unless every window has its line
# (a failed step's line, with its why=, counts: the report says why).
if [ "$1" = report ]; then
	i=0
	until grep -q "^bench-life: finished" "$2" 2>/dev/null || [ "$i" -ge 240 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	if ! grep -q "^bench-life: finished" "$2" 2>/dev/null &&
		kill -TERM "$(cat "$PIDFILE" 2>/dev/null)" 2>/dev/null; then
		echo "$JOB post: life: the driver had not finished: ended it"
		sleep 2
	fi
	rm -f "$PIDFILE"
	grep -E '^bench-(life|xenalyze):' "$2"
	grep -vE '^bench-(life|xenalyze):' "$2" | sed "s/^/$JOB post: life: /"
	rc=0
	ops="boot idle pingflood"
	grep -q '^# bench-lifecycle: yes' "/jobs/$JOB.cfg" &&
		ops="$ops balloon_down balloon_up checkpoint save restore"
	grep -q '^# bench-migrate: yes' "/jobs/$JOB.cfg" && ops="$ops migrate"
	for op in $ops; do
		grep -q "^bench-life: $3 op=$op domid=" "$2" ||
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
echo $$ >"$PIDFILE"
TRACE=/tmp/bench-life.trace
DEV=51712
IDLE_SECONDS=10
# The lifecycle: the balloon's step, how close `xl list` must come to a
# target (Linux's balloon counts its pages its own way), the size both
# guests are saved at, and where (dom0's /run, a tmpfs of its own).
# The size is balloon_down's target at the shared 512 MiB, no lower:
# Linux's blkfront holds about 257 MiB for its persistent grants (2
# queues of 128 requests of 257 pages), and ballooned towards 192 MiB
# Linux ran out of memory at 355 MiB ("System is deadlocked on memory").
BALLOON_MIB=128
BALLOON_SLACK_MIB=2
SAVE_MIB=384
SAVE_FILE=/run/bench-life.save
HOLD=/run/dom0-job.hold
STATUS=/run/dom0-job.status
# Deadlines (seconds): a balloon step reaching its target, one `xl save`
# or `xl restore` (384 MiB under TCG), the guest answering a ping.
BALLOON_WAIT=120
XL_WAIT=300
ANSWER_WAIT=120
VERDICT_WAIT=90
# One `xl migrate` of the shared size under TCG (both domains copy).
MIGRATE_WAIT=900
GAPS_STOP=/tmp/bench-life.gaps.stop
# shellcheck source=bench-guest.sh
. /guests/bench-guest.sh
# shellcheck source=migrate-lib.sh
. /guests/migrate-lib.sh
# Ended by the .post: stop the trace and the pings, no window line.
gaps_pid=""
trap 'trace_stop; [ -z "$gaps_pid" ] || kill "$gaps_pid" 2>/dev/null; echo "bench-life: ended by the .post $TAG"; exit 143' TERM
trace_kind "$VIRT"
MEM=$(sed -n 's/^memory = \([0-9]*\)$/\1/p' "/jobs/$JOB.cfg")
ready=$(guest_ready_line "$KIND") || { echo "bench-life: unknown guest kind $KIND"; exit 2; }

finish() {
	tell_done
	step "told the guest it is done; waiting for its verdict"
	verdict_or_destroy
	echo "bench-life: finished $TAG"
	exit "$1"
}

# The guest answers "done" with its verdict, which ends dom0-init's wait.
# A guest that gives none within VERDICT_WAIT s (one the lifecycle left
# broken) would hold the job until its timeout: say so on dom0's console,
# with this log and the end of the guest's, and destroy it.
verdict_or_destroy() {
	deadline "$VERDICT_WAIT"
	until grep -Eq 'DOMU-ALL-DONE|pvk: selftest result:' "$LOG" 2>/dev/null; do
		if past "$DEADLINE"; then
			why="$GUEST gave no verdict ${VERDICT_WAIT} s after done; destroying it"
			echo "bench-life: FAIL: $why ($TAG)"
			# This log is our stdout: copy it before adding to it.
			cp "/tmp/$JOB.life.log" /tmp/bench-life.copy
			{
				echo "bench-life: FAIL: $why ($TAG)"
				sed 's/^/bench-life:   log: /' /tmp/bench-life.copy
				tr -d '\r' <"$LOG" | tail -n 30 | sed 's/^/bench-life:   console: /'
				timeout 30 xl list 2>&1 | sed 's/^/bench-life:   xl list: /'
			} >/dev/console 2>&1
			timeout 60 xl destroy "$GUEST"
			return 1
		fi
		sleep 1
	done
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

# What this script is doing now: in its log and in dom0-init's status.
step() {
	echo "bench-life: [$(uptime_s)] $*"
	echo "life: $*" >"$STATUS"
}

# Deadlines are whole seconds of dom0's uptime, read by the shell's
# builtins alone, so that no dom0 program that dies under TCG
# (dom0/README.md, "Traps") can leave one empty, which would count as
# passed at once.  (Suspected when the wait for a ping after pvk's HVM
# migration gave up within seconds; it did so again with these, cause
# not found: wait_answer now says what it saw.)
uptime_whole() {
	read -r UPTIME _ </proc/uptime
	UPTIME=${UPTIME%.*}
}

# Has deadline $1 passed?
past() {
	uptime_whole
	[ "$UPTIME" -ge "$1" ]
}

# Set DEADLINE to $1 seconds from now.
deadline() {
	uptime_whole
	DEADLINE=$((UPTIME + $1))
}

# The guest's memory in MiB as `xl list` shows it (its pages).
xl_mem() {
	timeout 30 xl list "$GUEST" 2>/dev/null | awk 'NR == 2 { print $3 }'
}

# `xl mem-set` to $1 MiB, then wait (BALLOON_WAIT s at most) until `xl
# list` shows the domain within BALLOON_SLACK_MIB of it; "reached=yes",
# or "reached=no at=MiB" and why.
balloon_to() {
	if ! timeout 60 xl mem-set "$GUEST" "${1}m" >/dev/null 2>&1; then
		echo "reached=no why=xl mem-set ${1}m failed"
		return
	fi
	deadline "$BALLOON_WAIT"
	m=""
	until past "$DEADLINE"; do
		m=$(xl_mem)
		if [ -n "$m" ] && [ $((m - $1)) -le "$BALLOON_SLACK_MIB" ] &&
			[ $(($1 - m)) -le "$BALLOON_SLACK_MIB" ]; then
			echo "reached=yes"
			return
		fi
		sleep 1
	done
	echo "reached=no at=${m:--} why=xl list still showed ${m:-nothing} MiB" \
		"after ${BALLOON_WAIT} s, not ${1}+-${BALLOON_SLACK_MIB}"
}

# Wait (ANSWER_WAIT s at most) until the guest answers a ping.  On
# failure, PING_SAID holds how long it tried and ping's last words.
wait_answer() {
	deadline "$ANSWER_WAIT"
	tries=0
	until ping -c 1 -W 1 "$IP" >/tmp/bench-life.ping 2>&1; do
		tries=$((tries + 1))
		if past "$DEADLINE"; then
			PING_SAID="$tries pings until dom0's second $UPTIME (deadline $DEADLINE):"
			PING_SAID="$PING_SAID $(tail -n 2 /tmp/bench-life.ping | tr '\n' ' ')"
			return 1
		fi
	done
}

# Seconds from $1 to now, two decimals.
since() {
	awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%.2f", b - a }'
}

# The guest's state column in `xl list` ("r-----", "---sc-" when it
# crashed), or "gone".
xl_state() {
	st=$(timeout 30 xl list "$GUEST" 2>/dev/null | awk 'NR == 2 { print $5 }')
	echo "${st:-gone}"
}

# The guest console's first line saying why it died, if any.
console_panic() {
	p=$(tr -d '\r' <"$LOG" | grep -E -m 1 'Kernel panic|Out of memory|PANIC' |
		sed 's/^\[ *[0-9.]*\] //')
	echo "its console: ${p:-no panic line}"
}

# Step $1 failed: its line, with why= the rest ($2); the guest's size
# $3 (the saves' by default).
failed() {
	echo "bench-life: $TAG op=$1 domid=$domid mem=${3:-$SAVE_MIB} failed=yes why=$2"
}

# `xl save` with the options $1 of the guest to SAVE_FILE, at most
# XL_WAIT s; its status, xl's last lines into $xl_said.
xl_save() {
	# shellcheck disable=SC2086 # no options, or -c
	timeout "$XL_WAIT" xl save $1 "$GUEST" "$SAVE_FILE" >/tmp/bench-life.xl 2>&1
	rc=$?
	xl_said=$(tail -n 3 /tmp/bench-life.xl | tr '\n' ' ')
	return "$rc"
}

# The reason of a failed `xl` command of step $1 that exited with $2.
xl_why() {
	if [ "$2" = 124 ]; then
		echo "xl $1 did not end within ${XL_WAIT} s (killed)"
	else
		echo "xl $1 failed (status $2): ${xl_said:-no message}"
	fi
}

# The toolstack's lifecycle of the guest (see the top of this file).
lifecycle() {
	step "balloon_down to $((MEM - BALLOON_MIB)) MiB"
	window_start
	reached=$(balloon_to $((MEM - BALLOON_MIB)))
	window_end balloon_down "mib=$BALLOON_MIB $reached"
	step "balloon_up to $MEM MiB"
	window_start
	reached=$(balloon_to "$MEM")
	window_end balloon_up "mib=$BALLOON_MIB $reached"
	step "balloon to $SAVE_MIB MiB for the saves"
	echo "bench-life: ballooned to $SAVE_MIB MiB for the saves: $(balloon_to "$SAVE_MIB")"

	st=$(xl_state)
	case "$st" in
	*c* | gone)
		why="the guest is not running before the saves (xl list state: $st)"
		why="$why; $(console_panic)"
		for op in checkpoint save restore; do
			failed "$op" "$why"
		done
		return
		;;
	esac
	step "checkpoint (xl save -c)"
	t0=$(uptime_s)
	xl_save -c
	rc=$?
	if [ "$rc" = 0 ]; then
		xl_s=$(since "$t0")
		if wait_answer; then
			echo "bench-life: $TAG op=checkpoint domid=$domid" \
				"seconds=$(since "$t0") mem=$SAVE_MIB xl_seconds=$xl_s" \
				"guest_us=$(resumed_us 1)"
		else
			failed checkpoint "no ping answered within ${ANSWER_WAIT} s of the checkpoint (xl save -c took $xl_s s)"
		fi
	else
		failed checkpoint "$(xl_why "save -c" "$rc")"
	fi
	rm -f "$SAVE_FILE"

	step "save (xl save)"
	touch "$HOLD"
	t0=$(uptime_s)
	xl_save ""
	rc=$?
	if [ "$rc" = 0 ]; then
		echo "bench-life: $TAG op=save domid=$domid seconds=$(since "$t0")" \
			"mem=$SAVE_MIB bytes=$(wc -c <"$SAVE_FILE")"
		step "restore (xl restore)"
		t0=$(uptime_s)
		timeout "$XL_WAIT" xl restore "$SAVE_FILE" >/tmp/bench-life.xl 2>&1
		rc=$?
		xl_said=$(tail -n 3 /tmp/bench-life.xl | tr '\n' ' ')
		xl_s=$(since "$t0")
		domid=$(timeout 30 xl domid "$GUEST" 2>/dev/null || echo -)
		if [ "$rc" != 0 ]; then
			failed restore "$(xl_why restore "$rc")"
		elif wait_answer; then
			echo "bench-life: $TAG op=restore domid=$domid" \
				"seconds=$xl_s mem=$SAVE_MIB resumed_seconds=$(since "$t0")"
		else
			failed restore "no ping answered within ${ANSWER_WAIT} s of the restore (xl restore took $xl_s s)"
		fi
	else
		failed save "$(xl_why save "$rc")"
		failed restore "nothing saved to restore"
	fi
	rm -f "$SAVE_FILE" "$HOLD"
	step "lifecycle done"
}

# Did a dom0 program die in the last `xl migrate` (xl's output in
# /tmp/bench-life.xl)?  Under TCG on the AMD model dom0's programs now
# and then crash (dom0/README.md, "Traps"): xl itself, or the receiving
# side's loader, with these words.
dom0_program_died() {
	grep -Eq 'Segmentation fault|Aborted|corrupted|Inconsistency detected by ld\.so|exited with error status 1(27|34|39)' \
		/tmp/bench-life.xl
}

# Is the guest still running under its own name, no half-made
# incoming domain beside it?  Then a migration can start over.
guest_intact() {
	case "$(xl_state)" in
	*c* | gone) return 1 ;;
	esac
	! timeout 30 xl domid "$GUEST--incoming" >/dev/null 2>&1
}

# The live migration to this dom0 (see the top of this file); one retry
# when a dom0 program died and left the guest untouched (retries=).
migrate_window() {
	step "migrate (xl migrate to localhost, pinged every 10 ms)"
	rm -f "$GAPS_STOP"
	timeout $((MIGRATE_WAIT + 300)) $TOOL gaps "$IP" "$GAPS_STOP" \
		>/tmp/bench-life.gaps 2>&1 &
	gaps_pid=$!
	sleep 2
	touch "$HOLD"
	retries=0
	while :; do
		t0=$(uptime_s)
		migrate_localhost "$GUEST" /tmp/bench-life.xl "$MIGRATE_WAIT"
		rc=$?
		xl_s=$(since "$t0")
		xl_said=$(tail -n 3 /tmp/bench-life.xl | tr '\n' ' ')
		if [ "$rc" = 0 ] || [ "$retries" = 1 ] || ! dom0_program_died ||
			! guest_intact; then
			break
		fi
		retries=1
		echo "bench-life: retry 1 of 1: a dom0 program died in xl migrate" \
			"($xl_said) and the guest still runs $TAG"
	done
	echo "bench-life: $(console_after_migrate "$LOG")"
	domid=$(timeout 30 xl domid "$GUEST" 2>/dev/null || echo -)
	answered=no
	PING_SAID="not pinged"
	[ "$rc" = 0 ] && wait_answer && answered=yes && sleep 2
	touch "$GAPS_STOP"
	wait "$gaps_pid"
	gaps_pid=""
	rm -f "$HOLD"
	gaps=$(grep '^ping-gaps:' /tmp/bench-life.gaps | tail -n 1)
	if [ "$rc" = 124 ]; then
		failed migrate "xl migrate did not end within ${MIGRATE_WAIT} s (killed)" "$MEM"
	elif [ "$rc" != 0 ]; then
		failed migrate "xl migrate failed (status $rc): ${xl_said:-no message}" "$MEM"
	elif [ "$answered" != yes ]; then
		failed migrate "no ping answered within ${ANSWER_WAIT} s of the migration (xl migrate took $xl_s s; $PING_SAID)" "$MEM"
	elif [ -z "$gaps" ]; then
		failed migrate "net-tool gaps gave no summary: $(tail -n 1 /tmp/bench-life.gaps)" "$MEM"
	else
		echo "bench-life: $TAG op=migrate domid=$domid seconds=$xl_s mem=$MEM" \
			"${gaps#ping-gaps: } guest_us=$(resumed_us 0) retries=$retries"
	fi
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
step "boot: waiting for '$ready'"
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
step "idle ${IDLE_SECONDS} s"
window_start
sleep "$IDLE_SECONDS"
window_end idle "vcpus=$(sed -n 's/^vcpus = \([0-9]*\)$/\1/p' "/jobs/$JOB.cfg")"

# A short warm-up, so that ARP and the first slow round trips are not counted.
step "pingflood"
tool flood "$IP" 1 >/dev/null
window_start
flood=$(tool flood "$IP" 5)
echo "$flood"
rt=$(echo "$flood" | sed -n 's/.*round_trips=\([0-9]*\).*/\1/p')
window_end pingflood "round_trips=${rt:--}"
grep -q '^# bench-lifecycle: yes' "/jobs/$JOB.cfg" && lifecycle
grep -q '^# bench-migrate: yes' "/jobs/$JOB.cfg" && migrate_window
finish 0
