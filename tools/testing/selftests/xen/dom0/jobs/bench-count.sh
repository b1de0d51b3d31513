#!/bin/sh
# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# dom0's counters around each measured window of a bench guest
# (jobs/bench-linux.*, jobs/bench-pvk.*), started in the background by
# the job's .pre as /guests/bench-count.sh:
#
#   bench-count.sh linux|pvk CONSOLE_LOG RUN timed|trace [pv|pvh|hvm]
#
# Waits for the guest's vbd (blkback's vbd-DOMID-51712), prints what the
# frontend and blkback agreed in xenstore once the frontend is connected
# ("bench-features:"), then follows the guest's console: between each
# "bench-window: begin op=OP engine=E" and "... end ..." line (the guest
# pauses 1 s after each, so the disk is idle when dom0 samples) it counts
# blkback's requests and sectors (sysfs statistics) and dom0's
# blkif-backend interrupts, i.e. the guest's notifications
# ("bench-count:" lines).  The same for both guests, so requests,
# sectors and notifications per request compare them without a clock.
# With "trace", xentrace (GEN|SCHED|PV) runs over each window too, and
# xenalyze's summary of it is printed as "bench-xenalyze:" lines (the
# hypercalls of each domain; for PVH and HVM guests with Xen's HVM class
# too, where a hypercall is a VMMCALL exit).  Ends with "bench-count: finished" when
# the vbd is gone.
set -u
KIND=$1
LOG=$2
RUN=$3
PASS=$4
VIRT=${5:-pv}
TAG="guest=$KIND run=$RUN pass=$PASS virt=$VIRT"
DEV=51712
# shellcheck source=bench-guest.sh
. /guests/bench-guest.sh
trace_kind "$VIRT"

finish() {
	echo "bench-count: finished $TAG"
	exit "$1"
}

i=0
vbd=""
while [ -z "$vbd" ]; do
	for d in /sys/bus/xen-backend/devices/vbd-*-"$DEV"; do
		[ -d "$d" ] && vbd=$d && break
	done
	i=$((i + 1))
	if [ -z "$vbd" ] && [ "$i" -gt 1200 ]; then
		echo "bench-count: FAIL: no vbd appeared $TAG"
		finish 1
	fi
	[ -n "$vbd" ] || sleep 0.5
done
domid=${vbd##*/vbd-}
domid=${domid%-"$DEV"}
fe=/local/domain/$domid/device/vbd/$DEV
be=/local/domain/0/backend/vbd/$domid/$DEV

xs() { v=$(timeout 10 xenstore-read "$1" 2>/dev/null) && echo "$v" || echo -; }

# Frontend and backend both Connected (4): everything is negotiated.
i=0
until [ "$(xs "$fe/state")" = 4 ] && [ "$(xs "$be/state")" = 4 ]; do
	i=$((i + 1))
	[ "$i" -lt 600 ] || { echo "bench-count: FAIL: vbd never connected $TAG"; finish 1; }
	sleep 0.5
done
echo "bench-features: $TAG domid=$domid" \
	"fe-ring-page-order=$(xs "$fe/ring-page-order")" \
	"fe-multi-queue-num-queues=$(xs "$fe/multi-queue-num-queues")" \
	"fe-feature-persistent=$(xs "$fe/feature-persistent")" \
	"be-max-ring-page-order=$(xs "$be/max-ring-page-order")" \
	"be-multi-queue-max-queues=$(xs "$be/multi-queue-max-queues")" \
	"be-feature-max-indirect-segments=$(xs "$be/feature-max-indirect-segments")" \
	"be-feature-persistent=$(xs "$be/feature-persistent")"

# "requests sectors notifications" now.  Only shell builtins but one awk,
# which is retried: dom0 programs now and then die under TCG.
snap() {
	s=$vbd/statistics
	r=0
	for f in rd_req wr_req f_req ds_req; do
		read -r v <"$s/$f" || return 1
		r=$((r + v))
	done
	read -r rs <"$s/rd_sect" && read -r ws <"$s/wr_sect" || return 1
	for _ in 1 2 3; do
		n=$(awk '/blkif-backend/ {
			for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i
		} END { print "ok", n + 0 }' /proc/interrupts)
		case "$n" in "ok "[0-9]*) break ;; esac
	done
	case "$n" in "ok "[0-9]*) ;; *) return 1 ;; esac
	echo "$r $((rs + ws)) ${n#ok }"
}

# The console log, read as it grows by the shell alone (the guest pauses
# 1 s after each window line; no program per poll), and whole lines
# only: an HVM guest's serial port reaches its file a few bytes at a
# time, and a window line read before its end lost its engine=.  `read`
# fails on a line that has no newline yet; that part waits in $partial.
until [ -f "$LOG" ] || [ ! -d "$vbd" ]; do
	sleep 0.25
done
[ -f "$LOG" ] || finish 1
exec 3<"$LOG"
cr=$(printf '\r')
partial=""
while :; do
	line=""
	while IFS= read -r l <&3 || { partial=$partial$l; false; }; do
		l=$partial$l
		partial=""
		case "$l" in "bench-window: "*)
			line=${l%%"$cr"*}
			break
			;;
		esac
	done
	if [ -z "$line" ]; then
		[ -d "$vbd" ] || break
		sleep 0.25
		continue
	fi
	op=${line#* op=}
	op=${op%% *}
	engine=${line#* engine=}
	engine=${engine%% *}
	case "$line" in
	*" begin "*)
		[ "$PASS" = trace ] && trace_start /tmp/bench.trace
		begin=$(snap) || begin=""
		;;
	*" end "*)
		end=$(snap) || end=""
		trace_stop
		if [ -z "$begin" ] || [ -z "$end" ]; then
			echo "bench-count: FAIL: no statistics for $op $engine $TAG"
			continue
		fi
		# shellcheck disable=SC2086 # two lists of three numbers
		set -- $begin $end
		echo "bench-count: $TAG engine=$engine op=$op requests=$(($4 - $1))" \
			"sectors=$(($5 - $2)) notifications=$(($6 - $3))"
		[ "$PASS" = trace ] && trace_summary /tmp/bench.trace \
			"bench-xenalyze: $TAG engine=$engine op=$op | " \
			"bench-count: FAIL: xenalyze failed for $op $engine $TAG"
		begin=""
		;;
	esac
done
finish 0
