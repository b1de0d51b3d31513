#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Boot Xen with the Linux PV dom0 that build.sh made, under QEMU/TCG, and
# wait for dom0-init to finish its jobs:
#
#   tools/testing/selftests/xen/dom0/run.sh [options]
#
#   --log FILE         serial log (default build/cache/dom0/serial.log)
#   --initrd FILE      dom0 initramfs (default build/cache/dom0/dom0.cpio.gz)
#   --timeout SECONDS  give up after this long (default 600)
#   --expect REGEX     also require a line matching REGEX (grep -E) in the
#                      log; repeatable
#   --xen-args ARGS    appended to Xen's command line
#   --dom0-args ARGS   appended to dom0 Linux's command line
#   --cpu MODEL        QEMU's -cpu (default Cascadelake-Server-v4,-smap;
#                      jobs with PVH or HVM guests need an AMD model,
#                      see below); DOM0_QEMU_CPU in the environment, for
#                      experiments, wins over both
#
# QEMU's serial port (Xen's com1, which also carries dom0's hvc0) goes to
# the log.  Once "===== dom0 jobs done =====" is in it, QEMU gets a few
# seconds to exit by itself (dom0 reboots, -no-reboot turns that into an
# exit) and is then stopped; so is it at the timeout.  Exits 0 when the
# marker and every --expect line were seen, 1 otherwise, printing the end
# of the log on failure.  KVM cannot run this Xen here, hence TCG.
set -eu
set -o pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	sed -n '4,/^set -eu/{/^set/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
}

DONE_MARKER='===== dom0 jobs done ====='
LOG=$CACHE/serial.log
INITRD=$CACHE/dom0.cpio.gz
TIMEOUT=600
EXPECT=()
XEN_ARGS=""
DOM0_ARGS=""
CPU="Cascadelake-Server-v4,-smap"
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case "$1" in
	--log) LOG=$2 ;;
	--initrd) INITRD=$2 ;;
	--timeout) TIMEOUT=$2 ;;
	--expect) EXPECT+=("$2") ;;
	--xen-args) XEN_ARGS=$2 ;;
	--dom0-args) DOM0_ARGS=$2 ;;
	--cpu) CPU=$2 ;;
	*) usage ;;
	esac
	shift 2
done

XEN=$CACHE/xen-4.17
KERNEL=$CACHE/vmlinuz
for f in "$XEN" "$KERNEL" "$INITRD"; do
	[ -s "$f" ] || die "$f missing: run fetch.sh and build.sh first"
done
case "$INITRD$KERNEL" in
*,*) die "QEMU splits -initrd at commas: no commas in $KERNEL or $INITRD" ;;
esac
mkdir -p "$(dirname "$LOG")"
: >"$LOG"

# -nic none: dom0 needs no NIC (guests talk over xenbr0 inside the VM).
# An Intel model by default: with AMD ones (EPYC, max) dom0's programs
# fault now and then under TCG (README.md, "Traps"), and a PV guest needs
# no hardware virtualisation.  PVH and HVM guests do, and TCG emulates
# only AMD's (SVM with nested paging: Debian's Xen has no shadow paging),
# so their jobs run in a boot of their own with --cpu EPYC,...  -smap as
# measured (with AMD models a PV dom0 crashed without it); the model has
# no MONITOR, so Xen's MWAIT idle (a #GP under TCG) is not used.
qemu-system-x86_64 -accel tcg -cpu "${DOM0_QEMU_CPU:-$CPU}" \
	-m 3072 -smp 2 -display none -monitor none -nic none -no-reboot \
	-serial "file:$LOG" \
	-kernel "$XEN" \
	-append "console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M dom0_max_vcpus=2 loglvl=all guest_loglvl=all $XEN_ARGS" \
	-initrd "$KERNEL console=hvc0 earlyprintk=xen loglevel=6 $DOM0_ARGS,$INITRD" \
	</dev/null >"$LOG.qemu" 2>&1 &
QEMU=$!
# Never leave QEMU behind, whatever ends this script.
trap 'kill "$QEMU" 2>/dev/null || true' EXIT

start=$SECONDS
seen=0
while kill -0 "$QEMU" 2>/dev/null; do
	if grep -aqF "$DONE_MARKER" "$LOG"; then
		seen=1
		break
	fi
	if [ $((SECONDS - start)) -ge "$TIMEOUT" ]; then
		log "timeout after ${TIMEOUT}s"
		break
	fi
	sleep 0.5
done
# After the marker dom0 reboots: give QEMU 10 s to exit on its own.
if [ "$seen" = 1 ]; then
	for _ in $(seq 20); do
		kill -0 "$QEMU" 2>/dev/null || break
		sleep 0.5
	done
fi
kill "$QEMU" 2>/dev/null || true
wait "$QEMU" 2>/dev/null || true
trap - EXIT
# QEMU may have exited before the last poll saw the marker.
grep -aqF "$DONE_MARKER" "$LOG" && seen=1
elapsed=$((SECONDS - start))

ok=$seen
if [ "$seen" = 0 ]; then
	log "no '$DONE_MARKER' in $LOG"
fi
for re in ${EXPECT[@]+"${EXPECT[@]}"}; do
	if ! grep -aqE -- "$re" "$LOG"; then
		log "expected line not found: $re"
		ok=0
	fi
done
grep -aE '^===== job .* end: ' "$LOG" | tr -d '\r' || true
if [ "$ok" = 1 ]; then
	log "ok in ${elapsed}s ($LOG)"
	exit 0
fi
cat "$LOG.qemu" >&2
echo "----- last 60 lines of $LOG" >&2
tail -n 60 "$LOG" | tr -d '\r' >&2
log "FAILED after ${elapsed}s ($LOG)"
exit 1
