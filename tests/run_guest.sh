#!/usr/bin/env bash
# Assemble a golden guest program and run it as a bare ROM; it must print
# PASS as its last line on the debug port and the emulator must exit 0.
# usage: run_guest.sh TARSIER SOURCE.asm WORKDIR [extra tarsier options]
set -u
tarsier=$1 src=$2 work=$3
shift 3
. "$(dirname "$0")/run_guest_lib.sh"
guest_assemble "$src" "$work" bin || exit 1
"$tarsier" -bios "$image" -debugcon "file:$out" -exit-on-halt -timeout 3 -m 32 "$@"
guest_verdict $?
