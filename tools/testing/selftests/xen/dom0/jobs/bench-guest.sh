# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# What dom0's bench scripts (bench-flood.sh, bench-life.sh) share about
# talking to a bench guest; sourced from /guests/bench-guest.sh.

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
