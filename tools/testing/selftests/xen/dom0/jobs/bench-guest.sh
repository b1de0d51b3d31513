# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# What dom0's bench scripts (bench-count.sh, bench-flood.sh, bench-life.sh)
# share: talking to a bench guest and tracing a window of it with Xen's
# trace; sourced from /guests/bench-guest.sh.

TOOL=/guests/net-tool

# The console line of guest kind $1 (linux, pvk) that says it is
# serving its vif: Linux's domU-init test "bench", pvk's netfront_serve.
guest_ready_line() {
	case "$1" in
	linux) echo "DOMU: bench-net-ready" ;;
	pvk) echo "netfront-serve: ready" ;;
	*) return 1 ;;
	esac
}

# net-tool, once more if it was killed by a signal (dom0 programs now
# and then die under TCG; see net-drive.sh).
tool() {
	timeout 120 $TOOL "$@"
	rc=$?
	if [ "$rc" -ge 128 ] && [ "$rc" != 143 ]; then
		timeout 120 $TOOL "$@"
		rc=$?
	fi
	return "$rc"
}

# Tell guest kind $1 at $2 that dom0 is done with it (pvk: "done" on its
# control port; Linux: a TCP connect to port 7001); lines start with $3.
tell_guest_done() {
	if [ "$1" = pvk ]; then
		echo "$3: done: $(tool ctl "$2" 7001 "done")"
	else
		for _ in 1 2 3; do
			echo "done" | timeout 10 nc "$2" 7001 && break
			sleep 1
		done
		echo "$3: done sent"
	fi
}

# ---- Xen's trace of a window (xentrace, then xenalyze --summary) ----
XENTRACE=/usr/lib/xen-4.17/bin/xentrace
trace_pid=""

# What to trace for guests of kind $1 (pv, pvh, hvm): GEN, SCHED and PV;
# HVM's exits too for PVH and HVM guests, which run on the AMD model, so
# xenalyze must read SVM's exit codes (without --svm-mode it stops at the
# first one above Intel's largest).
trace_kind() {
	case "$1" in
	pv) TRACE_MASK=0x0023f000 XENALYZE_MODE="" ;;
	*) TRACE_MASK=0x002bf000 XENALYZE_MODE=--svm-mode ;;
	esac
}

# Trace into file $1 in the background; returns once tracing is on.
trace_start() {
	rm -f "$1"
	$XENTRACE -D -e "$TRACE_MASK" "$1" >"$1.log" 2>&1 &
	trace_pid=$!
	# xentrace enables tracing once it has mapped the buffers.
	sleep 0.5
}

trace_stop() {
	[ -n "$trace_pid" ] || return 0
	kill -INT "$trace_pid"
	wait "$trace_pid"
	trace_pid=""
}

# Print xenalyze's summary of trace file $1, each line prefixed by $2;
# if xenalyze fails, print $3 and the tails of both logs instead, and
# return 1.  The trace file is removed.
trace_summary() {
	# shellcheck disable=SC2086 # no mode for PV guests
	if xenalyze --summary $XENALYZE_MODE "$1" >"$1.xenalyze" 2>&1; then
		sed "s/^/$2/" "$1.xenalyze"
		rc=0
	else
		echo "$3"
		tail -n 5 "$1.log" "$1.xenalyze"
		rc=1
	fi
	rm -f "$1"
	return "$rc"
}

# In the trace pass of job $1 (count lines tagged $2), every window
# dom0 counted must hold xenalyze's section of the guest's domain $3:
# without it (xentrace caught nothing, or a dom0 program died while
# tracing, as they do on the AMD CPU model) that window has no
# hypercall figure, and the job must fail so that dom0-init may run it
# again.  Prints one FAIL line per such window.
traced_windows_ok() {	# JOB TAG DOMID
	rc=0
	# shellcheck disable=SC2013 # one word per window: engine:op
	for w in $(sed -n "s/^bench-count: $2 engine=\([^ ]*\) op=\([^ ]*\) .*/\1:\2/p" \
		"/tmp/$1.count.log"); do
		grep -Fq "bench-xenalyze: $2 engine=${w%%:*} op=${w#*:} | |-- Domain $3 --|" \
			"/tmp/$1.count.log" && continue
		echo "$1 post: FAIL: no trace of domain $3 in the ${w#*:} ${w%%:*} window"
		rc=1
	done
	return "$rc"
}
