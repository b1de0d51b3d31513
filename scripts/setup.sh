#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Make sure the Debian packages that pvk's build and tests need are there.
# (libc6-dev: the static libc of the dom0 test tool net-tool;
# grub-efi-amd64-bin: the UEFI half of the hybrid ISO; ovmf: the UEFI
# firmware the runner's uefi-* rows boot it with; clang-14 and
# libclang-rt-14-dev: the libFuzzer targets of tests/fuzz/, libFuzzer and
# the sanitizer runtimes.)
#
#   scripts/setup.sh
#
# Quiet (one line) when everything is installed.  Otherwise, as root, runs
# apt-get update once and installs what is missing; as another user, prints
# the apt-get command to run and exits 1.
set -eu

packages=(gcc libc6-dev make binutils python3 python3-kconfiglib qemu-system-x86
	grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools ovmf gnuplot-nox
	libxen-dev clang-14 libclang-rt-14-dev musl-tools)

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "setup: dpkg-query not found; this script expects Debian (bookworm)." >&2
	echo "setup: needed packages: ${packages[*]}" >&2
	exit 1
fi

missing() {
	local p status out=
	for p in "${packages[@]}"; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		case "$status" in
		*" installed") ;;
		*) out="$out $p" ;;
		esac
	done
	echo "${out# }"
}

need=$(missing)
count=${#packages[@]}
if [ -z "$need" ]; then
	echo "setup: all $count packages present"
	exit 0
fi

cmd="apt-get install -y --no-install-recommends $need"
if [ "$(id -u)" -ne 0 ]; then
	echo "setup: missing packages: $need" >&2
	echo "setup: run as root:" >&2
	echo "  apt-get update && DEBIAN_FRONTEND=noninteractive $cmd" >&2
	exit 1
fi

echo "setup: installing: $need"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || { echo "setup: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $need ||
	{ echo "setup: apt-get install failed" >&2; exit 1; }

need=$(missing)
if [ -n "$need" ]; then
	echo "setup: still missing after install: $need" >&2
	exit 1
fi
echo "setup: all $count packages present"
