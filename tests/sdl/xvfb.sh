# xvfb.sh - sourced by the SDL window tests: make sure Xvfb, xdotool and xwd
# are there (installing the Debian packages when running as root, like the
# other test scripts do), start a private Xvfb and export its DISPLAY.  Exits
# with 77 (ctest SKIP) when the tools cannot be installed or Xvfb does not
# start; the caller's EXIT trap should call xvfb_stop.
# Needs $work (the test's work directory).

xvfb_need_tools() {
    local missing=""
    command -v Xvfb >/dev/null 2>&1 || missing="$missing xvfb"
    command -v xdotool >/dev/null 2>&1 || missing="$missing xdotool"
    command -v xwd >/dev/null 2>&1 || missing="$missing x11-apps"
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing$missing"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >"$work/apt.log" 2>&1 ||
            { apt-get update -qq >>"$work/apt.log" 2>&1 &&
              DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >>"$work/apt.log" 2>&1; }
    fi
    if ! command -v Xvfb >/dev/null 2>&1 || ! command -v xdotool >/dev/null 2>&1 ||
       ! command -v xwd >/dev/null 2>&1; then
        echo "SKIP: cannot install$missing (needs root and apt-get)"
        exit 77
    fi
}

xvfb_pid=""
xvfb_start() {
    rm -f "$work/xvfb.display"
    # -displayfd: the server picks a free display number and writes it to fd 3
    Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$work/xvfb.display" >"$work/xvfb.log" 2>&1 &
    xvfb_pid=$!
    local n=""
    for _ in $(seq 100); do
        n=$(cat "$work/xvfb.display" 2>/dev/null)
        [ -n "$n" ] && DISPLAY=":$n" xdotool getdisplaygeometry >/dev/null 2>&1 && break
        n=""
        kill -0 "$xvfb_pid" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$n" ]; then
        echo "SKIP: Xvfb does not start"
        cat "$work/xvfb.log"
        xvfb_stop
        exit 77
    fi
    export DISPLAY=":$n"
    unset WAYLAND_DISPLAY
}

xvfb_stop() {
    if [ -n "$xvfb_pid" ]; then
        kill "$xvfb_pid" 2>/dev/null
        wait "$xvfb_pid" 2>/dev/null
        xvfb_pid=""
    fi
}
