#!/usr/bin/env bash
# SIGTERM ends a run cleanly and what the guest wrote is in the image: FreeDOS
# (on a copy of the shared floppy, no -snapshot) writes a file through the
# BIOS, then tarsier gets SIGTERM; it must exit with 143 (128 + SIGTERM) and
# the file's text must be in the image.
# usage: run_signal.sh TARSIER FLOPPY WORKDIR
set -u
tarsier=$1 floppy=$2 work=$3
mkdir -p "$work"
cp "$floppy" "$work/fd.img" || exit 1
marker="tarsier-was-here-$$"
port=$((20000 + ($$ + 7919) % 20000))
. "$(dirname "$0")/lib.sh"
control_start "$port" "$work" "$tarsier" -fda "$work/fd.img" -boot a -timeout 600 || { kill "$pid"; exit 1; }
send 'wait-screen "A:\>" 120' ok
send "type \"echo $marker> A:\\\\MARK.TXT\\n\"" ok
send 'sleep 2' ok
send 'type "type A:\\MARK.TXT\n"' ok
send "wait-screen \"$marker\" 20" ok
kill -TERM $pid
wait $pid
rc=$?
exec 3>&-
[ $rc = 143 ] || { echo "FAIL: exit status $rc after SIGTERM, expected 143"; cat "$work/stderr.txt"; fail=1; }
grep -q "stopped by signal 15" "$work/stderr.txt" || { echo "FAIL: no 'stopped by signal' message"; fail=1; }
grep -aq "$marker" "$work/fd.img" || { echo "FAIL: the guest's file is not in the image"; fail=1; }
[ $fail = 0 ] && echo "ok: SIGTERM: exit 143, the guest's write is in the image"
exit $fail
