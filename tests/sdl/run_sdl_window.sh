#!/usr/bin/env bash
# The SDL window under Xvfb: FreeDOS boots in `-display sdl,scale=1` (a
# 720x400 window for the 80x25 text mode), `dir` + Enter typed with xdotool
# (X key events -> SDL scancodes -> set 2 -> the 8042) must reach the guest
# (checked with wait-screen over the -control socket), and the window's
# pixels (xwd) must equal tarsier's own screendump exactly, at 1:1 and
# letterboxed in a wider window.  The machine is paused with Ctrl+Alt+P
# while xwd reads the window, between two screendumps taken just before and
# after the pause; the window must equal one of them exactly.  The cursor
# blinks (every 16 frames of 70 Hz), so an attempt where the window matches
# neither (a blink on both sides) is repeated, up to 8 times.  Also
# checked: the title ("tarsier - N MIPS - running|halted|paused"), the mouse
# grab on a click and its release with Ctrl+Alt+G.
# Exit status 77 (SKIP) only when Xvfb cannot be installed or started.
# usage: run_sdl_window.sh TARSIER PNGCMP XWDCROP FLOPPY WORKDIR
set -u
tarsier=$1 pngcmp=$2 xwdcrop=$3 floppy=$4 work=$5
mkdir -p "$work"
rm -f "$work"/*.png "$work"/*.xwd "$work"/screen.txt
fail=0
failed() { echo "FAIL: $*"; fail=1; }
# without a display server: -display sdl is an error, the default is headless
env -u DISPLAY -u WAYLAND_DISPLAY "$tarsier" -display sdl -fda "$floppy" -snapshot -timeout 1 \
    >/dev/null 2>"$work/nodisplay.txt"
rc=$?
if [ $rc = 2 ] && grep -q -- '-display sdl:' "$work/nodisplay.txt"; then
    echo "ok: -display sdl without a display: status 2, '$(grep -- '-display sdl:' "$work/nodisplay.txt")'"
else
    failed "-display sdl without a display: status $rc"; cat "$work/nodisplay.txt"
fi
for bad in "-display vnc" "-display sdl,scale=0" "-nographic -display sdl"; do
    "$tarsier" $bad -fda "$floppy" -timeout 1 >/dev/null 2>"$work/bad.txt"
    rc=$?
    [ $rc = 2 ] || failed "'$bad': status $rc, expected 2"
done
[ $fail = 0 ] && echo "ok: bad -display options are refused (status 2)"
. "$(dirname "$0")/xvfb.sh"
xvfb_need_tools
xvfb_start
tpid=""
cleanup() {
    [ -n "$tpid" ] && kill "$tpid" 2>/dev/null && wait "$tpid" 2>/dev/null
    xvfb_stop
}
trap cleanup EXIT

port=$((20000 + ($$ + 4099) % 20000))
SDL_AUDIODRIVER=dummy "$tarsier" -display sdl,scale=1,audio=off -fda "$floppy" -snapshot -boot a \
    -control "tcp:127.0.0.1:$port" -timeout 600 >"$work/stdout.txt" 2>"$work/stderr.txt" </dev/null &
tpid=$!
for _ in $(seq 100); do
    { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null && break
    sleep 0.1
done
# send CMD EXPECTED-PREFIX: one command, one reply line
send() {
    local reply
    printf '%s\n' "$1" >&3
    if ! IFS= read -r -t 120 reply <&3; then
        failed "no reply to '$1'"
        return 1
    fi
    case $reply in
    "$2"*) return 0 ;;
    *) failed "'$1' -> '$reply' (expected '$2...')"; return 1 ;;
    esac
}
title() { xdotool getwindowname "$wid" 2>/dev/null; }
# wait_title PATTERN: until the window title matches (extended regex), 5 s at most
wait_title() {
    for _ in $(seq 100); do
        title | grep -Eq "$1" && return 0
        sleep 0.05
    done
    failed "title '$(title)' does not match '$1'"
    return 1
}
# wait_size W H
wait_size() {
    local WIDTH=0 HEIGHT=0
    for _ in $(seq 100); do
        eval "$(xdotool getwindowgeometry --shell "$wid" | grep -E '^(WIDTH|HEIGHT)=')"
        [ "$WIDTH" = "$1" ] && [ "$HEIGHT" = "$2" ] && return 0
        sleep 0.05
    done
    failed "window is ${WIDTH}x$HEIGHT, expected $1x$2"
    return 1
}
# compare NAME X Y W H: the window's rectangle must equal the screendump and
# everything around it must be black
compare() {
    local name=$1 try out
    for try in 1 2 3 4 5 6 7 8; do
        send "screendump $work/$name.a.png" ok || return 1
        xdotool key ctrl+alt+p
        wait_title ' - paused$' || return 1
        sleep 0.2
        xwd -id "$wid" -silent >"$work/$name.xwd"
        xdotool key ctrl+alt+p
        send "screendump $work/$name.b.png" ok || return 1
        wait_title ' - (running|halted)' || return 1
        if ! out=$("$xwdcrop" "$work/$name.xwd" "$work/$name.win.png" "$2" "$3" "$4" "$5"); then
            failed "$name: xwdcrop"
            return 1
        fi
        if [ "$out" != 0 ]; then
            failed "$name: $out pixels outside the frame are not black"
            return 1
        fi
        local dump
        for dump in a b; do
            if "$pngcmp" "$work/$name.win.png" "$work/$name.$dump.png" >"$work/$name.cmp.txt" 2>&1; then
                echo "ok: $name: window pixels $4x$5 at ($2,$3) equal the screendump ($(cat "$work/$name.cmp.txt"), attempt $try)"
                return 0
            fi
        done
        echo "note: $name: attempt $try: the window differs from both screendumps (cursor blink?): $(cat "$work/$name.cmp.txt")"
    done
    failed "$name: the window never matched the screendump"
    return 1
}

send 'wait-screen "A:\>" 120' ok || { cat "$work/stderr.txt"; exit 1; }
wid=$(xdotool search --name '^tarsier - ' | head -n 1)
[ -n "$wid" ] || { failed "no tarsier window"; exit 1; }
wait_title '^tarsier - [0-9]+\.[0-9] MIPS - (running|halted)$' && echo "ok: title '$(title)'"
wait_size 720 400 && echo "ok: scale=1 window is 720x400"

# keyboard: X key events into the focused window
xdotool mousemove --window "$wid" 360 200
xdotool windowfocus --sync "$wid"
xdotool type --delay 40 'dir'
xdotool key Return
if send 'wait-screen "bytes free" 20' ok && send "textdump $work/screen.txt" ok; then
    if grep -q 'COMMAND  COM' "$work/screen.txt"; then
        echo "ok: 'dir' typed into the window ran in the guest"
    else
        failed "the screen lacks the typed command"; cat "$work/screen.txt"
    fi
fi

compare scale1 0 0 720 400
# a wider window: the frame keeps its shape, centred between black bars
xdotool windowsize "$wid" 1000 400
wait_size 1000 400 && sleep 0.3 && compare letterbox 140 0 720 400

# mouse: a click grabs (title hint), Ctrl+Alt+G releases
xdotool mousemove --window "$wid" 500 200 click 1
wait_title 'Ctrl\+Alt\+G releases the mouse$' && echo "ok: a click grabs the mouse"
xdotool key ctrl+alt+g
wait_title ' - (running|halted)$' && echo "ok: Ctrl+Alt+G releases it"

# Ctrl+Alt+F (full screen) needs a window manager, which this Xvfb lacks: not checked here
send 'quit 0' 'ended 0'
exec 3>&-
wait "$tpid"
rc=$?
tpid=""
[ $rc = 0 ] || failed "exit status $rc after quit 0"
[ $fail = 0 ] || { echo "--- stderr"; grep -v '^ALSA' "$work/stderr.txt"; }
[ $fail = 0 ] && echo "ok: sdl_window"
exit $fail
