#!/usr/bin/env bash
# The -control socket: FreeDOS boots from the shared test floppy while a
# client (bash's /dev/tcp) sends script commands and checks each reply line:
# waits that succeed ("ok"), a wait that runs out ("error: ..." and the run
# goes on), typing `ver`, a text dump, then `quit 7` ("ended 7", exit status 7).
# usage: run_control.sh TARSIER FLOPPY WORKDIR
set -u
tarsier=$1 floppy=$2 work=$3
mkdir -p "$work"
port=$((20000 + $$ % 20000))
. "$(dirname "$0")/lib.sh"
control_start "$port" "$work" "$tarsier" -fda "$floppy" -snapshot -boot a -timeout 600 || { kill "$pid"; exit 1; }
send 'wait-screen "A:\>" 120' "ok"
send 'wait-screen "no such text" 2' "error: control:2: wait-screen*"
send 'type "ver\n"' "ok"
send 'wait-screen "FreeCom version" 20' "ok"
send "textdump $work/screen.txt" "ok"
send 'frobnicate' "error: control:6: unknown command*"
send 'quit 7' "ended 7"
exec 3>&-
wait $pid
rc=$?
[ $rc = 7 ] || { echo "FAIL: exit status $rc, expected 7"; cat "$work/stderr.txt"; fail=1; }
grep -q "FreeCom version" "$work/screen.txt" 2>/dev/null || { echo "FAIL: the text dump lacks the ver output"; fail=1; }
[ $fail = 0 ] && echo "ok: -control"
exit $fail
