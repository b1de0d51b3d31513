#!/bin/sh
# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# dom0's traffic against pvk's netfront, started in the background by a
# net-*.pre job script (as /guests/net-drive.sh, with /guests/net-tool):
#
#   net-drive.sh CONSOLE_LOG PVK_IP [GUEST]
#
# Waits for pvk's "netfront-serve: ready" line on the guest console.  With
# GUEST (the domain's name) it first adds three vifs pvk must refuse,
# written straight into xenstore, each in one transaction so pvk sees it
# whole, with a fake backend directory under the guest's data/ (where
# dom0's netback, which watches backend/vif, does not see it):
#   vif5: backend multi-queue-max-queues 0
#   vif6: mac "zz:16:3e:00:00:36"
#   vif7: no mac node
# waits for pvk's three refusal lines and removes the vifs again.  Then it
# drives, in order: 20 pings, pings of the largest size, UDP echo of 64
# sizes (0..1472), a UDP stream each way with loss counted, an ICMP
# ping-pong flood with pvk's benchmark counters around it, and finally
# "done" on pvk's control port, which ends pvk's serve mode.  Each step
# prints one summary line (see net-tool.c); the job's .post checks them.
# The last line is "net-drive: finished".
#
#   net-drive.sh check DRIVE_LOG CONSOLE_LOG [REGEX...]
#
# is the .post side: waits for the driver to finish, prints its log and
# checks it, pvk's verdict and every extra REGEX against the console.
# Exit status 0 only if everything was seen; the failures are printed.
set -u
TOOL=/guests/net-tool
CTL=7001
SINK=7002
ECHO=7

say() { echo "net-drive: [$(cut -d' ' -f1 /proc/uptime)] $*"; }

# "key=value" of summary line $1 (a whole line), or 0.
field() { echo "$1" | sed -n "s/.* $2=\([0-9]*\).*/\1/p" | head -n 1; }

check() {
	drive=$1
	console=$2
	shift 2
	fail=0
	i=0
	until grep -q "net-drive: .* finished" "$drive" 2>/dev/null || [ "$i" -ge 120 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	echo "----- dom0 traffic driver"
	cat "$drive"
	echo "-----"
	want() {
		grep -Eq "$1" "$2"
		rc=$?
		# 1 is "not there"; a crashed grep (see tool()) gets a second go.
		[ "$rc" -le 1 ] || { grep -Eq "$1" "$2"; rc=$?; }
		if [ "$rc" != 0 ]; then
			echo "net check: FAIL: no /$1/ in $3"
			fail=1
		fi
	}
	want '20 packets transmitted, 20 packets received' "$drive" "dom0's ping -c 20"
	want 'big-5 packets transmitted, 5 packets received' "$drive" "dom0's ping -s 1472"
	want '^udp-echo: sizes=64 ok=64 ' "$drive" "dom0's UDP echo"
	for dir in dom0-to-pvk pvk-to-dom0; do
		line=$(grep "^udp-stream: dir=$dir " "$drive" | head -n 1)
		got=$(field "$line" got)
		count=$(field "$line" count)
		if [ -z "$got" ] || [ -z "$count" ] || [ "$got" -lt $((count / 2)) ]; then
			echo "net check: FAIL: stream $dir: '$line'"
			fail=1
		fi
	done
	want '^ping-flood: round_trips=[1-9]' "$drive" "dom0's ping flood"
	want '^pvk-netbench: op=ping-flood ' "$drive" "pvk's bench reply"
	want '^pvk-netbench: op=udp-echo ' "$drive" "pvk's bench reply"
	want 'done: ok bye' "$drive" "pvk's answer to done"
	want 'pvk: selftest result: PASS' "$console" "pvk's console"
	want 'netfront: vif0: backend .* rx-copy' "$console" "pvk's console"
	want 'netfront-serve: done after' "$console" "pvk's console"
	if dmesg | grep -q segfault; then
		echo "net check: note: dom0 processes crashed during the job:"
		dmesg | grep -A1 segfault | tail -n 8
	fi
	for re in "$@"; do
		want "$re" "$console" "pvk's console"
	done
	[ "$fail" = 0 ] && echo "net check: ok"
	return "$fail"
}

if [ "${1:-}" = check ]; then
	shift
	check "$@"
	exit $?
fi
# Domain id of the guest named $1, from xenstore (xl is slow under TCG);
# a few tries, as any dom0 program may die at start (see tool()).
domid_of() {
	for _ in 1 2 3 4 5; do
		for x in $(xenstore-list /local/domain 2>/dev/null); do
			if [ "$(xenstore-read "/local/domain/$x/name" 2>/dev/null)" = "$1" ]; then
				echo "$x"
				return 0
			fi
		done
		sleep 0.5
	done
	return 1
}

# vif $2 of domain $1 with a fake backend in InitWait: mac $3 ("" for
# none), the backend's multi-queue-max-queues $4.  One xenstore-write is
# one transaction; writing the device directory itself, as libxl's mkdir
# does, fires the watch event pvk's xenbus rescans on.
fake_vif() {
	be=/local/domain/$1/data/pvk-fake-vif/$2
	fe=/local/domain/$1/device/vif/$2
	set -- "$be/frontend" "$fe" "$be/frontend-id" "$1" "$be/state" 2 \
		"$be/feature-rx-copy" 1 "$be/multi-queue-max-queues" "$4" \
		"$fe" "" "$fe/backend" "$be" "$fe/backend-id" 0 \
		"$fe/handle" "$2" "$fe/state" 1 ${3:+"$fe/mac"} ${3:+"$3"}
	xenstore-write "$@"
}

spoil() {
	d=$(domid_of "$1") || { say "spoil: no domain $1"; return 1; }
	fake_vif "$d" 5 00:16:3e:00:00:35 0
	fake_vif "$d" 6 zz:16:3e:00:00:36 1
	fake_vif "$d" 7 "" 1
	say "spoil: domain $d: vif5 (max-queues 0), vif6 (bad mac), vif7 (no mac) added"
	i=0
	re='netfront: (vif[0-9]+|device/vif/[0-9]+): refusing the device'
	until [ "$(grep -Ec "$re" "$CONSOLE_LOG")" -ge 3 ] || [ "$i" -ge 120 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	grep -E "$re" "$CONSOLE_LOG" | sed 's/^/spoil: pvk: /'
	for n in 5 6 7; do
		xenstore-rm "/local/domain/$d/device/vif/$n"
	done
	xenstore-rm "/local/domain/$d/data/pvk-fake-vif"
	say "spoil: removed again"
}

CONSOLE_LOG=$1
IP=$2
GUEST=${3:-}

say "waiting for pvk's serve mode on $CONSOLE_LOG"
i=0
until grep -q "netfront-serve: ready" "$CONSOLE_LOG" 2>/dev/null; do
	i=$((i + 1))
	if [ "$i" -gt 1200 ]; then
		say "pvk never became ready"
		say "finished"
		exit 1
	fi
	sleep 0.5
done
say "pvk is serving"
[ -z "$GUEST" ] || spoil "$GUEST"
# net-tool MODE ARGS...: once more if it was killed by a signal.  Under
# TCG a dom0 process now and then dies of a segfault that is not its
# own (see dom0/README.md); the retry is logged, and the check prints
# dom0's segfault lines.
tool() {
	timeout 300 $TOOL "$@"
	rc=$?
	if [ "$rc" -ge 128 ] && [ "$rc" != 143 ]; then
		say "net-tool $1 died with status $rc; running it once more"
		timeout 300 $TOOL "$@"
		rc=$?
	fi
	return "$rc"
}

say "hello: $(tool ctl "$IP" $CTL hello)"

# busybox ping, again (twice at most) if it printed no summary because
# it, or the tail after it, died (as above).  Its summary lines go to
# stdout prefixed with $1.  Called outside any pipeline, so that only
# the forked commands can die, never the shell running this loop.
pings() {
	prefix=$1
	shift
	for try in 1 2 3; do
		timeout 120 ping -i 0.2 "$@" >/tmp/net-drive.ping 2>&1
		out=$(tail -n 2 /tmp/net-drive.ping)
		case "$out" in
		*"packets received"*) break ;;
		esac
		[ "$try" = 3 ] || say "ping gave no summary; running it once more"
	done
	echo "$out" | sed "s/^/$prefix/"
}

say "ping -c 20 $IP"
pings "" -c 20 "$IP"
say "ping -c 5 -s 1472 $IP (largest frames)"
pings big- -c 5 -s 1472 "$IP"

tool udp-echo "$IP" $ECHO 64
tool sink "$IP" $CTL $SINK 2000 512 0
tool stream "$IP" $CTL 2000 512

say "bench: ping flood"
tool ctl "$IP" $CTL bench-start ping-flood >/dev/null
flood=$(tool flood "$IP" 5)
echo "$flood"
tool ctl "$IP" $CTL bench-stop
rate=$(echo "$flood" | sed -n 's/.*rate=\([0-9.]*\).*/\1/p')
echo "dom0-netbench: op=ping-flood round_trips_per_s=${rate:-0}"

say "bench: udp echo"
tool ctl "$IP" $CTL bench-start udp-echo >/dev/null
tool udp-echo "$IP" $ECHO 200 | sed 's/^udp-echo:/bench-udp-echo:/'
tool ctl "$IP" $CTL bench-stop

tool ctl "$IP" $CTL stats >/dev/null
say "done: $(tool ctl "$IP" $CTL "done")"
say "finished"
