#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Fetch the Debian packages of the Linux PV dom0 test stack:
#
#   tools/testing/selftests/xen/dom0/fetch.sh [--force]
#
# Downloads the packages with `apt-get download` and unpacks each one with
# `dpkg -x` into build/cache/dom0/pkgs/NAME_VERSION/, merges them into
# build/cache/dom0/root/, and gunzips the hypervisor to
# build/cache/dom0/xen-4.17.  Nothing is installed on the host.
#
# The Linux image is the current candidate that linux-image-amd64 depends
# on.  Shared libraries that fio and the Xen tools (xentrace and xenalyze
# too) need but neither the
# fetched packages nor the host provide are fetched too: the Depends of
# the package holding the program or library that needs them are added
# until `ldd` finds everything.
#
# Caching: fetch.stamp holds a hash of this script, lib.sh and the
# candidate version of every package.  When it matches, nothing is done;
# a package directory already unpacked at the same version is reused.
# Set DOM0_CACHE to use another cache directory.
set -eu
set -o pipefail

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

FORCE=0
case "${1:-}" in
--force) FORCE=1 ;;
"") ;;
*) die "usage: $0 [--force]" ;;
esac

lock_cache
cd "$CACHE"
mkdir -p debs pkgs

UPDATED=0
# Refresh the package lists, once per run, when apt knows nothing.
apt_update_once() {
	[ "$UPDATED" = 0 ] || return 1
	UPDATED=1
	log "apt knows no candidate; running apt-get update"
	apt-get update >apt-update.log 2>&1 || true
}

# Print "NAME=VERSION" for each package named in the arguments, using the
# candidate versions of the local package lists.
candidates() {
	apt-cache policy "$@" 2>/dev/null | awk '
		/^[^ ].*:$/ { name = substr($0, 1, length($0) - 1) }
		/^  Candidate:/ && $2 != "(none)" { print name "=" $2 }'
}

# The versioned Linux image package linux-image-amd64 currently pulls in.
linux_image() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

LINUX=$(linux_image)
if [ -z "$LINUX" ] && apt_update_once; then
	LINUX=$(linux_image)
fi
[ -n "$LINUX" ] || die "cannot resolve linux-image-amd64 to a versioned image"

TOP=$(echo "$XEN_PACKAGES $QEMU_PACKAGES $HVM_PACKAGES $USER_PACKAGES $LINUX" | tr -s '[:space:]' '\n')
# Packages the library closure added last time are inputs too: a new
# version of one of them must also invalidate the stamp.
EXTRA=""
if [ -f extra-packages ]; then
	EXTRA=$(cat extra-packages)
fi

# NAME=VERSION of the named packages, sorted; apt-get update once if apt
# has no candidate for one of them.
top_candidates() {
	local want p
	# shellcheck disable=SC2086 # TOP is a word list
	want=$(candidates $TOP)
	for p in $TOP; do
		if ! echo "$want" | grep -q "^$p="; then
			apt_update_once || die "no candidate for package $p"
			top_candidates
			return
		fi
	done
	echo "$want" | sort
}
TOPWANT=$(top_candidates)
# shellcheck disable=SC2086 # EXTRA is a word list
WANT=$(printf '%s\n%s\n' "$TOPWANT" "$(candidates $EXTRA)" | sed '/^$/d' | sort)

inputs_hash() {
	{
		cat "$DOM0_DIR/fetch.sh" "$DOM0_DIR/lib.sh"
		echo "$1"
	} | hash_stdin
}

if [ "$FORCE" = 0 ] && [ -s xen-4.17 ] && [ -d root ] && [ -s kernel-release ] &&
	stamp_ok fetch.stamp "$(inputs_hash "$WANT")"; then
	log "up to date ($CACHE)"
	exit 0
fi

# pkgs/ directory of NAME=VERSION (':' of an epoch spelt as in .deb names).
pkg_dir() {
	local name=${1%%=*} ver=${1#*=}
	echo "pkgs/${name}_${ver//:/%3a}"
}

# Download and unpack one NAME=VERSION unless already unpacked.
fetch_pkg() {
	local dir deb
	dir=$(pkg_dir "$1")
	[ -d "$dir" ] && return 0
	log "fetching $1"
	rm -f debs/"${1%%=*}"_*.deb
	if ! (cd debs && apt-get download "$1") >apt-download.log 2>&1; then
		apt_update_once || true
		(cd debs && apt-get download "$1") >apt-download.log 2>&1 ||
			{
				cat apt-download.log >&2
				die "apt-get download $1 failed"
			}
	fi
	deb=$(ls debs/"${1%%=*}"_*.deb)
	rm -rf "$dir.tmp"
	dpkg -x "$deb" "$dir.tmp"
	mv "$dir.tmp" "$dir"
}

# The working set starts with the named packages; the library closure
# below adds to it.
SET=$TOPWANT
for p in $SET; do
	fetch_pkg "$p"
done

# Is package $1 installed on the host?  Its libraries are then copied from
# there, as are glibc's.
on_host() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# Is package $1 in the working set?
in_set() { echo "$SET" | grep -q "^$1="; }

# First-choice Depends of package $1 that are libraries.
lib_depends() {
	apt-cache depends "$1" 2>/dev/null |
		awk '/^  Depends: lib/ && $2 !~ /^</ { print $2 }' | sort -u
}

# One round of the library closure.  ldd runs on the programs and on every
# library they pull in, with LD_LIBRARY_PATH over the per-package trees of
# the set, so each path tells which package holds it.  A file whose own
# NEEDED entries are not found gets the library Depends of its package
# added to the set.  Returns 1 once nothing is missing.
closure_round() {
	local path dirs="" p prog f pkg dep notfound missing="" new=""
	for p in $SET; do
		dirs="$dirs $(pkg_dir "$p")"
	done
	# shellcheck disable=SC2086
	path=$(lib_path_of $dirs)
	for prog in $DOM0_PROGRAMS $QEMU_PROGRAMS $DOMU_PROGRAMS $TRACE_PROGRAMS $HOST_PROGRAMS; do
		f=""
		for p in $dirs; do
			if [ -e "$p/$prog" ]; then
				f=$p/$prog
				break
			fi
		done
		[ -n "$f" ] || die "no package provides $prog"
		for f in "$f" $(needed_libs "$f" "$path" | awk '$2 ~ /^pkgs\// { print $2 }'); do
			notfound=$(needed_libs "$f" "$path" | awk '$2 == "not" { print $1 }')
			[ -n "$notfound" ] || continue
			# ldd lists the whole closure: keep this file's own needs.
			notfound=$(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
				grep -Fx -f <(echo "$notfound") || true)
			[ -n "$notfound" ] || continue
			missing="$missing $notfound"
			pkg=${f#pkgs/}
			pkg=${pkg%%_*}
			for dep in $(lib_depends "$pkg"); do
				on_host "$dep" && continue
				in_set "$dep" && continue
				case " $new " in *" $dep "*) continue ;; esac
				new="$new $dep"
			done
		done
	done
	[ -n "$missing" ] || return 1
	# shellcheck disable=SC2086
	missing=$(echo $missing | tr ' ' '\n' | sort -u | paste -sd' ' -)
	[ -n "$new" ] || die "no package to fetch for missing libraries: $missing"
	log "missing $missing; adding$new"
	# shellcheck disable=SC2086
	for p in $(candidates $new); do
		fetch_pkg "$p"
		SET=$(printf '%s\n%s\n' "$SET" "$p" | sort)
	done
}

round=0
while closure_round; do
	round=$((round + 1))
	[ "$round" -lt 10 ] || die "library closure does not converge"
done
WANT=$SET
echo "$WANT" | sed 's/=.*//' | grep -vFx -f <(echo "$TOP") >extra-packages || true

# Merge the packages into root/ (hard links: cheap, and nothing writes to
# root/), and drop unpacked versions that are no longer wanted.
rm -rf root.tmp
mkdir root.tmp
for p in $WANT; do
	cp -al "$(pkg_dir "$p")/." root.tmp/
done
rm -rf root
mv root.tmp root
for d in pkgs/*; do
	keep=0
	for p in $WANT; do
		[ "$d" = "$(pkg_dir "$p")" ] && keep=1
	done
	[ "$keep" = 1 ] || rm -rf "$d"
done
for deb in debs/*.deb; do
	name=${deb#debs/}
	echo "$WANT" | grep -q "^${name%%_*}=" || rm -f "$deb"
done
echo "$WANT" >manifest

KREL=${LINUX#linux-image-}
[ -d "root/lib/modules/$KREL" ] || die "$LINUX has no lib/modules/$KREL"
[ -f "root/boot/vmlinuz-$KREL" ] || die "$LINUX has no boot/vmlinuz-$KREL"
echo "$KREL" >kernel-release

gunzip -c root/boot/xen-4.17-amd64.gz >xen-4.17.tmp
mv xen-4.17.tmp xen-4.17

inputs_hash "$WANT" >fetch.stamp
log "fetched $(echo "$WANT" | wc -l) packages into $CACHE (Linux $KREL)"
