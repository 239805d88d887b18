#!/usr/bin/env bash
# Snapshots under SeaBIOS: FreeDOS booting from the 1.44 MB floppy through
# SeaBIOS's floppy driver (82077 + 8237 DMA) and the PCI display's VGA BIOS.
#   run A: -snapshot disk; `savevm` 0.3 s into the boot (the floppy being read),
#          then wait for A:\>, type VER and DIR, and `savevm` again at a fixed
#          virtual time;
#   run B: -loadvm the first snapshot, the same rest of the script.
# Virtual time is deterministic, so B's final snapshot must be byte for byte
# A's (CPU, every device, clock, RAM, VRAM, the -snapshot overlay) and the
# two text screens the same.
# usage: snapshot_seabios.sh TARSIER GUESTDIR WORKDIR
set -u
tarsier=$1 guests=$2 work=$3
mkdir -p "$work"
. "$(dirname "$0")/lib.sh"
seabios_need
img=$guests/freedos-boot-1440k.img
[ -f "$img" ] || { echo "FAIL: $img is missing"; exit 1; }
cat > "$work/rest.script" <<EOS
wait-screen "A:\\>" 60
type "ver\\n"
wait-screen "FreeCom version" 10
type "dir\\n"
wait-screen "bytes free" 10
sleep 0.5
textdump \$OUT.txt
savevm \$OUT.snap
quit 0
EOS
{ echo "sleep 0.3"; echo "savevm $work/mid.snap"; cat "$work/rest.script"; } > "$work/a.script"
sed "s|\$OUT|$work/a|g" "$work/a.script" > "$work/a.run"
sed "s|\$OUT|$work/b|g" "$work/rest.script" > "$work/b.run"
rm -f "$work"/*.snap "$work"/a.txt "$work"/b.txt
opts=(-display none -bios "$fw/bios-256k.bin" -vga-bios "$fw/vgabios-stdvga.bin" -fda "$img" -snapshot)
"$tarsier" "${opts[@]}" -script "$work/a.run"
rca=$?
"$tarsier" "${opts[@]}" -loadvm "$work/mid.snap" -script "$work/b.run"
rcb=$?
fail=0
[ $rca = 0 ] && [ $rcb = 0 ] || { echo "FAIL: exit status $rca (run A), $rcb (run B)"; fail=1; }
grep -q "bytes free" "$work/b.txt" 2>/dev/null || { echo "FAIL: run B's screen lacks the DIR output"; fail=1; }
cmp -s "$work/a.txt" "$work/b.txt" || { echo "FAIL: the text screens differ"; diff "$work/a.txt" "$work/b.txt"; fail=1; }
if cmp -s "$work/a.snap" "$work/b.snap"; then
    echo "ok: run B's final snapshot is byte for byte run A's ($(stat -c %s "$work/a.snap") bytes)"
else
    echo "FAIL: the final snapshots differ: $(cmp "$work/a.snap" "$work/b.snap" 2>&1)"
    fail=1
fi
cat "$work/b.txt"
[ $fail = 0 ] && echo PASS
exit $fail
