#!/usr/bin/env bash
# FreeDOS boots to A:\> from each test floppy with the built-in BIOS; scripted
# input runs VER and DIR and the text-screen dumps show their output.
# usage: boot_freedos.sh TARSIER GUESTDIR WORKDIR
set -u
tarsier=$1 guests=$2 work=$3
mkdir -p "$work"
fail=0
for img in freedos722.img freedos-boot-1440k.img; do
    if [ ! -f "$guests/$img" ]; then
        echo "FAIL: $guests/$img is missing"
        fail=1
        continue
    fi
    cat > "$work/$img.script" <<EOS
wait-screen "A:\\>" 60
type "ver\\n"
wait-screen "FreeCom version" 10
textdump $work/$img.ver.txt
type "dir\\n"
wait-screen "bytes free" 10
textdump $work/$img.dir.txt
quit 0
EOS
    start=$(date +%s.%N)
    "$tarsier" -fda "$guests/$img" -snapshot -script "$work/$img.script"
    rc=$?
    end=$(date +%s.%N)
    if [ $rc != 0 ]; then
        echo "FAIL: $img: script exit status $rc"
        fail=1
        continue
    fi
    if grep -q "FreeCom version" "$work/$img.ver.txt" && grep -q "COMMAND  COM" "$work/$img.dir.txt" &&
       grep -q "bytes free" "$work/$img.dir.txt"; then
        printf 'ok: %s boots, VER and DIR run (%s s wall)\n' "$img" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')"
    else
        echo "FAIL: $img: the screen does not show the VER/DIR output"
        cat "$work/$img.dir.txt"
        fail=1
    fi
done
exit $fail
