#!/bin/bash
# SPDX-License-Identifier: MIT
#
# fuzz_cmdline.c mirrors the kernel's option declarations (param_bool(),
# param_int(), param_string(): include/pvk/params.h) in a table of its
# own, since the files declaring them do not build on the host.  Fail
# when the two disagree on an option's name or type, so the target does
# not quietly stop covering a new option.
#
#   tests/fuzz/check-params.sh ROOT
set -eu

root=$1
table="$root/tests/fuzz/fuzz_cmdline.c"
declared=$(cd "$root" && grep -rhoE 'param_(bool|int|string)\("[^"]+"' \
	--include='*.c' arch kernel drivers lib mm net init fs |
	sed -E 's/param_(bool|int|string)\("([^"]+)"/\2 \1/' | sort)
mirrored=$(grep -oE '\{ "[^"]+", KPARAM_(BOOL|INT|STRING),' "$table" |
	sed -E 's/\{ "([^"]+)", KPARAM_([A-Z]+),/\1 \2/' |
	awk '{ print $1, tolower($2) }' | sort)
if [ "$declared" != "$mirrored" ]; then
	echo "check-params: fuzz_cmdline.c's option table differs from the kernel's declarations:" >&2
	diff <(printf '%s\n' "$declared") <(printf '%s\n' "$mirrored") >&2 || true
	exit 1
fi
