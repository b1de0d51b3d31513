#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Fetch Debian's Xen hypervisor for the Xen rows of run_tests.py:
#
#   tools/testing/selftests/xen/xen-fetch.sh [CACHE_DIR]
#
# Downloads xen-hypervisor-4.17-amd64 with apt-get (no root needed),
# unpacks it with dpkg -x into CACHE_DIR (default build/cache/xen) and
# leaves the uncompressed hypervisor, which QEMU's -kernel can load, at
# CACHE_DIR/xen-4.17.  Does nothing when that file is already there.
# Prints the path of the hypervisor on success.
set -eu

PKG=xen-hypervisor-4.17-amd64
ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
CACHE=${1:-$ROOT/build/cache/xen}
XEN=$CACHE/xen-4.17

if [ -s "$XEN" ]; then
	echo "$XEN"
	exit 0
fi

mkdir -p "$CACHE"
cd "$CACHE"

download() {
	rm -f ./"$PKG"_*.deb
	apt-get download "$PKG" >download.log 2>&1
}

# An image without package lists cannot download anything: refresh them
# once (needs root) and try again.
if ! download; then
	echo "xen-fetch: apt-get download failed; running apt-get update" >&2
	if [ "$(id -u)" -eq 0 ]; then
		apt-get update >update.log 2>&1 || true
	else
		sudo -n apt-get update >update.log 2>&1 || true
	fi
	if ! download; then
		cat download.log >&2
		echo "xen-fetch: cannot download $PKG" >&2
		exit 1
	fi
fi

deb=$(ls ./"$PKG"_*.deb | head -n 1)
rm -rf root
dpkg -x "$deb" root
gz=root/boot/xen-4.17-amd64.gz
if [ ! -f "$gz" ]; then
	echo "xen-fetch: $deb has no boot/xen-4.17-amd64.gz" >&2
	exit 1
fi
gunzip -c "$gz" >"$XEN.tmp"
mv "$XEN.tmp" "$XEN"
echo "$XEN"
