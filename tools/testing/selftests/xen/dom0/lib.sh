# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2034 # the settings are used by the sourcing scripts
#
# Shared settings and helpers of the Linux PV dom0 test stack; sourced by
# fetch.sh, build.sh and run.sh (never run on its own).
#
# Everything lives under one cache directory that the stack owns:
#
#   $CACHE/debs/               the .deb files apt-get downloaded
#   $CACHE/pkgs/NAME_VERSION/  one `dpkg -x` tree per package
#   $CACHE/root/               all of pkgs/ merged (hard links)
#   $CACHE/manifest            NAME=VERSION of every package in root/
#   $CACHE/kernel-release      the Linux version (lib/modules/<this>)
#   $CACHE/xen-4.17            the hypervisor, gunzipped for QEMU -kernel
#   $CACHE/vmlinuz             the Linux kernel (dom0 and Linux domU)
#   $CACHE/domU.cpio.gz        the Linux domU initramfs
#   $CACHE/dom0.cpio.gz        the dom0 initramfs
#   $CACHE/*.stamp             hashes of the inputs of each step

DOM0_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRCTREE=$(cd "$DOM0_DIR/../../../../.." && pwd)
CACHE=${DOM0_CACHE:-$SRCTREE/build/cache/dom0}

# The Xen toolstack, straight from the notes: hypervisor, tools, libraries.
XEN_PACKAGES="xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common
xenstore-utils libxencall1 libxenevtchn1 libxenforeignmemory1
libxengnttab1 libxenhypfs1 libxendevicemodel1 libxentoolcore1
libxentoollog1 libxenstore4 libxenmisc4.17 libyajl2"
# QEMU as the device model of PV guests: libxl starts one for a guest
# with a channel, because xenconsoled serves only the primary console;
# QEMU's console backend serves device/console/N (N >= 1) and proxies
# each ring to the channel's socket or pty.
QEMU_PACKAGES="qemu-system-xen qemu-system-data"
# The firmware of HVM guests: libxl loads hvmloader (xen-utils-4.17) and
# hands it SeaBIOS; the device model loads the iPXE option ROM of the
# emulated NIC and exits at start without it.
HVM_PACKAGES="seabios ipxe-qemu"
# Userland: busybox for both initramfs images, kmod for depmod, fio for
# benchmarks in the Linux domU.  The Linux image is resolved at run time.
USER_PACKAGES="busybox-static kmod fio"

# Programs (paths inside root/) whose shared libraries must all resolve:
# fetch.sh fetches the packages that provide missing ones, build.sh copies
# them.  bin/kmod runs on the host (depmod), the rest inside the guests.
XEN_BIN=usr/lib/xen-4.17/bin
DOM0_PROGRAMS="$XEN_BIN/xl $XEN_BIN/xenstored $XEN_BIN/xenconsoled
$XEN_BIN/xenconsole $XEN_BIN/xen-init-dom0 $XEN_BIN/libxl-save-helper
$XEN_BIN/xenstore-control usr/bin/xenstore"
# The device model; build.sh puts it in the dom0 image only for jobs that
# give their guest a channel (it and its libraries are ~35 MB), with the
# one data file it reads: libxl passes -vnc none, and QEMU still loads
# the keymap for it (qemu-system-data).
QEMU_PROGRAMS="usr/libexec/xen-qemu-system-i386"
QEMU_DATA="usr/share/qemu/keymaps/en-us"
# For jobs of type = "hvm", next to QEMU: the firmware above, the ROM of
# the e1000 NIC their vifs ask for (model=e1000), nothing else of iPXE,
# and the option ROM with which SeaBIOS boots a kernel = (direct kernel
# boot: the device model hands it the kernel through fw_cfg).
HVM_DATA="usr/lib/xen-4.17/boot/hvmloader usr/share/seabios/bios-256k.bin
usr/lib/ipxe/qemu/efi-e1000.rom usr/share/qemu/linuxboot.bin"
DOMU_PROGRAMS="usr/bin/fio"
# Libraries of fio engines the bench never runs (Ceph RADOS and RBD,
# Gluster, NBD, RDMA, persistent memory): build.sh puts stubs in their
# place (stub_libs).  With what they pull in (Ceph's common library,
# ICU's data, OpenSSL, Kerberos, ...) they were 80 of the 85 MB of the
# Linux guest's initramfs, which an HVM guest's firmware copies from the
# device model through fw_cfg's I/O port (linuxboot.bin), a few bytes
# per exit.  The bench's engines (libaio, io_uring, psync) need only
# libaio, libnuma, zlib and the C library.
DOMU_STUB_LIBS="librados.so.2 librbd.so.1 libgfapi.so.0 libnbd.so.0
libibverbs.so.1 librdmacm.so.1 libpmemblk.so.1 libpmem.so.1"
# Xen's trace tools (xen-utils-4.17, xen-utils-common): build.sh --xentrace
# puts them in the dom0 image for the bench's hypercall counts.
TRACE_PROGRAMS="$XEN_BIN/xentrace usr/bin/xenalyze"
HOST_PROGRAMS="bin/kmod"

log() { echo "${0##*/}: $*" >&2; }
die() {
	log "error: $*"
	exit 1
}

# sha256 of everything on standard input, hex only.
hash_stdin() { sha256sum | cut -d' ' -f1; }

# True when stamp file $1 exists and holds exactly hash $2.
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# Serialise fetch.sh and build.sh runs sharing one cache: several
# sessions may run the stack at the same time.
lock_cache() {
	mkdir -p "$CACHE"
	exec 9>"$CACHE/.lock"
	flock 9
}

# Every directory under the arguments holding shared libraries, ':'-joined, for
# LD_LIBRARY_PATH (RUNPATHs in Debian's libraries name absolute paths
# that do not exist on the host, so list the subdirectories too).
lib_path_of() {
	find "$@" \( -name '*.so' -o -name '*.so.*' \) \( -type f -o -type l \) \
		-printf '%h\n' | sort -u | paste -sd: -
}

# Print the libraries program $1 needs, as "SONAME PATH" (PATH is
# "not found" when nothing provides it), using LD_LIBRARY_PATH $2.
# The dynamic loader is printed with its own path as SONAME.
needed_libs() {
	LD_LIBRARY_PATH=$2 ldd "$1" 2>/dev/null | awk '
		$2 == "=>" && $3 == "not" { print $1, "not found"; next }
		$2 == "=>" && $3 != "not" { print $1, $3; next }
		$1 ~ /^\// { print $1, $1 }'
}

# Stand-ins for the libraries DOMU_STUB_LIBS names, in $STUBDIR, for
# program $1 whose libraries are found in $LDPATH: one shared object per
# soname, defining (in the symbol versions $1 asks for) each symbol $1
# takes from the real library, every one a function that says which and
# exits 127.  Debian's fio binds every
# symbol at start (BIND_NOW), so each must exist; none is called while
# the bench's engines run.  A stub is rebuilt only when its source
# changes, so the image's stamp holds.
stub_libs() {
	local prog=$1 soname real src vs
	local -A owner=()
	mkdir -p "$STUBDIR"
	for soname in $DOMU_STUB_LIBS; do
		real=$(needed_libs "$prog" "$LDPATH" | awk -v s="$soname" '$1 == s { print $2 }')
		if [ -z "$real" ] || [ "$real" = "not found" ]; then
			die "$prog does not link $soname: update DOMU_STUB_LIBS"
		fi
		src=$STUBDIR/${soname%%.so*}.c
		vs=$STUBDIR/${soname%%.so*}.map
		# Symbols $prog wants (NAME or NAME@VERSION) that $real defines
		# and no earlier stub took.
		nm -D --undefined-only --with-symbol-versions "$prog" |
			awk '$1 == "U" { print $2 }' |
			awk -v defs=<(nm -D --defined-only "$real" | awk '{ sub(/@.*/, "", $3); print $3 }') '
				BEGIN { while ((getline d < defs) > 0) have[d] = 1 }
				{ n = $0; sub(/@.*/, "", n); if (n in have) print }' >"$vs.want"
		: >"$vs.list"
		while read -r sym; do
			[ -z "${owner[${sym%%@*}]-}" ] || continue
			owner[${sym%%@*}]=$soname
			echo "$sym" >>"$vs.list"
		done <"$vs.want"
		[ -s "$vs.list" ] || die "$prog takes no symbol from $soname: drop it from DOMU_STUB_LIBS"
		awk -v lib="$soname" '
			BEGIN {
				print "/* Generated by build.sh: a stand-in for " lib " (see stub_libs). */"
				print "#include <string.h>"
				print "#include <unistd.h>"
				print "static void stub(const char *name)"
				print "{"
				print "\tstatic const char msg[] = \"fio engine library " lib " is a stub in this image: \";"
				print "\twrite(2, msg, sizeof(msg) - 1);"
				print "\twrite(2, name, strlen(name));"
				print "\twrite(2, \"\\n\", 1);"
				print "\t_exit(127);"
				print "}"
			}
			{ n = $0; sub(/@.*/, "", n); print "void " n "(void) { stub(\"" n "\"); }" }' \
			"$vs.list" >"$src.new"
		# One version node per version asked for; none if unversioned.
		awk -F@ 'NF == 2 { s[$2] = s[$2] " " $1 ";" }
			END { for (v in s) print v " { global:" s[v] " };" }' "$vs.list" |
			LC_ALL=C sort >"$vs.new"
		if cmp -s "$src.new" "$src" && cmp -s "$vs.new" "$vs" && [ -f "$STUBDIR/$soname" ]; then
			rm -f "$src.new" "$vs.new"
		else
			mv "$src.new" "$src"
			mv "$vs.new" "$vs"
			local vsarg=()
			[ ! -s "$vs" ] || vsarg=("-Wl,--version-script=$vs")
			gcc -shared -fPIC -O2 -Wall -Wno-builtin-declaration-mismatch \
				-Wl,-soname,"$soname" ${vsarg[@]+"${vsarg[@]}"} -o "$STUBDIR/$soname" "$src"
		fi
		rm -f "$vs.want" "$vs.list"
	done
}
