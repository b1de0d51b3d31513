#!/bin/sh
# SPDX-License-Identifier: MIT
# shellcheck shell=sh
#
# ssh for `xl migrate -s` to this same host (jobs/life-70-migrate): xl
# runs "COMMAND HOST xl migrate-receive ..."; drop HOST and run the rest
# here, its stdin and stdout being xl's migration stream.
set -eu
shift
exec "$@"
