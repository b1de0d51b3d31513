#!/bin/sh
# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# dom0's side of the life jobs (jobs/life-*.pre starts it in the
# background, as /guests/life-drive.sh, with /guests/net-tool): pvk
# serving after its self-tests, and obeying the toolstack.
#
#   life-drive.sh run shutdown|reboot|save|migrate CONSOLE_LOG PVK_IP GUEST
#
# Waits for pvk's "pvk: serving" line, checks it answers (3 pings, UDP
# echo on port 7), then
#   shutdown: `xl shutdown -w GUEST`;
#   reboot:   `xl reboot GUEST`, waits for a second "pvk: serving" (the
#             domain restarted by xl, on_reboot = "restart"), checks the
#             pings and the echo again, then `xl shutdown -w GUEST`;
#   save:     first `xl save -c` (a checkpoint: the domain runs on, its
#             suspend cancelled), pvk's "pvk: resumed (cancelled=1)" line
#             and pings and echo answered; then, with a ping loop and a
#             UDP echo loop running, `xl save` to a file in dom0's
#             tmpfs and `xl restore`; then pvk's
#             "pvk: resumed (cancelled=0)" line, its vbd and vif
#             Connected again (frontend and backend, read from xenstore),
#             pings and echo answered within ANSWER_WAIT s of the
#             restore, what each loop lost, then `xl shutdown -w GUEST`;
#   migrate:  the same across `xl migrate` to this host (life-ssh.sh in
#             place of ssh runs `xl migrate-receive` here);
# and whether the domain is gone.  Each step prints one "life-drive:"
# line; the last one is "life-drive: finished".
#
#   life-drive.sh check DRIVE_LOG CONSOLE_LOG shutdown|reboot|save|migrate
#
# is the .post side: waits for the driver to finish (destroys the guest
# if it is still there), prints the driver's log and pvk's lifecycle
# lines, and checks that every step passed, that pvk logged the request
# and each frontend closing (frontend and backend Closed), for a reboot
# that it served twice, and for a save or migration that pvk suspended
# and resumed once.  Exit status 0 only if all of that holds.
set -u
TOOL=/guests/net-tool
SERVE_WAIT=240
# After the restore (or migration): pvk's resumed line, its devices
# Connected, and pings answered, each within this many seconds.
ANSWER_WAIT=60
SAVE_FILE=/tmp/life-save.img

say() { echo "life-drive: [$(cut -d' ' -f1 /proc/uptime)] $*"; }

# How many "pvk: serving" lines console $1 has so far.
served() {
	[ -f "$1" ] || { echo 0; return; }
	n=$(tr -d '\r' <"$1" | grep -c '^pvk: serving')
	echo "${n:-0}"
}

# Wait until console $1 has $2 "pvk: serving" lines; every 30 s say
# how far it got and which domain has guest $3's name.
wait_serving() {
	i=0
	while [ "$(served "$1")" -lt "$2" ]; do
		i=$((i + 1))
		[ "$i" -le $((SERVE_WAIT * 2)) ] || return 1
		if [ $((i % 60)) = 0 ]; then
			say "waiting for 'pvk: serving' #$2 ($((i / 2)) s): seen $(served "$1"), console $(wc -c <"$1" 2>/dev/null || echo 0) bytes, domain $(xl domid "$3" 2>/dev/null || echo none)"
		fi
		sleep 0.5
	done
}

# pvk at $1 answers 3 pings (of 30 tries) and 8 UDP echoes on port 7.
answers() {
	ok=0
	i=0
	while [ "$i" -lt 30 ] && [ "$ok" -lt 3 ]; do
		ping -c 1 -W 1 "$1" >/dev/null 2>&1 && ok=$((ok + 1))
		i=$((i + 1))
	done
	say "ping: $ok of $i answered ($2)"
	echo_line=$("$TOOL" udp-echo "$1" 7 8 2>&1 | tail -n 1)
	say "$echo_line ($2)"
	[ "$ok" -ge 3 ] && echo "$echo_line" | grep -q '^udp-echo: sizes=8 ok=8 '
}

# `xl shutdown -w`, then is the domain gone?  -w returns once the domain
# has shut down; xl's daemon (on_poweroff = "destroy") reaps it after.
shut_down() {
	if timeout 120 xl shutdown -w "$1"; then
		say "xl shutdown -w: ok"
	else
		say "xl shutdown -w: FAIL (status $?)"
	fi
	i=0
	while xl domid "$1" >/dev/null 2>&1; do
		i=$((i + 1))
		if [ "$i" -gt 60 ]; then
			say "domain $1: FAIL: still there 60 s after the shutdown"
			return
		fi
		sleep 1
	done
	say "domain $1: gone"
}

# Until file $3 exists: one ping a loop to $1, "ok|lost UPTIME" lines
# in $2.
ping_loop() {
	while [ ! -f "$3" ]; do
		if ping -c 1 -W 1 "$1" >/dev/null 2>&1; then
			echo "ok $(cut -d' ' -f1 /proc/uptime)"
		else
			echo "lost $(cut -d' ' -f1 /proc/uptime)"
		fi
		sleep 0.2
	done >"$2"
}

# Until file $3 exists: 4 UDP echoes a round to $1, one summary each in $2.
echo_loop() {
	while [ ! -f "$3" ]; do
		"$TOOL" udp-echo "$1" 7 4 2>&1 | tail -n 1
	done >"$2"
}

# What the loops of log prefix $1 saw: answered and lost pings, the
# longest time without an answer, echo rounds with and without loss.
loops_report() {
	awk '$1 == "ok" { if (last != "" && $2 - last > gap) gap = $2 - last; last = $2; ok++ }
	     $1 == "lost" { lost++ }
	     END { printf "ping loop: %d answered, %d lost, longest gap %.1f s\n", ok, lost, gap }' "$1.ping"
	good=$(grep -c ' ok=4 ' "$1.echo")
	all=$(grep -c '^udp-echo:' "$1.echo")
	echo "echo loop: $good of $all rounds of 4 intact, $((all - good)) with echoes lost"
}

# The state node of every vbd and vif of domain $1, frontend and backend.
dev_states() {
	for d in vbd vif; do
		for id in $(xenstore-list "/local/domain/$1/device/$d" 2>/dev/null); do
			fe=/local/domain/$1/device/$d/$id
			be=$(xenstore-read "$fe/backend" 2>/dev/null)
			printf '%s/%s=%s/%s ' "$d" "$id" \
				"$(xenstore-read "$fe/state" 2>/dev/null)" \
				"$(xenstore-read "$be/state" 2>/dev/null)"
		done
	done
}

# Wait until every vbd and vif of guest $1 is Connected (4/4) on both
# sides.
wait_connected() {
	i=0
	while [ "$i" -lt $((ANSWER_WAIT * 2)) ]; do
		d=$(xl domid "$1" 2>/dev/null)
		states=$(dev_states "$d")
		case "$states" in
		*vbd/*=4/4*vif/*=4/4*)
			echo "$states" | grep -Eq '=[0-35-9]|=4/[0-35-9]' || return 0 ;;
		esac
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}

# How many "pvk: resumed (cancelled=$2)" lines console $1 has.
resumed() {
	n=$(tr -d '\r' <"$1" | grep -c "^pvk: resumed (cancelled=$2)")
	echo "${n:-0}"
}

# Wait up to ANSWER_WAIT s for console $1's first "pvk: resumed
# (cancelled=$2)" line; say what came, as step $3.
wait_resumed() {
	i=0
	while [ "$(resumed "$1" "$2")" -lt 1 ] && [ "$i" -lt $((ANSWER_WAIT * 2)) ]; do
		sleep 0.5
		i=$((i + 1))
	done
	if [ "$(resumed "$1" "$2")" -ge 1 ]; then
		say "$3: ok ($(tr -d '\r' <"$1" | grep "^pvk: resumed (cancelled=$2)" | tail -n 1))"
	else
		say "$3: FAIL: no 'pvk: resumed (cancelled=$2)' within ${ANSWER_WAIT}s"
	fi
}

# xl save -c: the guest $1 (console $2, address $3) runs on after a
# cancelled suspend.
checkpoint() {
	if timeout 300 xl save -c "$1" /tmp/life-ckpt.img; then
		say "xl save -c: ok ($(wc -c </tmp/life-ckpt.img) bytes)"
	else
		say "xl save -c: FAIL (status $?)"
	fi
	rm -f /tmp/life-ckpt.img
	wait_resumed "$2" 1 "checkpoint resumed"
	answers "$3" "after checkpoint" && say "answers: ok (after checkpoint)"
}

# save|migrate: move the serving guest $2 (console $3, address $4) with
# loops running, and check it serves again.
move() {
	mode=$1
	guest=$2
	console=$3
	ip=$4
	stop=/tmp/life-loops.stop
	rm -f "$stop" /tmp/life-loops.ping /tmp/life-loops.echo "$SAVE_FILE"
	ping_loop "$ip" /tmp/life-loops.ping "$stop" &
	echo_loop "$ip" /tmp/life-loops.echo "$stop" &
	sleep 3
	say "domain before $mode: $(xl domid "$guest" 2>/dev/null || echo none)"
	now=$(cut -d' ' -f1 /proc/uptime)
	if [ "$mode" = save ]; then
		if timeout 300 xl save "$guest" "$SAVE_FILE"; then
			say "xl save: ok ($(wc -c <"$SAVE_FILE") bytes)"
		else
			say "xl save: FAIL (status $?)"
		fi
		say "domain after xl save: $(xl domid "$guest" 2>/dev/null || echo none)"
		if timeout 300 xl restore "$SAVE_FILE"; then
			say "xl restore: ok"
		else
			say "xl restore: FAIL (status $?)"
		fi
		rm -f "$SAVE_FILE"
	elif timeout 300 xl migrate -s "sh /guests/life-ssh.sh" "$guest" localhost \
		>/tmp/life-migrate.out 2>&1; then
		cat /tmp/life-migrate.out
		say "xl migrate: ok"
	elif grep -q 'Failed to enable logdirty: 95,' /tmp/life-migrate.out; then
		# A live migration tracks the pages the guest dirties; for a PV
		# guest Xen does that with shadow paging, which Debian's Xen is
		# built without (EOPNOTSUPP), so xl gives up before it asks the
		# guest to suspend.
		cat /tmp/life-migrate.out
		say "xl migrate: refused by Xen (no log-dirty mode for PV guests without shadow paging)"
		say "domain after refused migrate: $(xl domid "$guest" 2>/dev/null || echo none)"
		answers "$ip" "after refused migrate" &&
			say "answers: ok (after refused migrate)"
		touch "$stop"
		wait
		loops_report /tmp/life-loops | while read -r line; do say "$line"; done
		return
	else
		cat /tmp/life-migrate.out
		say "xl migrate: FAIL"
	fi
	say "$mode took $(awk -v a="$now" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }') s"
	say "domain after $mode: $(xl domid "$guest" 2>/dev/null || echo none)"
	wait_resumed "$console" 0 resumed
	if wait_connected "$guest"; then
		say "devices: ok ($(dev_states "$(xl domid "$guest" 2>/dev/null)"))"
	else
		say "devices: FAIL: not all Connected within ${ANSWER_WAIT}s ($(dev_states "$(xl domid "$guest" 2>/dev/null)"))"
	fi
	answers "$ip" "after $mode" && say "answers: ok (after $mode)"
	sleep 3
	touch "$stop"
	wait
	loops_report /tmp/life-loops | while read -r line; do say "$line"; done
}

run() {
	mode=$1
	console=$2
	ip=$3
	guest=$4
	if wait_serving "$console" 1 "$guest"; then
		say "serving: ok (first boot)"
	else
		say "serving: FAIL: no 'pvk: serving' within ${SERVE_WAIT}s"
		say "finished"
		return
	fi
	answers "$ip" "first boot" && say "answers: ok (first boot)"
	if [ "$mode" = reboot ]; then
		if timeout 120 xl reboot "$guest"; then
			say "xl reboot: ok"
		else
			say "xl reboot: FAIL (status $?)"
		fi
		say "domain after xl reboot: $(xl domid "$guest" 2>/dev/null || echo none)"
		if wait_serving "$console" 2 "$guest"; then
			say "serving: ok (after reboot)"
			answers "$ip" "after reboot" && say "answers: ok (after reboot)"
		else
			say "serving: FAIL: no second 'pvk: serving' within ${SERVE_WAIT}s"
		fi
	fi
	[ "$mode" = save ] && checkpoint "$guest" "$console" "$ip"
	if [ "$mode" = save ] || [ "$mode" = migrate ]; then
		move "$mode" "$guest" "$console" "$ip"
	fi

	shut_down "$guest"
	say "finished"
}

check() {
	drive=$1
	console=$2
	mode=$3
	guest=${GUEST:?GUEST not set (dom0-init exports it)}
	fail=0
	i=0
	# A line every 30 s: the runner takes a silent dom0 as stuck.
	until grep -q '^life-drive: .* finished' "$drive" 2>/dev/null || [ "$i" -ge 1080 ]; do
		sleep 0.5
		i=$((i + 1))
		if [ $((i % 60)) = 0 ]; then
			echo "life check: waiting for the driver ($((i / 2)) s): $(tail -n 1 "$drive" 2>/dev/null)"
		fi
	done
	if xl domid "$guest" >/dev/null 2>&1; then
		echo "life check: FAIL: $guest still there; destroying it"
		timeout 120 xl destroy "$guest"
		fail=1
	fi
	echo "----- dom0 life driver"
	cat "$drive"
	echo "----- pvk's lifecycle lines"
	tr -d '\r' <"$console" | grep -E '^pvk: (platform=|serving|shutdown|reboot|poweroff|halt|restart|PANIC|suspending|resumed)|xenbus: device/.*(: frontend|backend did not|backend now)|xen: control|: shut down;|: restored;'
	echo "-----"
	want() {
		if ! grep -Eq "$1" "$2"; then
			echo "life check: FAIL: no /$1/ in $3"
			fail=1
		fi
	}
	want '^life-drive: .* serving: ok \(first boot\)' "$drive" "the driver's log"
	want '^life-drive: .* answers: ok \(first boot\)' "$drive" "the driver's log"
	want '^life-drive: .* xl shutdown -w: ok' "$drive" "the driver's log"
	want '^life-drive: .* domain .*: gone' "$drive" "the driver's log"
	want '^pvk: shutdown requested: poweroff \(from xenstore control/shutdown\)' \
		"$console" "pvk's console"
	want '^pvk: poweroff now' "$console" "pvk's console"
	if [ "$mode" = reboot ]; then
		want '^life-drive: .* xl reboot: ok' "$drive" "the driver's log"
		want '^life-drive: .* serving: ok \(after reboot\)' "$drive" "the driver's log"
		want '^life-drive: .* answers: ok \(after reboot\)' "$drive" "the driver's log"
		want '^pvk: shutdown requested: reboot \(from xenstore control/shutdown\)' \
			"$console" "pvk's console"
		want '^pvk: reboot now' "$console" "pvk's console"
		if [ "$(served "$console")" -ne 2 ]; then
			echo "life check: FAIL: 'pvk: serving' $(served "$console") times, expected 2"
			fail=1
		fi
	fi
	if [ "$mode" = migrate ] && grep -q 'xl migrate: refused by Xen' "$drive"; then
		# Nothing moved: pvk must not have noticed the attempt.
		want '^life-drive: .* answers: ok \(after refused migrate\)' "$drive" "the driver's log"
		want '^life-drive: .* ping loop: [0-9]+ answered, 0 lost' "$drive" "the driver's log"
		if grep -q '^pvk: suspending' "$console"; then
			echo "life check: FAIL: pvk suspended for a migration Xen refused"
			fail=1
		fi
	elif [ "$mode" = save ] || [ "$mode" = migrate ]; then
		want "^life-drive: .* xl $mode: ok" "$drive" "the driver's log"
		if [ "$mode" = save ]; then
			want '^life-drive: .* xl save -c: ok' "$drive" "the driver's log"
			want '^life-drive: .* checkpoint resumed: ok' "$drive" "the driver's log"
			want '^life-drive: .* answers: ok \(after checkpoint\)' "$drive" "the driver's log"
			want '^pvk: resumed \(cancelled=1\) in [0-9]+ us' "$console" "pvk's console"
			want '^life-drive: .* xl restore: ok' "$drive" "the driver's log"
		fi
		want '^life-drive: \[[0-9.]+\] resumed: ok' "$drive" "the driver's log"
		want '^life-drive: .* devices: ok' "$drive" "the driver's log"
		want "^life-drive: .* answers: ok \\(after $mode\\)" "$drive" "the driver's log"
		want '^pvk: suspending' "$console" "pvk's console"
		want '^pvk: resumed \(cancelled=0\) in [0-9]+ us' "$console" "pvk's console"
		if [ "$(served "$console")" -ne 1 ]; then
			echo "life check: FAIL: 'pvk: serving' $(served "$console") times, expected 1 (a restore is no reboot)"
			fail=1
		fi
	fi
	# Every frontend closed with its backend, on each way down.
	closes=$(tr -d '\r' <"$console" | grep -c 'xenbus: device/.*: frontend Closed, backend Closed after')
	bad=$(tr -d '\r' <"$console" | grep -Ec 'xenbus: device/.*(backend did not close|: frontend [A-Za-z]+, backend (Unknown|Connected|InitWait|Initialised|Closing))')
	downs=1
	[ "$mode" = reboot ] && downs=2
	if [ "${closes:-0}" -lt $((downs * 2)) ] || [ "${bad:-0}" != 0 ]; then
		echo "life check: FAIL: $closes frontends closed cleanly, $bad not (want the vbd and the vif, $downs times)"
		fail=1
	fi
	if [ "$fail" = 0 ]; then
		echo "life check: ok"
	else
		echo "----- xl's log of $guest (last 40 lines)"
		tail -n 40 "/var/log/xen/xl-$guest.log" 2>/dev/null
		echo "----- the end of $guest's console (last 30 lines)"
		tr -d '\r' <"$console" | tail -n 30
		echo "-----"
	fi
	return "$fail"
}

case "${1:-}" in
run)
	shift
	run "$@"
	;;
check)
	shift
	check "$@"
	;;
*)
	echo "usage: life-drive.sh run|check ..." >&2
	exit 2
	;;
esac
