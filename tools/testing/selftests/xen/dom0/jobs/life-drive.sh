#!/bin/sh
# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# dom0's side of the life jobs (jobs/life-*.pre starts it in the
# background, as /guests/life-drive.sh, with /guests/net-tool): pvk
# serving after its self-tests, and obeying the toolstack.
#
#   life-drive.sh run shutdown|reboot|balloon|vcpu|save|migrate CONSOLE_LOG PVK_IP GUEST [CHANNEL]
#   life-drive.sh run dhcp CONSOLE_LOG UDHCPD_DIR GUEST
#   life-drive.sh channel JOB_CFG
#
# Waits for pvk's "pvk: serving" line (in dhcp mode, then takes pvk's
# address from its last "dhcp: vif0 leased|renewed" line and checks
# that udhcpd's lease file in UDHCPD_DIR gives it to the vif's MAC),
# checks it answers (3 pings, UDP echo on port 7), then
#   shutdown, dhcp: `xl shutdown -w GUEST`;
#   reboot:   `xl reboot GUEST`, waits for a second "pvk: serving" (the
#             domain restarted by xl, on_reboot = "restart"), checks the
#             pings and the echo again, then `xl shutdown -w GUEST`;
#   balloon:  `xl mem-set` to 128 MiB, to 16 MiB (below pvk's floor: it
#             must clamp and say so), a memory/target that is not a
#             number (ignored, said so), 192 MiB and back to the 256 MiB
#             it booted with; after each, memory/target as xl wrote it,
#             pvk's "balloon: target N KiB, current N KiB" line, the
#             domain's pages in `xl list` and the pings and the echo;
#             then `xl shutdown -w GUEST`;
#   vcpu:     `xl vcpu-set GUEST 1`: vCPU 1 offline in pvk's log and
#             paused in `xl vcpu-list`, pings and echo; then the
#             toolstack's node of vCPU 0 set offline, one of a vCPU that
#             does not exist (7) and a value that is no request: each
#             refused in pvk's log, vCPU 1 still offline; then
#             `xl vcpu-set GUEST 2`: vCPU 1 online in both, pings and
#             echo again; then `xl shutdown -w GUEST`;
#   save:     first `xl save -c` (a checkpoint: the domain runs on, its
#             suspend cancelled), pvk's "pvk: resumed (cancelled=1)" line
#             and pings and echo answered; then, with a ping loop and a
#             UDP echo loop running, `xl save` to a file in dom0's
#             tmpfs and `xl restore`; then pvk's
#             "pvk: resumed (cancelled=0)" line, its vbd and vif
#             Connected again (frontend and backend, read from xenstore),
#             pings and echo answered within ANSWER_WAIT s of the
#             restore, what each loop lost, then `xl shutdown -w GUEST`;
#             during all of it a write loop runs through pvk's UDP block
#             service (port BLK_PORT, net-tool blk-loop: sectors
#             BLK_FIRST.. of its disk, each write sent again with the
#             same seq until pvk acknowledges it); once stopped, every
#             sector pvk acknowledged is read back through pvk and must
#             hold that write (net-tool blk-verify), and pvk must have
#             acknowledged writes after the restore;
#   migrate:  the same across `xl migrate` to this host (life-ssh.sh in
#             place of ssh runs `xl migrate-receive` here), the write
#             loop included, without the checkpoint;
# and whether the domain is gone.  With CHANNEL (the unix socket of an
# xl channel named org.pvk.echo, which `channel JOB_CFG` prints when
# the job's config has one), a save or migration also checks, after the
# first boot, the checkpoint and the move, that a line sent there comes
# back intact (pvk's channel echo service, net-tool unix-ask): the
# secondary console reconnected to the new domain's backend.  Each step prints one "life-drive:"
# line; the last one is "life-drive: finished".
#
#   life-drive.sh check DRIVE_LOG CONSOLE_LOG shutdown|reboot|balloon|dhcp|vcpu|save|migrate [CHANNEL]
#
# is the .post side: waits for the driver to finish (destroys the guest
# if it is still there), prints the driver's log and pvk's lifecycle
# lines, and checks that every step passed, that pvk logged the request
# and each frontend closing (frontend and backend Closed), for a
# reboot, that it served twice, for dhcp, that pvk logged the lease from
# dom0 (10.0.0.1, 30 s) and its renewal, for a save or migration
# that pvk suspended and resumed once, and for a save that the write
# loop lost nothing: none of its writes failed or went unanswered, each
# acknowledged sector read back right through pvk, and (the guest gone)
# in the disk image DISK itself (net-tool blk-verify-file); after a
# restore or migration, that the console ring still reached dom0 (the
# frontends' closing lines, logged after the resume, are in the
# console's log, and no output was dropped) and, with CHANNEL, each
# echo over the channel and pvk's line of its reconnection.  Exit status 0 only if all of
# that holds; 77 (skipped) for a migration Xen refused that left pvk
# untouched.
set -u
# The host tests of the check use their own build of net-tool.
TOOL=${NET_TOOL:-/guests/net-tool}
SERVE_WAIT=240
# After the restore (or migration): pvk's resumed line, its devices
# Connected, and pings answered, each within this many seconds.
ANSWER_WAIT=60
SAVE_FILE=/tmp/life-save.img
# The write loop of a save: pvk's UDP block service (include/pvk/blk-udp.h)
# and the 1 MiB of its 64 MiB disk it writes (no other job's area).
BLK_PORT=9000
BLK_FIRST=126976
BLK_SECTORS=2048
BLK_STATE=${BLK_STATE:-/tmp/life-blk.state}

say() { echo "life-drive: [$(cut -d' ' -f1 /proc/uptime)] $*"; }
# shellcheck source=migrate-lib.sh
. "$(dirname "$0")/migrate-lib.sh"

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

# The echo channel's socket in job config $1 (an xl channel named
# org.pvk.echo with connection=socket), or nothing.
channel_path() {
	sed -n "s/.*connection=socket,path=\([^,'\"]*\),name=org\.pvk\.echo.*/\1/p" "$1" | head -n 1
}

# A line through channel socket $1 (if any) comes back from pvk's echo
# service within ANSWER_WAIT s; one "channel: ok|FAIL ($2)" line.
channel_echo() {
	[ -n "$1" ] || return 0
	line=$("$TOOL" unix-ask "$1" "$ANSWER_WAIT" "pvk-life-echo $2" 2>&1 | tail -n 1)
	if echo "$line" | grep -q ' intact=yes '; then
		say "channel: ok ($2: $line)"
	else
		say "channel: FAIL ($2: ${line:-no answer from net-tool unix-ask})"
	fi
}

# pvk's kernel log lines carry a timestamp: "[    1.567637] dhcp: ...".
STAMP='^(\[[ 0-9.]+\] )?'

# The address pvk's console $1 last logged a lease of, if any.
leased_ip() {
	tr -d '\r' <"$1" |
		sed -En "s,${STAMP}dhcp: vif0 (leased|renewed) ([0-9.]+)/[0-9]+ from .*,\\3,p" |
		tail -n 1
}

# Does udhcpd (files in $1) give $2 to the MAC pvk's console $3 shows?
server_lease() {
	dir=$1
	want_ip=$2
	mac=$(tr -d '\r' <"$3" | sed -n 's/.*vif0: up, mac \([0-9a-f:]*\) .*/\1/p' | head -n 1)
	if [ -z "$mac" ]; then
		say "lease file: FAIL: no 'vif0: up, mac' line in pvk's console"
		return 1
	fi
	# SIGUSR1 makes udhcpd write its leases out now.
	kill -USR1 "$(cat "$dir/pid")" && sleep 1
	line=$(busybox dumpleases -f "$dir/leases" | grep -i "^$mac ")
	# shellcheck disable=SC2086 # split the table row into its columns
	set -- $line
	if [ "${2:-}" = "$want_ip" ]; then
		say "lease file: ok ($mac $want_ip)"
		return 0
	fi
	say "lease file: FAIL: udhcpd's row for $mac is '$line', pvk says $want_ip"
	busybox dumpleases -f "$dir/leases" | sed 's/^/life-drive:   /'
	return 1
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

# How many lines console $1 has.
mark() {
	n=$(tr -d '\r' <"$1" 2>/dev/null | wc -l)
	echo "${n:-0}"
}

# How many of console $1's lines after the first $2 match the regex $3.
lines() {
	n=$(tr -d '\r' <"$1" 2>/dev/null | tail -n +$(($2 + 1)) | grep -Ec "$3")
	echo "${n:-0}"
}

# The last of console $1's lines after the first $2 that matches $3.
last_line() {
	tr -d '\r' <"$1" 2>/dev/null | tail -n +$(($2 + 1)) | grep -E "$3" | tail -n 1
}

# Wait up to 120 s for a line matching $3 after the first $2 of console $1.
wait_line() {
	i=0
	while [ "$(lines "$1" "$2" "$3")" = 0 ]; do
		i=$((i + 1))
		[ "$i" -le 240 ] || return 1
		sleep 0.5
	done
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

# The domain's memory in MiB as `xl list` shows it (its pages, rounded down).
xl_mem() {
	xl list "$1" 2>/dev/null | awk 'NR == 2 { print $3 }'
}

# pvk's log lines start with a time stamp ("[   12.345678] ").
B='(^|\] )balloon: '
STEP_RE="${B}target [0-9]+ KiB, current"

# `xl mem-set GUEST $3m`, then: memory/target is what xl wrote, pvk logs
# reaching $4 MiB (the target itself, or the floor it clamped to, which
# the step reads from pvk's clamp line when $4 is "floor"), `xl list`
# agrees and pvk still answers.  One "balloon NAME: ok|FAIL" line.
balloon_to() {
	console=$1; ip=$2; mib=$3; want=$4; guest=$5
	domid=$(xl domid "$guest" 2>/dev/null)
	at=$(mark "$console")
	if ! timeout 60 xl mem-set "$guest" "${mib}m"; then
		say "balloon ${mib}m: FAIL: xl mem-set failed"
		return
	fi
	target=$(xenstore-read "/local/domain/$domid/memory/target" 2>/dev/null)
	if [ "$target" != "$((mib * 1024))" ]; then
		say "balloon ${mib}m: FAIL: memory/target is '$target', xl asked for $((mib * 1024))"
		return
	fi
	if [ "$want" = floor ]; then
		clamp="${B}target $((mib * 1024)) KiB below the safe floor [0-9]+ KiB"
		if ! wait_line "$console" "$at" "$clamp"; then
			say "balloon ${mib}m: FAIL: pvk did not say it clamped to its floor"
			return
		fi
		kib=$(last_line "$console" "$at" "$clamp" |
			sed 's/.* below the safe floor \([0-9]*\) KiB.*/\1/')
	else
		kib=$((want * 1024))
	fi
	if ! wait_line "$console" "$at" "${B}target $kib KiB, current $kib KiB"; then
		say "balloon ${mib}m: FAIL: no 'balloon: target $kib KiB, current $kib KiB' from pvk within 120 s; its last: '$(last_line "$console" "$at" "$STEP_RE")'"
		return
	fi
	mem=$(xl_mem "$guest")
	if [ "$mem" != "$((kib / 1024))" ]; then
		say "balloon ${mib}m: FAIL: xl list says ${mem} MiB, pvk reached $((kib / 1024)) MiB"
		return
	fi
	answers "$ip" "at $((kib / 1024)) MiB" &&
		say "balloon ${mib}m: ok (pvk at $kib KiB in $(lines "$console" "$at" "$STEP_RE") steps, xl list $mem MiB)"
}

# A memory/target that is not a number: pvk says it ignored it, and
# keeps what it has.  The node then gets its value back: xl reads it to
# set the next target, and refuses to while it is not a number.
balloon_garbage() {
	console=$1; ip=$2; guest=$3
	domid=$(xl domid "$guest" 2>/dev/null)
	node=/local/domain/$domid/memory/target
	old=$(xenstore-read "$node" 2>/dev/null)
	mem=$(xl_mem "$guest")
	at=$(mark "$console")
	xenstore-write "$node" lots
	ignored=$(wait_line "$console" "$at" "${B}memory/target 'lots' ignored" && echo yes)
	[ "$ignored" ] && sleep 2
	moved=$(lines "$console" "$at" "$STEP_RE")
	now=$(xl_mem "$guest")
	xenstore-write "$node" "$old"
	if [ -z "$ignored" ]; then
		say "balloon garbage: FAIL: pvk did not say it ignored memory/target 'lots'"
		return
	fi
	if [ "$now" != "$mem" ] || [ "$moved" != 0 ]; then
		say "balloon garbage: FAIL: pvk moved: xl list went from $mem to $now MiB"
		return
	fi
	answers "$ip" "after the garbage target" &&
		say "balloon garbage: ok (ignored, still $mem MiB)"
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

# Until file $3 exists: writes through pvk's block service at $1, then
# the last of them answered; net-tool's lines in $2, the state in
# BLK_STATE.
blk_loop() {
	"$TOOL" blk-loop "$1" "$BLK_PORT" "$BLK_FIRST" "$BLK_SECTORS" "$3" \
		"$BLK_STATE" >"$2" 2>&1
}

# How many writes the block loop (lines in $1) had acknowledged so far.
blk_acked() {
	n=$(sed -n 's/^blk-loop: progress .* acked=\([0-9]*\) .*/\1/p' "$1" | tail -n 1)
	echo "${n:-0}"
}

# After the loop: its summary, the sectors pvk acknowledged read back
# through pvk (address $3), and writes acknowledged after the move $4
# (restore or migrate: more than the $2 when it ended) in the loop's
# log $1.
blk_report() {
	summary=$(grep '^blk-loop: sent=' "$1" | tail -n 1)
	grep '^blk-loop: write seq' "$1" | head -n 20 | while read -r line; do say "$line"; done
	if echo "$summary" | grep -q ' unacked=0 errors=0 '; then
		say "blk loop: ok (${summary#blk-loop: })"
	else
		say "blk loop: FAIL: ${summary:-no summary from net-tool blk-loop: $(tail -n 1 "$1")}"
	fi
	final=$(echo "$summary" | sed -n 's/.* acked=\([0-9]*\) .*/\1/p')
	if [ "${final:-0}" -gt "$2" ]; then
		say "blk after $4: ok ($(( ${final:-0} - $2 )) writes acknowledged after the $4)"
	else
		say "blk after $4: FAIL: no write acknowledged after the $4 (${final:-0} in all, $2 before)"
	fi
	"$TOOL" blk-verify "$3" "$BLK_PORT" "$BLK_STATE" >"$BLK_STATE.verify" 2>&1
	rc=$?
	grep '^blk-verify: LOST' "$BLK_STATE.verify" | while read -r line; do say "$line"; done
	line=$(grep '^blk-verify: sectors=' "$BLK_STATE.verify" | tail -n 1)
	if [ "$rc" = 0 ]; then
		say "blk verify: ok (${line#blk-verify: })"
	else
		say "blk verify: FAIL: ${line:-$(tail -n 1 "$BLK_STATE.verify")}"
	fi
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

# xl save -c: the guest $1 (console $2, address $3, echo channel $4)
# runs on after a cancelled suspend.
checkpoint() {
	if timeout 300 xl save -c "$1" /tmp/life-ckpt.img; then
		say "xl save -c: ok ($(wc -c </tmp/life-ckpt.img) bytes)"
	else
		say "xl save -c: FAIL (status $?)"
	fi
	rm -f /tmp/life-ckpt.img
	wait_resumed "$2" 1 "checkpoint resumed"
	answers "$3" "after checkpoint" && say "answers: ok (after checkpoint)"
	channel_echo "$4" "after checkpoint"
}

# save|migrate: move the serving guest $2 (console $3, address $4, echo
# channel $5) with loops running, and check it serves again.
move() {
	mode=$1
	guest=$2
	console=$3
	ip=$4
	chan=$5
	stop=/tmp/life-loops.stop
	rm -f "$stop" /tmp/life-loops.ping /tmp/life-loops.echo /tmp/life-loops.blk \
		"$SAVE_FILE" "$BLK_STATE"
	ping_loop "$ip" /tmp/life-loops.ping "$stop" &
	echo_loop "$ip" /tmp/life-loops.echo "$stop" &
	blk_loop "$ip" /tmp/life-loops.blk "$stop" &
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
		blk_before=$(blk_acked /tmp/life-loops.blk)
		say "blk loop: $blk_before writes acknowledged before the save"
		if timeout 300 xl restore "$SAVE_FILE"; then
			say "xl restore: ok"
		else
			say "xl restore: FAIL (status $?)"
		fi
		rm -f "$SAVE_FILE"
		blk_restored=$(blk_acked /tmp/life-loops.blk)
	elif migrate_localhost "$guest" /tmp/life-migrate.out 300; then
		cat /tmp/life-migrate.out
		say "xl migrate: ok"
		say "$(console_after_migrate "$console")"
		blk_restored=$(blk_acked /tmp/life-loops.blk)
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
	channel_echo "$chan" "after $mode"
	sleep 3
	touch "$stop"
	wait
	loops_report /tmp/life-loops | while read -r line; do say "$line"; done
	if [ "$mode" = save ]; then
		blk_report /tmp/life-loops.blk "$blk_restored" "$ip" restore
	else
		blk_report /tmp/life-loops.blk "${blk_restored:-0}" "$ip" migrate
	fi
}

run() {
	mode=$1
	console=$2
	ip=$3
	guest=$4
	chan=${5:-}
	if wait_serving "$console" 1 "$guest"; then
		say "serving: ok (first boot)"
	else
		say "serving: FAIL: no 'pvk: serving' within ${SERVE_WAIT}s"
		say "finished"
		return
	fi
	if [ "$mode" = dhcp ]; then
		dir=$ip
		ip=$(leased_ip "$console")
		if [ -z "$ip" ]; then
			say "lease: FAIL: no 'dhcp: vif0 leased' line from pvk"
			shut_down "$guest"
			say "finished"
			return
		fi
		say "lease: pvk has $ip"
		server_lease "$dir" "$ip" "$console"
	fi
	answers "$ip" "first boot" && say "answers: ok (first boot)"
	channel_echo "$chan" "first boot"
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
	if [ "$mode" = balloon ]; then
		say "booted with $(xl_mem "$guest") MiB"
		balloon_to "$console" "$ip" 128 128 "$guest"
		balloon_to "$console" "$ip" 16 floor "$guest"
		balloon_garbage "$console" "$ip" "$guest"
		balloon_to "$console" "$ip" 192 192 "$guest"
		balloon_to "$console" "$ip" 256 256 "$guest"
	fi
	[ "$mode" = save ] && checkpoint "$guest" "$console" "$ip" "$chan"
	if [ "$mode" = save ] || [ "$mode" = migrate ]; then
		move "$mode" "$guest" "$console" "$ip" "$chan"
	fi

	shut_down "$guest"
	say "finished"
}

# The guest gone: every sector pvk acknowledged, in the disk image.
blk_image() {
	image=${DISK:-/disk.img}
	if [ ! -f "$BLK_STATE" ]; then
		echo "life check: FAIL: no state from the write loop ($BLK_STATE)"
		return 1
	fi
	if "$TOOL" blk-verify-file "$image" "$BLK_STATE" >"$BLK_STATE.image" 2>&1; then
		echo "life check: image $image holds every acknowledged write: $(tail -n 1 "$BLK_STATE.image")"
		return 0
	fi
	echo "life check: FAIL: image $image lost acknowledged writes:"
	sed 's/^/life check:   /' "$BLK_STATE.image"
	return 1
}

# After a restore or migration, pvk's console ring still reaches dom0:
# the frontends' closing lines of the shutdown, logged after the
# resume, are in console $1's log, and pvk dropped no output.
console_after_move() {
	n=$(tr -d '\r' <"$1" | awk '/^pvk: resumed \(cancelled=0\)/ { on = 1; next }
		on && /xenbus: device\/.*: frontend Closed, backend Closed after/ { n++ }
		END { print n + 0 }')
	if [ "$n" -lt 2 ]; then
		echo "life check: FAIL: console: $n frontends' closing lines after the resume (want the vbd's and the vif's): the console ring did not reach dom0 after the move"
		return 1
	fi
	if tr -d '\r' <"$1" | grep -Eq 'console: [0-9]+ bytes dropped'; then
		echo "life check: FAIL: console: pvk dropped output (its line above)"
		return 1
	fi
	echo "life check: console after the move: ok ($n closing lines after the resume, nothing dropped)"
}

check() {
	drive=$1
	console=$2
	mode=$3
	chan=${4:-}
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
	tr -d '\r' <"$console" | grep -E '^pvk: (platform=|serving|shutdown|reboot|poweroff|halt|restart|PANIC|suspending|resumed)|'"${STAMP}"'dhcp: |xenbus: device/.*(: frontend|backend did not)|(^|\] )blk-udp: |console-front: org\.pvk\.echo|xen: control|: shut down;|(^|\] )balloon: (reservation|memory/|.* (below|above) |(taking back|giving away) )| cpu: vCPU|xen: .*cpu/|sched: .* moved'
	if [ "$mode" = balloon ]; then
		echo "----- pvk's last balloon line of each step"
		tr -d '\r' <"$console" | awk '/balloon: target [0-9]+ KiB, current/ { last = $0; next } last { print last; last = "" } END { if (last) print last }'
	fi
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
	if [ "$mode" = dhcp ]; then
		want '^life-drive: .* lease file: ok' "$drive" "the driver's log"
		want "${STAMP}dhcp: vif0 leased 10\\.0\\.0\\.5[0-9]/24 from 10\\.0\\.0\\.1 for 30 s" \
			"$console" "pvk's console"
		want "${STAMP}dhcp: vif0 renewed 10\\.0\\.0\\.5[0-9]/24 from 10\\.0\\.0\\.1 for 30 s" \
			"$console" "pvk's console"
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
			moved=restore
		else
			moved=migrate
		fi
		want '^life-drive: .* blk loop: ok' "$drive" "the driver's log"
		want "^life-drive: .* blk after $moved: ok" "$drive" "the driver's log"
		want '^life-drive: .* blk verify: ok' "$drive" "the driver's log"
		blk_image || fail=1
		want '^life-drive: \[[0-9.]+\] resumed: ok' "$drive" "the driver's log"
		want '^life-drive: .* devices: ok' "$drive" "the driver's log"
		want "^life-drive: .* answers: ok \\(after $mode\\)" "$drive" "the driver's log"
		want '^pvk: suspending' "$console" "pvk's console"
		want '^pvk: resumed \(cancelled=0\) in [0-9]+ us' "$console" "pvk's console"
		console_after_move "$console" || fail=1
		if [ -n "$chan" ]; then
			want '^life-drive: .* channel: ok \(first boot' "$drive" "the driver's log"
			[ "$mode" = save ] &&
				want '^life-drive: .* channel: ok \(after checkpoint' "$drive" "the driver's log"
			want "^life-drive: .* channel: ok \\(after $mode" "$drive" "the driver's log"
			want 'console-front: org\.pvk\.echo \(device/console/[0-9]+\): restored; reconnecting' \
				"$console" "pvk's console"
		fi
		if [ "$(served "$console")" -ne 1 ]; then
			echo "life check: FAIL: 'pvk: serving' $(served "$console") times, expected 1 (a restore is no reboot)"
			fail=1
		fi
	fi
	# Every frontend closed with its backend, on each way down.
	if [ "$mode" = balloon ]; then
		for step in 128m 16m garbage 192m 256m; do
			want "^life-drive: .* balloon $step: ok" "$drive" "the driver's log"
		done
		if tr -d '\r' <"$console" | grep -Eq "${B}(taking back|giving away) "; then
			echo "life check: FAIL: pvk's balloon fell short of a step (its lines above)"
			fail=1
		fi
	fi
	closes=$(tr -d '\r' <"$console" | grep -c 'xenbus: device/.*: frontend Closed, backend Closed after')
	bad=$(tr -d '\r' <"$console" | grep -Ec 'xenbus: device/.*(backend did not close|: frontend [A-Za-z]+, backend (Unknown|Connected|InitWait|Initialised|Closing))')
	downs=1
	[ "$mode" = reboot ] && downs=2
	if [ "${closes:-0}" -lt $((downs * 2)) ] || [ "${bad:-0}" != 0 ]; then
		echo "life check: FAIL: $closes frontends closed cleanly, $bad not (want the vbd and the vif, $downs times)"
		fail=1
	fi
	if [ "$fail" = 0 ] && [ "$mode" = migrate ] &&
		grep -q 'xl migrate: refused by Xen' "$drive"; then
		# pvk came through untouched, but nothing was migrated: a skip
		# (status 77, dom0-init's post=skipped), never a pass.
		echo "life check: SKIP: xl migrate refused by Xen (no log-dirty mode for PV guests: Debian's Xen has no shadow paging); pvk was left untouched"
		return 77
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
channel)
	channel_path "$2"
	;;
*)
	echo "usage: life-drive.sh run|check ..." >&2
	exit 2
	;;
esac
