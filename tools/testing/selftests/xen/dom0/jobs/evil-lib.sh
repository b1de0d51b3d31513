# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# What evil-drive.sh and evil-net-drive.sh (the evil-* dom0 jobs) both
# need, sourced from the directory they run from (/guests in dom0): wait
# for the guest's domain and for a log line, and ask pvk whether it
# still answers.  The sourcing script defines say() and TOOL (net-tool).

# The guest's domain id, once it exists (empty after 300 tries).
wait_domain() {
	i=0
	while [ "$i" -lt 300 ]; do
		d=$(xl domid "$1" 2>/dev/null) && [ -n "$d" ] && { echo "$d"; return; }
		sleep 0.5
		i=$((i + 1))
	done
}

wait_line() {	# FILE REGEX SECONDS
	i=0
	while ! tr -d '\r' 2>/dev/null <"$1" | grep -Eq "$2"; do
		i=$((i + 1))
		[ "$i" -le $(($3 * 2)) ] || return 1
		sleep 0.5
	done
}

# 3 pings within 30 tries and 8 UDP echoes on port 7 of IP: one
# "answers: ok: ..." or "answers: FAIL: ..." line, WHEN in brackets.
answers() {	# IP WHEN
	ok=0
	i=0
	while [ "$i" -lt 30 ] && [ "$ok" -lt 3 ]; do
		ping -c 1 -W 1 "$1" >/dev/null 2>&1 && ok=$((ok + 1))
		i=$((i + 1))
	done
	echo_line=$("$TOOL" udp-echo "$1" 7 8 2>&1 | tail -n 1)
	if [ "$ok" -ge 3 ] && echo "$echo_line" | grep -q '^udp-echo: sizes=8 ok=8 '; then
		say "answers: ok: $ok of $i pings, $echo_line ($2)"
	else
		say "answers: FAIL: $ok of $i pings, $echo_line ($2)"
	fi
}
