#!/bin/sh
# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# dom0's side of the evil-* jobs (issue #11): pvk serving while
# evil-blkback (/guests/evil-blkback) plays the backend of its only disk
# and attacks it.  jobs/evil-*.pre starts
#
#   evil-drive.sh run MODE CONSOLE_LOG PVK_IP GUEST
#
# in the background: once the domain exists it starts evil-blkback MODE
# for vbd 51712 (xvda) on a 4 MiB image in dom0's tmpfs (for badrsp also
# an overrun backend for vbd 51728, xvdb, once xvda is connected, so that
# xvda stays pvk's first disk); waits for "pvk: serving"; pings pvk once
# a second from then on; drives I/O through pvk's UDP block service
# (net-tool blk-loop writes for IO_SECONDS, then blk-verify reads them
# back), waits for the backend's attack; checks pvk answers 3 pings and
# 8 UDP echoes; then `xl shutdown -w GUEST` (destroyed if that hangs).
# Each step prints one "evil-drive:" line; the last is
# "evil-drive: finished".
#
#   evil-drive.sh check MODE DRIVE_LOG CONSOLE_LOG
#
# is the .post side: waits for the driver, prints its log and the
# backends' logs, and checks that the backend delivered its attacks,
# that pvk answered during and after them, that pvk logged the reason
# for the attacked device, and, for the leak probe, that pages were
# probed and no stale byte was found.  Exit status 0 only if all hold.
set -u
TOOL=${NET_TOOL:-/guests/net-tool}
EVIL=/guests/evil-blkback
SERVE_WAIT=240
IO_SECONDS=20
BLK_PORT=9000
DEVID=51712
# Where each mode's images and logs go (the host tests use their own).
EVIL_DIR=${EVIL_DIR:-/tmp}
say() { echo "evil-drive: [$(cut -d' ' -f1 /proc/uptime)] $*"; }

# shellcheck source=evil-lib.sh
. "$(dirname "$0")/evil-lib.sh"

run() {
	mode=$1 console=$2 ip=$3 guest=$4
	dir=$EVIL_DIR/evil-$mode
	mkdir -p "$dir"
	dd if=/dev/zero of="$dir/disk.img" bs=1M count=4 2>/dev/null
	dd if=/dev/zero of="$dir/disk2.img" bs=1M count=1 2>/dev/null
	d=$(wait_domain "$guest")
	[ -n "$d" ] || { say "FAIL: domain $guest never appeared"; say finished; return; }
	"$EVIL" "$mode" "$d" "$DEVID" "$dir/disk.img" 280 >"$dir/backend.log" 2>&1 &
	say "backend $mode started for domain $d vbd $DEVID"
	if [ "$mode" = badrsp ]; then
		wait_line "$dir/backend.log" '^evil-blkback: connected' 120 || say "xvda never connected"
		"$EVIL" overrun "$d" $((DEVID + 16)) "$dir/disk2.img" 280 >"$dir/backend2.log" 2>&1 &
		say "backend overrun started for domain $d vbd $((DEVID + 16))"
	fi
	wait_serving "$console" "$guest" || return
	ping_loop "$ip"
	rm -f "$dir/blkstop"
	"$TOOL" blk-loop "$ip" "$BLK_PORT" 0 64 "$dir/blkstop" "$dir/blk.state" \
		>"$dir/blk-loop.log" 2>&1 &
	loop=$!
	sleep "$IO_SECONDS"
	touch "$dir/blkstop"
	wait "$loop"
	say "$(grep '^blk-loop: sent=' "$dir/blk-loop.log" | tail -n 1)"
	"$TOOL" blk-verify "$ip" "$BLK_PORT" "$dir/blk.state" >"$dir/blk-verify.log" 2>&1
	say "$(tail -n 1 "$dir/blk-verify.log")"
	case $mode in
	leak) ;;
	*) wait_line "$dir/backend.log" '^evil-blkback: attack .*delivered' 60 ||
		say "no attack delivered within 60 s" ;;
	esac
	finish "$guest" "$ip" "evilvbd/$d"
}

# Lines pvk's console must have for MODE (the reason for the attacked
# device), one extended regex per line.
reasons() {
	case $1 in
	badrsp)
		echo 'xvda: unknown response status -77, taken as an error'
		# The second answer to one request: its id is no longer in
		# flight, or (nothing else in flight) one response too many.
		echo 'xvda: queue 0: backend broke the protocol: (response id [0-9]+ is not in flight|rsp_prod - rsp_cons = [0-9]+ exceeds the [0-9]+ requests in flight)'
		echo 'xvdb: queue 0: backend broke the protocol: rsp_prod - rsp_cons = 1000 exceeds the 0 requests in flight'
		;;
	keepmap)
		echo 'xvda: queue [0-9]+: backend broke the protocol: backend keeps 17 granted pages mapped after answering \(at most 16 per device\); device failed'
		;;
	xsstate)
		# A state node that says nothing known is Unknown: the
		# frontend takes the backend as gone.
		echo 'xenbus: /local/domain/0/backend/evilvbd/[0-9]+/51712/state is not a 32-bit decimal number'
		echo 'xvda: backend closing; holding unfinished requests'
		;;
	esac
}

check() {
	mode=$1 log=$2 console=$3
	dir=$EVIL_DIR/evil-$mode
	fail=0
	i=0
	while ! grep -q '^evil-drive: .* finished' "$log" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le 600 ] || { echo "evil-drive: check: driver never finished"; fail=1; break; }
		sleep 0.5
	done
	cat "$log"
	for f in "$dir"/backend*.log; do
		[ -f "$f" ] && sed -n '1,60p' "$f"
	done
	bad() { echo "evil-drive: check: FAIL: $*"; fail=1; }
	grep -q 'evil-drive: .*answers: ok: .*after the attack' "$log" ||
		bad "pvk did not answer after the attack"
	grep -Eq 'evil-drive: .*pings during the job: [1-9][0-9]* of' "$log" ||
		bad "pvk answered no ping during the job"
	grep -q '^evil-blkback: connected' "$dir/backend.log" ||
		bad "pvk never connected to the evil backend"
	done_line=$(grep '^evil-blkback: done ' "$dir/backend.log")
	[ -n "$done_line" ] || bad "the backend did not finish"
	case $mode in
	leak|storm|featchange)
		# The honest disk (and the stormed one, and the one whose
		# features changed under it) keeps its data.
		grep -Eq 'evil-drive: .*blk-verify: sectors=[0-9]+ checked=[1-9][0-9]* ok=[0-9]+ lost=0 unreadable=0 ' "$log" ||
			bad "pvk's disk did not read back every acknowledged write"
		;;
	keepmap)
		# pvk fails the disk whose backend keeps its pages: reads of it
		# fail from then on, but none returns wrong data.
		grep -Eq 'evil-drive: .*blk-verify: sectors=[0-9]+ checked=[0-9]+ ok=[0-9]+ lost=0 ' "$log" ||
			bad "pvk's disk returned wrong data for an acknowledged write"
		;;
	esac
	case $mode in
	leak)
		echo "$done_line" | grep -Eq ' pages=[1-9][0-9]* stale=0 ' ||
			bad "leak probe: $done_line"
		;;
	badrsp)
		for a in bad-status rewrite duplicate-id; do
			grep -q "^evil-blkback: attack $a: .*delivered" "$dir/backend.log" ||
				bad "attack $a not delivered"
		done
		grep -q '^evil-blkback: attack overrun: .*delivered' "$dir/backend2.log" ||
			bad "attack overrun not delivered"
		;;
	*)
		grep -q "^evil-blkback: attack $mode: .*delivered" "$dir/backend.log" ||
			bad "attack $mode not delivered"
		;;
	esac
	reasons "$mode" | while read -r want; do
		tr -d '\r' <"$console" | grep -Eq "$want" || echo "$want"
	done >"$dir/missing"
	while read -r want; do
		bad "no '$want' in pvk's console"
	done <"$dir/missing"
	tr -d '\r' <"$console" | grep -q '^pvk: serving' || bad "pvk never served"
	tr -d '\r' <"$console" | grep -Eiq 'panic|BUG:|page fault' && bad "pvk's console shows a crash"
	[ "$fail" = 0 ] && echo "evil-drive: check: ok ($mode)"
	return "$fail"
}

case ${1:-} in
run) shift; run "$@" ;;
check) shift; check "$@" ;;
*) echo "usage: evil-drive.sh run MODE CONSOLE_LOG PVK_IP GUEST | check MODE DRIVE_LOG CONSOLE_LOG" >&2; exit 2 ;;
esac
