#!/bin/sh
# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# dom0's side of the life jobs (jobs/life-*.pre starts it in the
# background, as /guests/life-drive.sh, with /guests/net-tool): pvk
# serving after its self-tests, and obeying the toolstack.
#
#   life-drive.sh run shutdown|reboot|vcpu CONSOLE_LOG PVK_IP GUEST
#
# Waits for pvk's "pvk: serving" line, checks it answers (3 pings, UDP
# echo on port 7), then
#   shutdown: `xl shutdown -w GUEST`;
#   reboot:   `xl reboot GUEST`, waits for a second "pvk: serving" (the
#             domain restarted by xl, on_reboot = "restart"), checks the
#             pings and the echo again, then `xl shutdown -w GUEST`;
#   vcpu:     `xl vcpu-set GUEST 1`: vCPU 1 offline in pvk's log and
#             paused in `xl vcpu-list`, pings and echo; then the
#             toolstack's node of vCPU 0 set offline, one of a vCPU that
#             does not exist (7) and a value that is no request: each
#             refused in pvk's log, vCPU 1 still offline; then
#             `xl vcpu-set GUEST 2`: vCPU 1 online in both, pings and
#             echo again; then `xl shutdown -w GUEST`;
# and whether the domain is gone.  Each step prints one "life-drive:"
# line; the last one is "life-drive: finished".
#
#   life-drive.sh check DRIVE_LOG CONSOLE_LOG shutdown|reboot|vcpu
#
# is the .post side: waits for the driver to finish (destroys the guest
# if it is still there), prints the driver's log and pvk's lifecycle
# lines, and checks that every step passed, that pvk logged the request
# and each frontend closing (frontend and backend Closed), and, for a
# reboot, that it served twice.  Exit status 0 only if all of that holds.
set -u
TOOL=/guests/net-tool
SERVE_WAIT=240

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

# How many lines of console $1 contain the fixed string $2.
lines_with() {
	[ -f "$1" ] || { echo 0; return; }
	n=$(tr -d '\r' <"$1" | grep -cF -- "$2")
	echo "${n:-0}"
}

# Wait up to 60 s for console $1 to have $3 lines containing $2.
wait_lines() {
	i=0
	while [ "$(lines_with "$1" "$2")" -lt "$3" ]; do
		i=$((i + 1))
		[ "$i" -le 120 ] || return 1
		sleep 0.5
	done
}

# The state column of vCPU $2 of guest $1 in `xl vcpu-list` ("--p" when
# it is down, "r--" or "-b-" when up), or "none".
vcpu_state() {
	st=$(xl vcpu-list "$1" 2>/dev/null | awk -v v="$2" 'NR > 1 && $3 == v { print $5 }')
	echo "${st:-none}"
}

# Wait up to 30 s for vCPU $2 of guest $1 to be down ($3 = down) or up.
wait_vcpu() {
	i=0
	while :; do
		case "$3:$(vcpu_state "$1" "$2")" in
		down:*p*) return 0 ;;
		up:none) ;;
		up:*p*) ;;
		up:*) return 0 ;;
		esac
		i=$((i + 1))
		[ "$i" -le 60 ] || return 1
		sleep 0.5
	done
}

# `xl vcpu-set $1 $2`, which takes vCPU 1 $3 (offline|online): wait for
# the $4-th such line in pvk's console $5 (its self-tests printed some
# before), and for the state in xl vcpu-list.
vcpu_set() {
	guest=$1
	want=$3
	state=down
	[ "$want" = online ] && state=up
	if ! timeout 60 xl vcpu-set "$guest" "$2"; then
		say "xl vcpu-set $2: FAIL (status $?)"
		return 1
	fi
	if ! wait_lines "$5" "cpu: vCPU 1 $want" "$4"; then
		say "xl vcpu-set $2: FAIL: no 'cpu: vCPU 1 $want' (#$4) in pvk's log within 60 s"
		return 1
	fi
	if ! wait_vcpu "$guest" 1 "$state"; then
		say "xl vcpu-set $2: FAIL: pvk logged vCPU 1 $want, xl vcpu-list says state $(vcpu_state "$guest" 1)"
		return 1
	fi
	say "xl vcpu-set $2: ok (pvk: vCPU 1 $want; xl vcpu-list: state $(vcpu_state "$guest" 1))"
}

# Write $3 to cpu/$2/availability of guest domain $1 and wait for a new
# line with pvk's refusal $4 in console $5; $6 names the step.
refused() {
	base=$(lines_with "$5" "$4")
	if ! xenstore-write "/local/domain/$1/cpu/$2/availability" "$3"; then
		say "refused $6: FAIL: xenstore-write failed"
		return 1
	fi
	if wait_lines "$5" "$4" $((base + 1)); then
		say "refused $6: ok"
	else
		say "refused $6: FAIL: no '$4' in pvk's log within 60 s"
		return 1
	fi
}

vcpu_steps() {
	guest=$1
	console=$2
	ip=$3
	offs=$(lines_with "$console" "cpu: vCPU 1 offline")
	ons=$(lines_with "$console" "cpu: vCPU 1 online")
	vcpu_set "$guest" 1 offline $((offs + 1)) "$console" &&
		answers "$ip" "vCPU 1 offline" && say "answers: ok (vCPU 1 offline)"
	domid=$(xl domid "$guest")
	refused "$domid" 0 offline "cpu: vCPU 0 cannot go offline" "$console" "vCPU 0"
	xenstore-write "/local/domain/$domid/cpu/0/availability" online
	refused "$domid" 7 online "cpu/7/availability: no such vCPU" "$console" "vCPU 7"
	xenstore-rm "/local/domain/$domid/cpu/7"
	refused "$domid" 1 sideways "availability 'sideways' is neither online nor offline" \
		"$console" "value 'sideways'"
	if wait_vcpu "$guest" 1 down &&
		[ "$(lines_with "$console" "cpu: vCPU 1 online")" = "$ons" ]; then
		say "vCPU 1 after the refusals: ok (still offline)"
	else
		say "vCPU 1 after the refusals: FAIL: state $(vcpu_state "$guest" 1), 'cpu: vCPU 1 online' $(lines_with "$console" "cpu: vCPU 1 online") times (was $ons)"
	fi
	vcpu_set "$guest" 2 online $((ons + 1)) "$console" &&
		answers "$ip" "vCPU 1 online again" && say "answers: ok (vCPU 1 online again)"
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
	[ "$mode" = vcpu ] && vcpu_steps "$guest" "$console" "$ip"
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
	tr -d '\r' <"$console" | grep -E '^pvk: (platform=|serving|shutdown|reboot|poweroff|halt|restart|PANIC)|xenbus: device/.*(: frontend|backend did not)|xen: control|: shut down;| cpu: vCPU|xen: .*cpu/|sched: .* moved'
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
	if [ "$mode" = vcpu ]; then
		want '^life-drive: .* xl vcpu-set 1: ok' "$drive" "the driver's log"
		want '^life-drive: .* answers: ok \(vCPU 1 offline\)' "$drive" "the driver's log"
		want '^life-drive: .* refused vCPU 0: ok' "$drive" "the driver's log"
		want '^life-drive: .* refused vCPU 7: ok' "$drive" "the driver's log"
		want "^life-drive: .* refused value 'sideways': ok" "$drive" "the driver's log"
		want '^life-drive: .* vCPU 1 after the refusals: ok' "$drive" "the driver's log"
		want '^life-drive: .* xl vcpu-set 2: ok' "$drive" "the driver's log"
		want '^life-drive: .* answers: ok \(vCPU 1 online again\)' "$drive" "the driver's log"
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
