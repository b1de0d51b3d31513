#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build the images of the Linux PV dom0 test stack from what fetch.sh
# unpacked:
#
#   tools/testing/selftests/xen/dom0/build.sh [options]
#
#   --guest NAME=PATH  put file PATH in the dom0 initramfs as /guests/NAME
#                      (a guest kernel, a guest initramfs, ...); repeatable
#   --job FILE.cfg     run this xl config as a guest job; FILE.pre and
#                      FILE.post next to it are taken too; repeatable
#   --linux-guest      same as --guest linux-vmlinuz=build/cache/dom0/vmlinuz
#                      --guest linux-domU.cpio.gz=DOMU (the --domU-output)
#   --domU-output FILE Linux domU initramfs to write (default
#                      build/cache/dom0/domU.cpio.gz); its stub libraries
#                      go to FILE's directory, in domU-stubs/
#   --smoke            --linux-guest plus --job jobs/linux-smoke.cfg
#   --xentrace         put xentrace and xenalyze (with their libraries) in
#                      the dom0 image (boot Xen with tbuf_size= to use them)
#   --output FILE      dom0 initramfs to write (default
#                      build/cache/dom0/dom0.cpio.gz)
#   --force            rebuild even when the stamps match
#
# Outputs, in build/cache/dom0/:
#   vmlinuz       the Linux kernel, for dom0 and for Linux domUs
#   domU.cpio.gz  Linux domU initramfs: busybox, xen-blkfront/netfront,
#                 null_blk, fio with the libraries of the engines the
#                 bench uses and stubs for the others (DOMU_STUB_LIBS),
#                 /init = domU-init
#   dom0.cpio.gz  dom0 initramfs: Xen toolstack, hotplug scripts, modules,
#                 /init = dom0-init, /guests/*, /jobs/*; QEMU (the device
#                 model) too when a job's config has a channel or is of
#                 type "hvm" (then with hvmloader, SeaBIOS, an iPXE ROM)
#
# Each image is described first as a plan (the files it will hold and where
# they come from); FILE.stamp keeps a hash of the plan and of every source
# file in it, so an image is rebuilt only when one of its inputs changed:
# a package version, a script here, a host program or library, a guest
# file, a job file.
set -eu
set -o pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	sed -n '4,/^set -eu/{/^set/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
}

GUESTS=()
JOBS=()
OUTPUT=$CACHE/dom0.cpio.gz
DOMU_OUTPUT=$CACHE/domU.cpio.gz
LINUX_GUEST=0
FORCE=0
XENTRACE=0
while [ $# -gt 0 ]; do
	case "$1" in
	--guest)
		[ $# -ge 2 ] || usage
		GUESTS+=("$2")
		shift
		;;
	--job)
		[ $# -ge 2 ] || usage
		JOBS+=("$2")
		shift
		;;
	--linux-guest) LINUX_GUEST=1 ;;
	--smoke)
		LINUX_GUEST=1
		JOBS+=("$DOM0_DIR/jobs/linux-smoke.cfg")
		;;
	--domU-output)
		[ $# -ge 2 ] || usage
		DOMU_OUTPUT=$2
		shift
		;;
	--output)
		[ $# -ge 2 ] || usage
		OUTPUT=$2
		shift
		;;
	--xentrace) XENTRACE=1 ;;
	--force) FORCE=1 ;;
	-h | --help) usage ;;
	*)
		log "unknown option $1"
		usage
		;;
	esac
	shift
done
case "$OUTPUT" in /*) ;; *) OUTPUT=$PWD/$OUTPUT ;; esac
case "$DOMU_OUTPUT" in /*) ;; *) DOMU_OUTPUT=$PWD/$DOMU_OUTPUT ;; esac
[ "$LINUX_GUEST" = 0 ] ||
	GUESTS+=("linux-vmlinuz=$CACHE/vmlinuz" "linux-domU.cpio.gz=$DOMU_OUTPUT")

lock_cache
X=$CACHE/root
if [ ! -f "$CACHE/fetch.stamp" ] || [ ! -d "$X" ]; then
	die "nothing fetched in $CACHE: run fetch.sh first"
fi
KREL=$(cat "$CACHE/kernel-release")
MODDIR=lib/modules/$KREL
LDPATH=$(lib_path_of "$X")
BUSYBOX=$X/bin/busybox

# kmod is a multi-call binary: run the extracted one under the name $1.
kmod_as() {
	local name=$1
	shift
	(exec -a "$name" "$X/bin/kmod" "$@")
}

# ---------------------------------------------------------------- plans
# A plan is a text file, one entry a line:
#   f SRC DST     copy file SRC (following links) to DST in the image
#   l TARGET DST  symbolic link DST -> TARGET
#   d DST         directory
#   m NAME        kernel module NAME and the modules it depends on
# DST paths are absolute paths inside the image.
PLAN=""

plan() { echo "$*" >>"$PLAN"; }

# Program or library SRC (a host path, or a path under root/) goes to DST,
# with every shared library ldd finds for it and the dynamic loader.
# Libraries from root/ keep their path below root/, host ones their
# host path.
# Libraries are looked up in $3 (default $LDPATH); stubs from
# $STUBDIR (stub_libs) go where Debian puts libraries.
plan_program() {
	local src=$1 dst=$2 ldpath=${3:-$LDPATH} soname lib
	plan f "$src" "$dst"
	while read -r soname lib; do
		[ "$lib" != "not found" ] || die "$src: $soname not found"
		case "$lib" in
		"$STUBDIR"/*) plan f "$lib" "/usr/lib/x86_64-linux-gnu/${lib##*/}" ;;
		"$X"/*) plan f "$lib" "${lib#"$X"}" ;;
		*) plan f "$lib" "$lib" ;;
		esac
	done < <(needed_libs "$src" "$ldpath")
}

# Hash of a plan: its text, the content of every file it copies, the
# scripts that build the image and the fetched package versions (which
# cover the kernel modules).
plan_hash() {
	local kind a b
	{
		cat "$1"
		while read -r kind a b; do
			[ "$kind" != f ] || sha256sum <"$a"
		done <"$1"
		cat "$DOM0_DIR/build.sh" "$DOM0_DIR/lib.sh" "$CACHE/fetch.stamp"
	} | hash_stdin
}

# Path under root/ of the .ko of module $1 ('-' and '_' are the same).
module_path() {
	grep -m1 "/${1//[-_]/[-_]}\.ko\$" "$CACHE/modules.list"
}

# Copy module $1 and, recursively, its dependencies into stage $2.
stage_module() {
	local name=$1 stage=$2 ko dep
	if grep -q "/${name//[-_]/[-_]}\.ko\$" "$X/$MODDIR/modules.builtin"; then
		return 0
	fi
	ko=$(module_path "$name") || die "no module $name in Linux $KREL"
	[ -f "$stage/${ko#"$X"}" ] && return 0
	mkdir -p "$stage/$(dirname "${ko#"$X"}")"
	cp "$ko" "$stage/${ko#"$X"}"
	for dep in $(kmod_as modinfo -F depends "$ko" | tr ',' ' '); do
		stage_module "$dep" "$stage"
	done
}

# Build image $2 (gzipped newc cpio) from plan $1 unless its stamp
# matches; $3 names the image in messages.
build_image() {
	local plan=$1 out=$2 what=$3 hash stage kind a b
	hash=$(plan_hash "$plan")
	if [ "$FORCE" = 0 ] && [ -s "$out" ] && stamp_ok "$out.stamp" "$hash"; then
		log "$what up to date: $out"
		return 0
	fi
	stage=$CACHE/stage.$$
	rm -rf "$stage"
	mkdir -p "$stage"
	while read -r kind a b; do
		case "$kind" in
		f)
			mkdir -p "$stage$(dirname "$b")"
			[ -e "$stage$b" ] || cp -L "$a" "$stage$b"
			;;
		l)
			mkdir -p "$stage$(dirname "$b")"
			ln -sfn "$a" "$stage$b"
			;;
		d) mkdir -p "$stage$a" ;;
		m) stage_module "$a" "$stage" ;;
		esac
	done <"$plan"
	# The kernel runs /init only if it is executable, whatever the mode of
	# the script in the work tree.
	chmod 755 "$stage/init"
	if [ -d "$stage/$MODDIR" ]; then
		cp "$X/$MODDIR"/modules.builtin* "$X/$MODDIR/modules.order" \
			"$stage/$MODDIR/"
		kmod_as depmod -b "$stage" "$KREL"
	fi
	# Sorted names keep the archive independent of directory order.
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
		"$BUSYBOX" cpio -o -H newc 2>/dev/null) | gzip -6 >"$out.tmp"
	mv "$out.tmp" "$out"
	echo "$hash" >"$out.stamp"
	rm -rf "$stage"
	log "built $what: $out ($(du -h "$out" | cut -f1))"
}

trap 'rm -rf "$CACHE"/stage.$$ "$CACHE"/plan.$$.*' EXIT
find "$X/$MODDIR/kernel" -name '*.ko' | LC_ALL=C sort >"$CACHE/modules.list"

# --------------------------------------------------------------- kernel
if ! cmp -s "$X/boot/vmlinuz-$KREL" "$CACHE/vmlinuz"; then
	cp "$X/boot/vmlinuz-$KREL" "$CACHE/vmlinuz.tmp"
	mv "$CACHE/vmlinuz.tmp" "$CACHE/vmlinuz"
	log "kernel: $CACHE/vmlinuz (Linux $KREL)"
fi

# ----------------------------------------------------------- Linux domU
PLAN=$CACHE/plan.$$.domU
: >"$PLAN"
for d in /proc /sys /dev /tmp /mnt /run; do
	plan d "$d"
done
plan f "$BUSYBOX" /bin/busybox
plan f "$DOM0_DIR/domU-init" /init
plan m xen-blkfront
plan m xen-netfront
# The bench's calibration: the same fio jobs on a disk without blkfront.
plan m null_blk
STUBDIR=$(dirname "$DOMU_OUTPUT")/domU-stubs
for p in $DOMU_PROGRAMS; do
	stub_libs "$X/$p"
	plan_program "$X/$p" "/$p" "$STUBDIR:$LDPATH"
done
build_image "$PLAN" "$DOMU_OUTPUT" "Linux domU initramfs"

# ----------------------------------------------------------------- dom0
PLAN=$CACHE/plan.$$.dom0
: >"$PLAN"
for d in /proc /sys /dev /tmp /run /mnt /root /var/log/xen /var/lib/xen \
	/var/lib/xenstored /jobs /guests; do
	plan d "$d"
done
plan l ../run /var/run
plan f "$BUSYBOX" /bin/busybox
plan f "$DOM0_DIR/dom0-init" /init
for m in xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs xen-blkback \
	xen-netback loop bridge tun; do
	plan m "$m"
done
for p in $DOM0_PROGRAMS; do
	plan_program "$X/$p" "/$p"
done
if [ "$XENTRACE" = 1 ]; then
	for p in $TRACE_PROGRAMS; do
		plan_program "$X/$p" "/$p"
	done
fi
# xenstore is multi-call: the hotplug scripts call it by these names.
for n in read write ls list rm exists chmod watch; do
	plan l xenstore "/usr/bin/xenstore-$n"
done
# /usr/sbin/xl in the package is a wrapper script; use the binary.
plan l /usr/lib/xen-4.17/bin/xl /usr/sbin/xl
# The hotplug scripts want a real bash, util-linux flock and losetup, and
# iproute2 ip; none is in the Xen packages, so take the host's (busybox
# has look-alikes that the scripts do not accept).
plan_program /bin/bash /bin/bash
plan_program /usr/bin/flock /usr/bin/flock
plan_program /usr/sbin/losetup /sbin/losetup
plan_program /usr/sbin/ip /sbin/ip
# libxl dlopens nothing, but xl aborts in pthread_exit without libgcc_s.
plan f /lib/x86_64-linux-gnu/libgcc_s.so.1 /lib/x86_64-linux-gnu/libgcc_s.so.1
while read -r f; do
	plan f "$X/etc/xen/scripts/$f" "/etc/xen/scripts/$f"
done < <(cd "$X/etc/xen/scripts" && find . -type f -printf '%P\n' | LC_ALL=C sort)
plan f "$X/etc/xen/xl.conf" /etc/xen/xl.conf

for g in ${GUESTS[@]+"${GUESTS[@]}"}; do
	name=${g%%=*}
	src=${g#*=}
	case "$name" in
	"" | *[!A-Za-z0-9._-]*) die "bad guest name in --guest $g" ;;
	esac
	[ "$name" != "$g" ] || die "--guest wants NAME=PATH, not $g"
	[ -f "$src" ] || die "guest file $src not found"
	plan f "$(realpath "$src")" "/guests/$name"
done

# Does a job's config have a line `KEY = ...`, its value matching ERE
# $2 if given?
any_job_has() {
	local j
	for j in ${JOBS[@]+"${JOBS[@]}"}; do
		grep -Eq "^[[:space:]]*$1[[:space:]]*=[[:space:]]*${2-}" "$j" 2>/dev/null &&
			return 0
	done
	return 1
}

# A guest with a channel needs QEMU: libxl starts it as the device model
# that serves the channel's console ring (xenconsoled serves only the
# first console).  An HVM guest needs it as its device model, and
# hvmloader, SeaBIOS and its NIC's option ROM.
HVM=0
any_job_has type "[\"']hvm[\"']" && HVM=1
if [ "$HVM" = 1 ] || any_job_has channel; then
	for p in $QEMU_PROGRAMS; do
		plan_program "$X/$p" "/$p"
	done
	for f in $QEMU_DATA; do
		plan f "$X/$f" "/$f"
	done
fi
if [ "$HVM" = 1 ]; then
	for f in $HVM_DATA; do
		plan f "$X/$f" "/$f"
	done
fi

for j in ${JOBS[@]+"${JOBS[@]}"}; do
	case "$j" in *.cfg) ;; *) die "job $j is not a .cfg file" ;; esac
	[ -f "$j" ] || die "job $j not found"
	base=$(basename "$j" .cfg)
	grep -q "^/jobs/$base.cfg\$" <(awk '$1 == "f" { print $3 }' "$PLAN") &&
		die "two jobs named $base"
	grep -Eq '^[[:space:]]*name[[:space:]]*=' "$j" || die "job $j has no name ="
	plan f "$(realpath "$j")" "/jobs/$base.cfg"
	for ext in pre post; do
		if [ -f "${j%.cfg}.$ext" ]; then
			plan f "$(realpath "${j%.cfg}.$ext")" "/jobs/$base.$ext"
		fi
	done
done
build_image "$PLAN" "$OUTPUT" "dom0 initramfs"
