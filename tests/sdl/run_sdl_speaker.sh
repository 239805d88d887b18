#!/usr/bin/env bash
# The PC speaker through SDL audio: tests/sdl/beep.asm, booted from a floppy
# in an SDL window under Xvfb (default display options: the 80x25 text frame
# shown 4:3 in a 720x540 window), plays 1000 Hz for 9 BIOS ticks, 5 ticks of
# silence, then 2002 Hz for 9 ticks.  SDL's "disk" audio driver writes what
# tarsier queued (44.1 kHz signed 16-bit mono) to a file, which must hold
# exactly those two tones: frequency within 1 %, length 9 ticks (0.494 s)
# within 10 %, the silence between them 5 ticks (0.275 s) from -25 % to
# +0.25 s (a device that ran dry under host load gets up to 200 ms more
# silence queued ahead of the next sound).
# SDL_DISKAUDIODELAY=12: the disk driver's default pace (11 ms per 11.6 ms
# buffer of 512 samples) would drain the queue faster than real time.
# Exit status 77 (SKIP) only when Xvfb cannot be installed or started.
# usage: run_sdl_speaker.sh TARSIER BEEP.asm WORKDIR
set -u
tarsier=$1 src=$2 work=$3
mkdir -p "$work"
. "$(dirname "$0")/xvfb.sh"
xvfb_need_tools
xvfb_start
trap xvfb_stop EXIT
img="$work/beep.img" raw="$work/audio.raw" out="$work/beep.out"
rm -f "$raw" "$out"
if ! nasm -f bin -o "$img" "$src"; then
    echo "FAIL: beep.asm does not assemble"
    exit 1
fi
truncate -s 1474560 "$img"
SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE="$raw" SDL_DISKAUDIODELAY=12 \
    "$tarsier" -display sdl -fda "$img" -boot a -debugcon "file:$out" -exit-on-halt -timeout 30 \
    >"$work/stdout.txt" 2>"$work/stderr.txt" </dev/null &
tpid=$!
# the window while it plays: 4:3 for the 720x400 text frame
geom=""
for _ in $(seq 50); do
    wid=$(xdotool search --name '^tarsier - ' 2>/dev/null | head -n 1)
    [ -n "$wid" ] && geom=$(xdotool getwindowgeometry "$wid" | sed -n 's/.*Geometry: //p') && break
    sleep 0.1
done
wait "$tpid"
rc=$?
fail=0
if [ "$geom" = 720x540 ]; then
    echo "ok: default window 720x540 (4:3) for the 720x400 text frame"
else
    echo "FAIL: window geometry '$geom', expected 720x540"
    fail=1
fi
if [ $rc != 0 ] || [ "$(tail -n 1 "$out" 2>/dev/null)" != PASS ]; then
    echo "FAIL: beep guest: exit status $rc, debug port '$(cat "$out" 2>/dev/null)'"
    cat "$work/stderr.txt"
    exit 1
fi
if [ ! -s "$raw" ]; then
    echo "FAIL: SDL's disk audio driver wrote nothing to $raw"
    cat "$work/stderr.txt"
    exit 1
fi
python3 - "$raw" <<'EOF' || fail=1
import struct, sys
data = open(sys.argv[1], 'rb').read()
s = struct.unpack('<%dh' % (len(data) // 2), data[:len(data) // 2 * 2])
rate = 44100
# tones: runs of non-zero samples; a gap of 150 ms or more separates two
# tones (shorter gaps are the device running dry under host load: the samples
# come later, none are lost, so a tone's length is its count of non-zero samples)
tones, start, last = [], None, None
for i, v in enumerate(s):
    if v:
        if start is None or i - last > rate * 15 // 100:
            if start is not None:
                tones.append((start, last))
            start = i
        last = i
if start is not None:
    tones.append((start, last))
tick = 65536 / 1193182
want = [(1193182 / 1193, 9 * tick), (1193182 / 596, 9 * tick)]
ok = len(tones) == 2
if not ok:
    print("FAIL: %d tones in the audio, expected 2: %s" % (len(tones), [(a / rate, b / rate) for a, b in tones]))
for k, (a, b) in enumerate(tones[:2]):
    seg = [v for v in s[a:b + 1] if v]
    secs = len(seg) / rate
    rising = sum(1 for i in range(1, len(seg)) if seg[i - 1] < 0 < seg[i])
    dry = sum(1 for i in range(a + 1, b + 1) if s[i] == 0 and s[i - 1] != 0)
    if dry:
        print("note: tone %d: the device ran dry %d times (host load)" % (k + 1, dry))
    hz = rising / secs
    f, d = want[k]
    good = abs(hz - f) <= f * 0.01 and abs(secs - d) <= d * 0.10
    print("%s: tone %d: %.1f Hz for %.3f s (expected %.1f Hz, %.3f s)" % ("ok" if good else "FAIL", k + 1, hz, secs, f, d))
    ok = ok and good
if len(tones) == 2:
    gap = (tones[1][0] - tones[0][1]) / rate
    good = 5 * tick * 0.75 <= gap <= 5 * tick + 0.25
    print("%s: silence between the tones %.3f s (expected %.3f s)" % ("ok" if good else "FAIL", gap, 5 * tick))
    ok = ok and good
sys.exit(0 if ok else 1)
EOF
[ $fail = 0 ] && echo "ok: sdl_speaker"
exit $fail
