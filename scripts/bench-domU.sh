#!/bin/bash
# SPDX-License-Identifier: MIT
#
# pvk against Debian's Linux as domUs of the same real Linux dom0, in
# one dom0 boot, shaped alike (jobs/bench-linux.cfg, jobs/bench-pvk.cfg:
# 512 MiB, 2 vCPUs, /disk.img as xvda, a vif on xenbr0; Linux's blkfront
# limited to pvk's ring order and indirect segments):
#
#   scripts/bench-domU.sh [--timeout SECONDS] [--runs N] [--virt LIST]
#
# --virt names the kinds of guest, comma-separated: pv (the default),
# pvh, hvm.  PV runs on dom0's usual Intel CPU model; PVH and HVM need
# SVM with nested paging (an AMD model), so give them together, in a
# boot of their own (scripts/bench.sh runs "pv" then "pvh,hvm").  As
# PVH both load their ELF through its PVH note; as HVM both boot
# through hvmloader and SeaBIOS, pvk from a GRUB ISO on an emulated
# CD-ROM (its command line in grub.cfg), Linux by the device model's
# direct kernel boot, both with an emulated e1000 NIC and IDE disk that
# their PV drivers unplug, and their console on the emulated serial port.
#
# Builds a dom0 image with both guests and numbered copies of the jobs
# bench-linux and bench-pvk, per kind, run interleaved: Linux, pvk,
# Linux, pvk, ... N times each (default 3, or BENCH_RUNS), then one more
# of each in an untimed pass that dom0 traces with xentrace (Xen booted
# with tbuf_size=) to count each domain's hypercalls, and one more in a
# "life" pass: creation to ready, 10 s idle and a ping flood, each
# traced the same way (jobs/bench-life.sh), and as PV pvk once more at
# 256 MiB, for its creation-to-ready cost per MiB.  As PV, both guests'
# life jobs at the shared size also go through the toolstack's
# lifecycle ("# bench-lifecycle: yes"): ballooned down and up by
# `xl mem-set` (traced), then `xl save -c`, `xl save` and `xl restore`;
# as PVH and HVM, they are migrated live to the same dom0 instead
# ("# bench-migrate: yes"), pinged every 10 ms for the downtime.  Every block op
# runs 1 s of warm-up then 5 s over the same 48 MiB of the disk on both
# sides; dom0 counts blkback's requests and sectors and the guest's
# notifications around it (jobs/bench-count.sh).  Linux runs fio with
# libaio and with io_uring (SQ polling, registered buffers), and again
# on null_blk as a calibration without blkfront.
#
# Then the "user" pass: N more runs of each, interleaved, of the same
# static lmbench binary (tools/testing/selftests/user/lmbench.c: null
# syscall, pipe round trip, page fault, mmap, fork, the two-thread
# munmap) as jobs bench-user-linux (its domU initramfs plus lmbench,
# scripts/bench-user-initrd.sh) and bench-user-pvk (init=/bin/lmbench,
# build/initramfs.cpio as PV or PVH ramdisk, or in the HVM ISO).
#
# scripts/bench-report.py --domu-log --virt KIND then writes from the
# serial log build/bench/domU.txt (PV; domU-pvh.txt, domU-hvm.txt) with
# the median, spread and runs of each figure, the pvk/Linux ratios and
# what each side negotiated, the .json, .dat and the chart .png, and
# --user-log --virt KIND build/bench/user-KIND.{txt,json,dat,png} from
# the user pass.  BENCH_PASSES (default "timed trace life user") picks
# passes; only the reports of the passes run are written.  Needs
# build/pvk, build/initramfs.cpio (make) and dom0/fetch.sh run once.
# Exit status 0 only if every figure of both guests of every kind was
# found.
set -eu
set -o pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dom0=$root/tools/testing/selftests/xen/dom0
out=$root/build/bench
timeout=${TIMEOUT:-3600}
runs=${BENCH_RUNS:-3}
virts=pv
while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--virt) virts=$2; shift 2 ;;
	*) echo "bench-domU.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
case "$runs" in
[1-9] | [1-9][0-9]) ;;
*) echo "bench-domU.sh: --runs wants 1-99, not $runs" >&2; exit 2 ;;
esac
IFS=, read -r -a virt_list <<<"$virts"
for v in "${virt_list[@]}"; do
	case "$v" in
	pv | pvh | hvm) ;;
	*) echo "bench-domU.sh: --virt wants pv, pvh or hvm, not '$v'" >&2; exit 2 ;;
	esac
done
# PV guests on the Intel model, PVH and HVM on the AMD one: one boot
# cannot mix them (run.sh --cpu).
case ",$virts," in
*,pv,*) [ "${#virt_list[@]}" = 1 ] ||
	{ echo "bench-domU.sh: pv runs in a boot of its own (--virt pv)" >&2; exit 2; } ;;
esac
# Output names: the PV boot keeps the names it always had.
if [ "$virts" = pv ]; then
	suffix=""
	cpu_args=()
	xen_args=""
else
	suffix=-${virts//,/-}
	# As the runner's dom0stack-hvm group (run_tests.py DOM0_GROUP_CPU
	# and DOM0_GROUP_XEN_ARGS): dom0 has one vCPU, pinned to CPU 0, and
	# the guests run on CPU 1, so that dom0's programs do not crash
	# (dom0/README.md, "Traps").  Once so, before an interrupt landing
	# between sti and hlt was stepped over (traps.c), pvk's 2-vCPU PVH
	# guest did not end its randread4k window; not seen since.
	cpu_args=(--cpu "EPYC,-monitor,-smap,-rdtscp")
	xen_args=" dom0_max_vcpus=1 dom0_vcpus_pin"
fi
pvk=${PVK:-$root/build/pvk}
[ -f "$pvk" ] || { echo "bench-domU.sh: $pvk missing: run make first" >&2; exit 1; }
mkdir -p "$out"
gcc -static -O2 -Wall -Wextra -o "$out/net-tool" "$dom0/jobs/net-tool.c"

jobs=$out/jobs$suffix
rm -rf "$jobs"
mkdir -p "$jobs"
guest_args=()

# Rewrite PV config $1 (guest $2: linux or pvk) for kind $3 on stdout.
# Both kinds keep the memory, vCPUs, disk and vif; TSC reads are native,
# as on hosts with an invariant TSC (the runner's PVH/HVM rows do so).
virt_cfg() {
	local cfg=$1 kind=$2 virt=$3 name
	case "$virt" in
	pv)
		cat "$cfg"
		# BENCH_PV_TSC_MODE=native: rdtsc not emulated, to see which
		# of the emulated privileged instructions were TSC reads.
		[ -z "${BENCH_PV_TSC_MODE-}" ] || echo "tsc_mode = \"$BENCH_PV_TSC_MODE\""
		;;
	pvh)
		sed 's/^type = "pv"/type = "pvh"/' "$cfg"
		echo 'tsc_mode = "native"'
		;;
	hvm)
		name=$(sed -n 's/^name = "\([^"]*\)"/\1/p' "$cfg")
		if [ "$kind" = pvk ]; then
			# The ISO's grub.cfg holds the command line (hvm_iso below).
			sed -e '/^kernel = /d' -e '/^extra = /d' -e '/^ramdisk = /d' \
				-e "s|^disk = \[ \(.*\) \]|disk = [ \1, 'file:@ISO@,hdc:cdrom,r' ]|" "$cfg"
			# The user pass's guests have no disk but the ISO.
			grep -q '^disk = ' "$cfg" || echo "disk = [ 'file:@ISO@,hdc:cdrom,r' ]"
			echo 'boot = "d"'
		else
			# Direct kernel boot; the console on the serial port.
			sed -e 's/^extra = /cmdline = /' -e '/^cmdline = /s/console=hvc0/console=ttyS0/' "$cfg"
		fi | sed -e 's/^type = "pv"/type = "hvm"/' \
			-e "/^vif = /s/bridge=xenbr0,/bridge=xenbr0,model=e1000,/"
		echo 'tsc_mode = "native"'
		echo "serial = \"file:/var/log/xen/$name.serial\""
		printf '%s\n' 'vga = "none"' 'vnc = 0' 'nographic = 1'
		;;
	esac
}

# An HVM pvk job's config $1 names its ISO by @ISO@: make the ISO with
# the command line of the job's PV config $2 and put it in /guests.
# A PV config with a ramdisk (the user pass) gets build/initramfs.cpio
# as the ISO's module.
hvm_iso() {
	local cfg=$1 pvcfg=$2 cmdline tag iso initrd=""
	cmdline=$(sed -n 's/^extra = "\(.*\)"$/\1/p' "$pvcfg")
	grep -q '^ramdisk = ' "$pvcfg" && initrd=$root/build/initramfs.cpio
	tag=$(echo "$cmdline $initrd" | sha1sum | cut -c1-8)
	iso=pvk-bench-$tag.iso
	case " ${guest_args[*]-} " in
	*" $iso="*) ;;
	*)
		"$root/scripts/mkiso.sh" "$pvk" "$out/$iso" "$cmdline" ${initrd:+"$initrd"} >/dev/null
		guest_args+=(--guest "$iso=$out/$iso")
		;;
	esac
	sed -i "s|@ISO@|/guests/$iso|" "$cfg"
}

# Job KIND (linux, pvk) as run $2 of pass $3 (timed, trace, life) and
# guest kind $5, named so that dom0's name order interleaves them:
# bench-01a-linux, bench-01b-pvk, ..., bench-lia-linux, bench-lib-pvk,
# bench-tra-linux, bench-trb-pvk
# (with PVH and HVM: bench-01a-pvh-linux, bench-01b-pvh-pvk,
# bench-01c-hvm-linux, ...).
make_job() {
	local kind=$1 run=$2 pass=$3 order=$4 virt=$5 mem=${6:-} base label=""
	[ "$virt" = pv ] || label=-$virt
	[ -z "$mem" ] || label=$label-${mem}m
	if [ "$pass" = trace ]; then
		base=bench-tr$order$label-$kind
	elif [ "$pass" = life ]; then
		base=bench-li$order$label-$kind
	else
		base=$(printf 'bench-%02d%s%s-%s' "$run" "$order" "$label" "$kind")
	fi
	# The trace pass: the block jobs only (no ping flood, no null_blk).
	local extra='/^extra/s/$//'
	[ "$pass" = trace ] &&
		extra='/^extra/{s/,netfront_serve//;s/domu.test=bench/& domu.bench=trace/}'
	# The life pass: straight to serving the vif (jobs/bench-life.sh).
	[ "$pass" = life ] &&
		extra='/^extra/{s/xen_blkfront_bench,//;s/domu.test=bench/& domu.bench=life/}'
	# The lifecycle takes minutes more (saves of 384 MiB under TCG), and
	# so does the migration of PVH and HVM guests (PV cannot migrate).
	local lifecycle="" marker=""
	if [ "$pass" = life ] && [ -z "$mem" ]; then
		lifecycle='s/^# dom0-timeout: .*/# dom0-timeout: 1500/'
		marker="# bench-lifecycle: yes"
		[ "$virt" = pv ] || marker="# bench-migrate: yes"
	fi
	{
		echo "# bench-run: $run"
		echo "# bench-pass: $pass"
		echo "# bench-virt: $virt"
		[ -z "$marker" ] || echo "$marker"
		sed -e "s/^name = \"\([^\"]*\)\"/name = \"\1$label-$run\"/" -e "$extra" \
			-e "${mem:+s/^memory = .*/memory = $mem/}" -e "${lifecycle:-s/^//}" \
			"$dom0/jobs/bench-$kind.cfg"
	} >"$jobs/$base.pv"
	virt_cfg "$jobs/$base.pv" "$kind" "$virt" >"$jobs/$base.cfg"
	[ "$virt" = hvm ] && [ "$kind" = pvk ] && hvm_iso "$jobs/$base.cfg" "$jobs/$base.pv"
	rm "$jobs/$base.pv"
	cp "$dom0/jobs/bench-$kind.pre" "$jobs/$base.pre"
	cp "$dom0/jobs/bench-$kind.post" "$jobs/$base.post"
	job_args+=(--job "$jobs/$base.cfg")
}
# User-pass job KIND (linux, pvk) as run $2 of guest kind $4, named
# bench-u01a-pvh-linux, bench-u01b-pvh-pvk, ... (after every other pass).
make_user_job() {
	local kind=$1 run=$2 order=$3 virt=$4 base label=""
	[ "$virt" = pv ] || label=-$virt
	base=$(printf 'bench-u%02d%s%s-%s' "$run" "$order" "$label" "$kind")
	{
		echo "# bench-guest: $kind"
		echo "# bench-run: $run"
		echo "# bench-pass: user"
		echo "# bench-virt: $virt"
		sed -e "s/^name = \"\([^\"]*\)\"/name = \"\1$label-$run\"/" \
			"$dom0/jobs/bench-user-$kind.cfg"
	} >"$jobs/$base.pv"
	virt_cfg "$jobs/$base.pv" "$kind" "$virt" >"$jobs/$base.cfg"
	[ "$virt" = hvm ] && [ "$kind" = pvk ] && hvm_iso "$jobs/$base.cfg" "$jobs/$base.pv"
	rm "$jobs/$base.pv"
	cp "$dom0/jobs/bench-user.post" "$jobs/$base.post"
	job_args+=(--job "$jobs/$base.cfg")
}
job_args=()
orders=(a b c d)
life_small_mib=256
# BENCH_PASSES picks passes, e.g. "life" alone while working on what an
# idle guest costs (the report then says what is missing, and fails).
# BENCH_GUESTS picks the guests' jobs, e.g. "linux" alone while working
# on one side (the report then says what is missing, and fails): linux,
# pvk, and pvk-small (the life pass's second size of pvk).
guests=" ${BENCH_GUESTS:-linux pvk pvk-small} "
want() {
	case "$guests" in *" $1 "*) return 0 ;; esac
	return 1
}
for g in $guests; do
	case "$g" in
	linux | pvk | pvk-small) ;;
	*) echo "bench-domU.sh: BENCH_GUESTS wants linux, pvk, pvk-small, not '$g'" >&2; exit 2 ;;
	esac
done
passes=()
user=0
block=0
for p in ${BENCH_PASSES:-timed trace life user}; do
	case "$p" in
	timed) mapfile -t -O "${#passes[@]}" passes < <(seq "$runs") ;;
	trace | life) passes+=("$p") ;;
	user) user=1 ;;
	*) echo "bench-domU.sh: BENCH_PASSES wants timed, trace, life, user, not '$p'" >&2; exit 2 ;;
	esac
done
[ "${#passes[@]}" = 0 ] || block=1
for run in "${passes[@]}"; do
	n=0
	for virt in "${virt_list[@]}"; do
		pass=timed r=$run
		[ "$run" = trace ] && pass=trace r=$((runs + 1))
		[ "$run" = life ] && pass=life r=$((runs + 2))
		want linux && make_job linux "$r" "$pass" "${orders[n]}" "$virt"
		want pvk && make_job pvk "$r" "$pass" "${orders[n + 1]}" "$virt"
		# pvk's creation to ready once more at the smaller size the
		# boot target is set for (issue #15), as run N+3: the growth
		# per MiB is the difference (bench-report.py LIFE_SMALL_MIB).
		want pvk-small && [ "$pass" = life ] && [ "$virt" = pv ] &&
			make_job pvk "$((r + 1))" life "${orders[n + 1]}" pv "$life_small_mib"
		n=$((n + 2))
	done
done
if [ "$user" = 1 ]; then
	for run in $(seq "$runs"); do
		n=0
		for virt in "${virt_list[@]}"; do
			make_user_job linux "$run" "${orders[n]}" "$virt"
			make_user_job pvk "$run" "${orders[n + 1]}" "$virt"
			n=$((n + 2))
		done
	done
	# Its initramfs plus lmbench: on the last build's domU initramfs
	# (only its busybox and modules count; /init is replaced), else
	# the cache's.
	base=$out/linux-domU.cpio.gz
	[ -f "$base" ] || base=$root/build/cache/dom0/domU.cpio.gz
	"$root/scripts/bench-user-initrd.sh" "$base" "$out/linux-user.cpio.gz"
	[ -f "$root/build/initramfs.cpio" ] ||
		{ echo "bench-domU.sh: build/initramfs.cpio missing: run make first" >&2; exit 1; }
	guest_args+=(--guest "linux-user.cpio.gz=$out/linux-user.cpio.gz"
		--guest "initramfs.cpio=$root/build/initramfs.cpio")
fi

log=$out/domU$suffix-serial.log
"$dom0/build.sh" --linux-guest --domU-output "$out/linux-domU.cpio.gz" \
	--xentrace --guest "pvk=$pvk" --guest "net-tool=$out/net-tool" \
	--guest "bench-flood.sh=$dom0/jobs/bench-flood.sh" \
	--guest "bench-count.sh=$dom0/jobs/bench-count.sh" \
	--guest "bench-life.sh=$dom0/jobs/bench-life.sh" \
	--guest "bench-guest.sh=$dom0/jobs/bench-guest.sh" \
	--guest "migrate-lib.sh=$dom0/jobs/migrate-lib.sh" \
	--guest "life-ssh.sh=$dom0/jobs/life-ssh.sh" \
	${guest_args[@]+"${guest_args[@]}"} \
	"${job_args[@]}" --output "$out/dom0-domU$suffix.cpio.gz"
rc=0
# tbuf_size: 4096 pages of trace buffer per CPU, for xentrace.
"$dom0/run.sh" --initrd "$out/dom0-domU$suffix.cpio.gz" --log "$log" --timeout "$timeout" \
	--xen-args "tbuf_size=4096$xen_args" ${cpu_args[@]+"${cpu_args[@]}"} || rc=$?
[ "$rc" = 0 ] || echo "bench-domU.sh: run.sh failed (status $rc); using what the log holds" >&2

for virt in "${virt_list[@]}"; do
	if [ "$block" = 1 ]; then
		python3 "$root/scripts/bench-report.py" --domu-log "$log" --virt "$virt" \
			--runs "$runs" --out-dir "$out" || rc=1
	fi
	if [ "$user" = 1 ]; then
		python3 "$root/scripts/bench-report.py" --user-log "$log" --virt "$virt" \
			--runs "$runs" --out-dir "$out" || rc=1
	fi
done
[ "$rc" = 0 ] && echo "bench-domU.sh: wrote the domU tables and charts in $out"
exit "$rc"
