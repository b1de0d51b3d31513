#!/bin/sh
# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# dom0's side of the domU comparison (jobs/bench-linux.*, jobs/bench-pvk.*),
# started in the background by the job's .pre as /guests/bench-flood.sh:
#
#   bench-flood.sh linux|pvk CONSOLE_LOG IP
#
# Waits for the guest's "ready" line on its console (Linux's domU-init
# test "bench": "DOMU: bench-net-ready"; pvk: "netfront-serve: ready"),
# then floods it with ICMP echo for 5 s, one request in flight at a time
# like ping -f (net-tool flood: busybox ping has no -f and the host has no
# ping to copy), prints "bench-flood: op=pingflood rtps=N ...", and tells
# the guest it is done (Linux: a TCP connect to port 7001; pvk: "done" on
# its control port, with pvk's bench counters around the flood).  The
# last line is "bench-flood: finished".
set -u
# shellcheck source=bench-guest.sh
. /guests/bench-guest.sh
KIND=$1
CONSOLE_LOG=$2
IP=$3
ready=$(guest_ready_line "$KIND") || { echo "bench-flood: unknown guest kind $KIND"; exit 2; }
i=0
until grep -q "$ready" "$CONSOLE_LOG" 2>/dev/null; do
	i=$((i + 1))
	if [ "$i" -gt 1200 ]; then
		echo "bench-flood: the guest never became ready"
		echo "bench-flood: finished"
		exit 1
	fi
	sleep 0.5
done
# A short warm-up, so that ARP and the first slow round trips are not counted.
tool flood "$IP" 1 >/dev/null
[ "$KIND" = pvk ] && tool ctl "$IP" 7001 bench-start ping-flood >/dev/null
flood=$(tool flood "$IP" 5)
echo "$flood"
[ "$KIND" = pvk ] && tool ctl "$IP" 7001 bench-stop
rate=$(echo "$flood" | sed -n 's/.*rate=\([0-9.]*\).*/\1/p')
# No rate is no figure ("-"), never a rate of 0.
echo "bench-flood: op=pingflood rtps=${rate:--}"
tell_guest_done "$KIND" "$IP" bench-flood
echo "bench-flood: finished"
