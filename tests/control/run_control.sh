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
"$tarsier" -fda "$floppy" -snapshot -boot a -control "tcp:127.0.0.1:$port" -timeout 600 \
    >"$work/stdout.txt" 2>"$work/stderr.txt" </dev/null &
pid=$!
for _ in $(seq 100); do
    { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null && break
    sleep 0.1
done
fail=0
# send CMD EXPECTED-PREFIX: one command, one reply line
send() {
    local reply
    printf '%s\n' "$1" >&3
    if ! IFS= read -r -t 60 reply <&3; then
        echo "FAIL: no reply to '$1'"; fail=1; return
    fi
    case $reply in
    "$2"*) echo "ok: '$1' -> '$reply'" ;;
    *) echo "FAIL: '$1' -> '$reply' (expected '$2...')"; fail=1 ;;
    esac
}
send 'wait-screen "A:\>" 120' "ok"
send 'wait-screen "no such text" 2' "error: control:2: wait-screen"
send 'type "ver\n"' "ok"
send 'wait-screen "FreeCom version" 20' "ok"
send "textdump $work/screen.txt" "ok"
send 'frobnicate' "error: control:6: unknown command"
send 'quit 7' "ended 7"
exec 3>&-
wait $pid
rc=$?
[ $rc = 7 ] || { echo "FAIL: exit status $rc, expected 7"; cat "$work/stderr.txt"; fail=1; }
grep -q "FreeCom version" "$work/screen.txt" 2>/dev/null || { echo "FAIL: the text dump lacks the ver output"; fail=1; }
[ $fail = 0 ] && echo "ok: -control"
exit $fail
