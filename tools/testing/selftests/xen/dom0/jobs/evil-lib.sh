# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# What evil-drive.sh and evil-net-drive.sh (the evil-* dom0 jobs) both
# need, sourced from the directory they run from (/guests in dom0): wait
# for the guest's domain, for a log line and for pvk to serve, ping pvk
# all through the job, ask it whether it still answers, and end the job.
# The sourcing script defines say(), TOOL (net-tool), SERVE_WAIT and, in
# run(), dir (the mode's directory of logs).

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

# Wait for "pvk: serving" on CONSOLE; if it never comes, destroy GUEST,
# end the job's log and fail.
wait_serving() {	# CONSOLE GUEST
	if ! wait_line "$1" '^(\[[ 0-9.]+\] )?pvk: serving' "$SERVE_WAIT"; then
		say "FAIL: no 'pvk: serving' in ${SERVE_WAIT} s"
		xl destroy "$2" 2>/dev/null
		say finished
		return 1
	fi
	say "pvk serving"
}

# Ping IP once a second in the background until $dir/stop exists,
# keeping "ANSWERED SENT" in $dir/pings.
# shellcheck disable=SC2154 # dir is set by the sourcing script's run()
ping_loop() {	# IP
	(
		n=0 t=0
		while [ ! -e "$dir/stop" ]; do
			t=$((t + 1))
			ping -c 1 -W 1 "$1" >/dev/null 2>&1 && n=$((n + 1))
			echo "$n $t" >"$dir/pings"
			sleep 1
		done
	) </dev/null >/dev/null 2>&1 &
}

# The end of a job: pvk still answers on IP, the ping loop's count,
# GUEST shut down (destroyed if that hangs) and the malicious backend's
# directory BACKEND (under dom0's backend/) removed.
finish() {	# GUEST IP BACKEND
	answers "$2" "after the attack"
	touch "$dir/stop"
	read -r n t <"$dir/pings" || { n=0 t=0; }
	say "pings during the job: $n of $t answered"
	if timeout 90 xl shutdown -w "$1" >/dev/null 2>&1; then
		say "xl shutdown: ok"
	else
		say "xl shutdown: did not finish, destroying"
		xl destroy "$1" 2>/dev/null
	fi
	sleep 2
	xenstore-rm "/local/domain/0/backend/$3" 2>/dev/null
	say finished
}
