# lib.sh - sourced by the -control tests (run_control.sh, run_signal.sh):
# start tarsier with a control socket and talk to it one line at a time.
#
# control_start PORT WORKDIR TARSIER [options]: run tarsier with
#   -control tcp:127.0.0.1:PORT in the background (stdout and stderr into
#   WORKDIR/stdout.txt and stderr.txt), its PID in $pid, connected on fd 3
#   (10 s at most); returns 1 without a connection.
# send CMD PATTERN: one command, one reply line that must match the glob
#   PATTERN ("ok", "error: control:2: wait-screen*"); else $fail = 1.

fail=0

control_start() {
    local port=$1 work=$2
    shift 2
    "$@" -control "tcp:127.0.0.1:$port" >"$work/stdout.txt" 2>"$work/stderr.txt" </dev/null &
    pid=$!
    for _ in $(seq 100); do
        { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null && return 0
        sleep 0.1
    done
    echo "FAIL: no connection to the control socket on port $port"
    fail=1
    return 1
}

send() {
    local reply
    printf '%s\n' "$1" >&3
    if ! IFS= read -r -t 60 reply <&3; then
        echo "FAIL: no reply to '$1'"
        fail=1
        return
    fi
    # shellcheck disable=SC2254 # $2 is a pattern
    case $reply in
    $2) echo "ok: '$1' -> '$reply'" ;;
    *) echo "FAIL: '$1' -> '$reply' (expected '$2')"; fail=1 ;;
    esac
}
