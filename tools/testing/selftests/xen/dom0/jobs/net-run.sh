#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Run the netfront dom0 jobs (jobs/net-*.cfg) with pvk as a PV domU:
#
#   tools/testing/selftests/xen/dom0/jobs/net-run.sh [JOB.cfg...]
#
# Builds net-tool (static, host gcc), puts pvk (PVK=..., default
# build/pvk), net-tool and net-drive.sh into a dom0 image of its own
# (OUT=..., default build/net/) together with the jobs, boots it with
# run.sh and requires every job to end with result=verdict post=ok.
# Needs fetch.sh to have run once.  Takes a few minutes under TCG.
set -eu
set -o pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
DOM0=$(dirname "$DIR")
SRC=$(cd "$DOM0/../../../../.." && pwd)
OUT=${OUT:-$SRC/build/net}
PVK=${PVK:-$SRC/build/pvk}

[ -f "$PVK" ] || { echo "net-run.sh: $PVK missing: run make first" >&2; exit 1; }
mkdir -p "$OUT"
gcc -static -O2 -Wall -Wextra -o "$OUT/net-tool" "$DIR/net-tool.c"

JOBS=("$@")
[ ${#JOBS[@]} -gt 0 ] || JOBS=("$DIR"/net-*.cfg)
args=(--guest "pvk=$PVK" --guest "net-tool=$OUT/net-tool"
	--guest "net-drive.sh=$DIR/net-drive.sh" --output "$OUT/dom0-net.cpio.gz")
expect=()
for j in "${JOBS[@]}"; do
	args+=(--job "$j")
	expect+=(--expect "===== job $(basename "$j" .cfg) end: .* result=verdict post=ok")
done
"$DOM0/build.sh" "${args[@]}"
"$DOM0/run.sh" --initrd "$OUT/dom0-net.cpio.gz" --log "$OUT/serial.log" \
	--timeout "${TIMEOUT:-2400}" "${expect[@]}"
