# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# A live migration of a guest to this same dom0, for the jobs that move
# one (life-drive.sh's migrate step, bench-life.sh's migrate window);
# sourced from /guests, with life-ssh.sh there as xl's ssh.

# `xl migrate` of guest $1 to localhost, at most $3 seconds; xl's output
# in file $2.  Returns xl's status (124: killed at the deadline).
migrate_localhost() {	# GUEST OUT SECONDS
	timeout "$3" xl migrate -s "sh /guests/life-ssh.sh" "$1" localhost \
		>"$2" 2>&1
}

# xenconsoled names a guest's log after the domain's name when it first
# sees the domain, and a migration's new domain is "GUEST--incoming"
# until xl renames it at the end: what the guest printed on resuming
# went to that log.  Make xenconsoled open its logs again under the
# names the domains have now (its SIGHUP), then add the incoming log to
# CONSOLE.  One line on what it did.
console_after_migrate() {	# CONSOLE
	if ! kill -HUP "$(cat /run/xenconsoled.pid)" 2>/dev/null; then
		echo "console: FAIL: xenconsoled not told to reopen its logs"
		return 1
	fi
	sleep 1
	if [ -f "${1%.log}--incoming.log" ]; then
		cat "${1%.log}--incoming.log" >>"$1"
		echo "console: the incoming domain's log added"
	else
		echo "console: no incoming domain's log"
	fi
}
