#!/bin/sh
# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# dom0's side of the evil-net-* jobs (issue #11): pvk serving with a
# healthy vif (vif0, real netback on xenbr0, 10.0.0.2) while evil-netback
# (/guests/evil-netback) plays the backend of one more vif and attacks
# it.  jobs/evil-net-*.pre starts
#
#   evil-net-drive.sh run MODE CONSOLE_LOG GUEST
#
# in the background: once pvk says "pvk: serving" (vif0 has its
# address) it pings 10.0.0.2 once a second from then on and starts
# evil-netback MODE for vif 1 (00:16:3e:00:05:01, peer 10.0.1.1, pvk
# 10.0.1.2: the second address of pvk's ip=).  For badrsp it then also
# starts, one after the other once the one before has its address or
# has connected, evil-netback dupid for vif 2 (10.0.2.2) and overrun for
# vif 3 (no address): each of those attacks stops its vif, so each gets
# its own.  It waits for the backends to finish, checks pvk answers 3
# pings and 8 UDP echoes through vif0, then `xl shutdown -w GUEST`
# (destroyed if that hangs).  Each step prints one "evil-net-drive:"
# line; the last is "evil-net-drive: finished".
#
#   evil-net-drive.sh check MODE DRIVE_LOG CONSOLE_LOG
#
# is the .post side: waits for the driver, prints its log and the
# backends' logs, and checks that each backend connected and delivered
# its attacks, that pvk answered through vif0 during and after them,
# that pvk logged the reason naming the attacked vif, that vif0 was not
# disabled nor stormed, and, for the leak probe, that pages were probed
# and no stale byte was found.  Exit status 0 only if all hold.
set -u
TOOL=${NET_TOOL:-/guests/net-tool}
EVIL=/guests/evil-netback
SERVE_WAIT=240
IP=10.0.0.2
# Where each mode's logs go (the host tests use their own).
EVIL_DIR=${EVIL_DIR:-/tmp}
say() { echo "evil-net-drive: [$(cut -d' ' -f1 /proc/uptime)] $*"; }

# shellcheck source=evil-lib.sh
. "$(dirname "$0")/evil-lib.sh"

# backend N MODE DOMID SECONDS: evil-netback MODE for vif N, in the
# background, its log in $dir/backendN.log.
backend() {
	"$EVIL" "$2" "$3" "$1" "00:16:3e:00:05:0$1" "10.0.$1.1" "10.0.$1.2" "$4" \
		>"$dir/backend$1.log" 2>&1 &
	say "backend $2 started for domain $3 vif $1"
}

run() {
	mode=$1 console=$2 guest=$3
	dir=$EVIL_DIR/evil-net-$mode
	rm -rf "$dir"
	mkdir -p "$dir"
	d=$(wait_domain "$guest")
	[ -n "$d" ] || { say "FAIL: domain $guest never appeared"; say finished; return; }
	wait_serving "$console" "$guest" || return
	ping_loop "$IP"
	case $mode in badrsp) secs=60 ;; storm) secs=40 ;; *) secs=30 ;; esac
	backend 1 "$mode" "$d" "$secs"
	if [ "$mode" = badrsp ]; then
		wait_line "$console" 'vif1: address 10\.0\.1\.2' 120 || say "vif1 never got its address"
		backend 2 dupid "$d" 40
		wait_line "$console" 'vif2: address 10\.0\.2\.2' 120 || say "vif2 never got its address"
		backend 3 overrun "$d" 20
	fi
	for f in "$dir"/backend*.log; do
		wait_line "$f" '^evil-netback: (done|FAIL)' 150 || say "$(basename "$f") did not finish in 150 s"
	done
	finish "$guest" "$IP" "evilvif/$d"
}

# Lines pvk's console must have for MODE (the reason, naming the
# attacked vif), one extended regex per line.
reasons() {
	case $1 in
	badrsp)
		echo 'vif1: queue 0: rx response at [0-9]+ has id [0-9]+, expected [0-9]+'
		echo 'vif1: queue 0: rx response [0-9]+: offset 0 \+ size 5000 beyond the page'
		echo 'vif1: queue 0: rx response [0-9]+: offset 4000 \+ size 200 beyond the page'
		echo 'vif1: queue 0: rx response [0-9]+: unknown status -77'
		echo 'vif1: queue 0: tx response for id [0-9]+, which is not in flight .*; device disabled'
		echo 'vif2: queue 0: tx response for id [0-9]+, which is not in flight .*; device disabled'
		echo 'vif3: queue 0: rx rsp_prod [0-9]+ is 1000 past rsp_cons, .*; device disabled'
		;;
	keepmap)
		echo 'vif1: queue 0: backend keeps [0-9]+ granted pages mapped after answering \(at most [0-9]+ per device\); device disabled'
		;;
	storm)
		echo 'vif1: queue 0: backend storms event channel [0-9]+ with events that bring no work'
		;;
	esac
}

# Attacks each backend log of MODE must show delivered: "N NAME ...".
attacks() {
	case $1 in
	badrsp)
		echo 1 rx-unknown-id rx-duplicate-id rx-over-long rx-past-page rx-bad-status tx-unknown-id
		echo 2 tx-duplicate-id
		echo 3 overrun
		;;
	leak) ;;
	*) echo "1 $1" ;;
	esac
}

check() {
	mode=$1 log=$2 console=$3
	dir=$EVIL_DIR/evil-net-$mode
	fail=0
	i=0
	while ! grep -q '^evil-net-drive: .* finished' "$log" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le 600 ] || { echo "evil-net-drive: check: driver never finished"; fail=1; break; }
		sleep 0.5
	done
	cat "$log"
	for f in "$dir"/backend*.log; do
		[ -f "$f" ] && sed -n '1,60p' "$f"
	done
	bad() { echo "evil-net-drive: check: FAIL: $*"; fail=1; }
	grep -q 'evil-net-drive: .*answers: ok: .*after the attack' "$log" ||
		bad "pvk did not answer through vif0 after the attack"
	grep -Eq 'evil-net-drive: .*pings during the job: [1-9][0-9]* of' "$log" ||
		bad "pvk answered no ping through vif0 during the job"
	attacks "$mode" >"$dir/attacks"
	[ -s "$dir/attacks" ] || echo 1 >"$dir/attacks"
	while read -r n names; do
		f=$dir/backend$n.log
		grep -q '^evil-netback: connected' "$f" 2>/dev/null ||
			bad "vif$n never connected to its evil backend"
		grep -q '^evil-netback: done ' "$f" 2>/dev/null ||
			bad "the backend of vif$n did not finish"
		for a in $names; do
			grep -q "^evil-netback: attack $a: .*delivered" "$f" 2>/dev/null ||
				bad "attack $a not delivered on vif$n"
		done
	done <"$dir/attacks"
	done_line=$(grep '^evil-netback: done ' "$dir/backend1.log" 2>/dev/null)
	case $mode in
	leak)
		echo "$done_line" | grep -Eq ' replies=[1-9][0-9]+ .* pages=[1-9][0-9]+ stale=0 ' ||
			bad "leak probe: ${done_line:-no done line}"
		;;
	badrsp)
		grep -q '^evil-netback: 5 echo replies after the rx attacks' "$dir/backend1.log" ||
			bad "vif1 did not go on after the rx attacks"
		n=$(tr -d '\r' <"$console" | grep -Ec 'vif1: queue 0: rx response at [0-9]+ has id')
		[ "$n" -ge 2 ] || bad "$n lines for the unknown and duplicate rx ids, not 2"
		;;
	storm)
		grep -q '^evil-netback: 5 echo replies after the storm' "$dir/backend1.log" ||
			bad "vif1 did not go on after the storm"
		;;
	featchange)
		grep -q '^evil-netback: 5 echo replies after the feature change' "$dir/backend1.log" ||
			bad "vif1 did not go on after its features changed"
		tr -d '\r' <"$console" | grep -Eq 'vif1: .*device disabled' &&
			bad "vif1 was disabled after its features changed"
		;;
	esac
	reasons "$mode" | while read -r want; do
		tr -d '\r' <"$console" | grep -Eq "$want" || echo "$want"
	done >"$dir/missing"
	while read -r want; do
		bad "no '$want' in pvk's console"
	done <"$dir/missing"
	# Only the attacked vifs: the healthy one was neither stopped nor stormed.
	tr -d '\r' <"$console" | grep -Eq 'vif0: .*(device disabled|storms event channel)' &&
		bad "vif0, the healthy vif, was disabled or stormed"
	tr -d '\r' <"$console" | grep -q '^pvk: serving' || bad "pvk never served"
	tr -d '\r' <"$console" | grep -Eiq 'panic|BUG:|page fault' && bad "pvk's console shows a crash"
	[ "$fail" = 0 ] && echo "evil-net-drive: check: ok ($mode)"
	return "$fail"
}

case ${1:-} in
run) shift; run "$@" ;;
check) shift; check "$@" ;;
*) echo "usage: evil-net-drive.sh run MODE CONSOLE_LOG GUEST | check MODE DRIVE_LOG CONSOLE_LOG" >&2; exit 2 ;;
esac
