#!/usr/bin/env bash
# snapshot_linux.sh TARSIER PKGDIR WORKDIR - a snapshot of Debian Linux taken
# while the CD drive is busy, restored in a second tarsier process, must carry
# on exactly as the first one did.
#   run A: boot (-kernel, ata_piix + sr_mod, a CD on the secondary master) to
#          the shell, start reading 2 MiB from /dev/sr0 by bus-master DMA in
#          eight dd runs; when the first one's md5 is printed and 2 ms
#          (virtual) later, with the next reads under way, `savevm`; then let
#          the reads finish and power off;
#   run B: -loadvm the snapshot, `savevm` again at once (must be the same
#          bytes), then the same rest of the script.
# Virtual time is deterministic, so B's serial output must be exactly the
# tail of A's (everything A printed after the snapshot), with the md5 sums of
# the CD's data equal to the host's, and both must power off with status 0.
set -u
tarsier=$1 pkgs=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
mkdir -p "$work"
linux_fetch "$pkgs" || { echo "FAIL: cannot fetch Debian's kernel and busybox"; exit 1; }
linux_initramfs "$work/initrd.gz" ata_piix sr_mod || { echo "FAIL: initramfs"; exit 1; }
need_tools xorriso:xorriso || { echo "FAIL: cannot install xorriso"; exit 1; }
rm -rf "$work/cdroot" && mkdir -p "$work/cdroot"
head -c $((2 << 20)) /dev/urandom > "$work/cdroot/data.bin"
xorriso -as mkisofs -quiet -o "$work/cd.iso" "$work/cdroot" >/dev/null 2>&1 || { echo "FAIL: xorriso"; exit 1; }
sums=()
for i in 0 1 2 3 4 5 6 7; do
    sums+=("$(tail -c +$((i * 262144 + 1)) "$work/cd.iso" | head -c 262144 | md5sum | cut -d' ' -f1)")
done
# the part both runs share, after the snapshot point
cat > "$work/rest.script" <<'EOS'
wait-serial "READS-END" 120
type-serial "cat /proc/uptime; echo UP-E''ND\n"
wait-serial "UP-END" 30
type-serial "poweroff -f\n"
EOS
{
    echo 'wait-serial "shell ready" 300'
    echo 'type-serial "for i in 0 1 2 3 4 5 6 7; do dd if=/dev/sr0 bs=65536 count=4 skip=$((i*4)) 2>/dev/null | md5sum; done; echo READS-E'"''"'ND\n"'
    echo "wait-serial \"${sums[0]}\" 60"
    echo 'sleep 0.002'
    echo "savevm $work/linux.snap"
    cat "$work/rest.script"
} > "$work/a.script"
{ echo "savevm $work/reload.snap"; cat "$work/rest.script"; } > "$work/b.script"
rm -f "$work/linux.snap" "$work/reload.snap"
opts=(-m 128 -kernel "$LINUX_KERNEL" -initrd "$work/initrd.gz" -append "console=ttyS0 nokaslr cryptomgr.notests"
      -cdrom "$work/cd.iso" -display none -timeout 600)
start=$(date +%s)
"$tarsier" "${opts[@]}" -serial "file:$work/a.serial" -script "$work/a.script" </dev/null
rca=$?
mid=$(date +%s)
"$tarsier" "${opts[@]}" -loadvm "$work/linux.snap" -serial "file:$work/b.serial" -script "$work/b.script" </dev/null
rcb=$?
end=$(date +%s)
fail=0
[ $rca = 0 ] || { echo "FAIL: run A ended with status $rca"; fail=1; }
[ $rcb = 0 ] || { echo "FAIL: run B (restored) ended with status $rcb"; fail=1; }
[ -s "$work/linux.snap" ] || { echo "FAIL: no snapshot written"; fail=1; }
# loaded and saved again at once: the same bytes (nothing lost in a round trip)
cmp -s "$work/linux.snap" "$work/reload.snap" ||
    { echo "FAIL: the snapshot saved right after -loadvm differs from the one loaded"; fail=1; }
echo "--- run B's serial output (after the restore):"
tr -d '\r' < "$work/b.serial"
echo "---"
a_len=$(stat -c %s "$work/a.serial") b_len=$(stat -c %s "$work/b.serial")
if [ "$b_len" -lt 100 ] || ! cmp -s <(tail -c "$b_len" "$work/a.serial") "$work/b.serial"; then
    echo "FAIL: run B's output ($b_len bytes) is not the tail of run A's ($a_len bytes)"
    fail=1
fi
for s in "${sums[@]}"; do
    grep -q -- "$s" "$work/a.serial" || { echo "FAIL: the md5 $s of a 256 KiB piece of the CD was not printed"; fail=1; }
done
for s in READS-END UP-END "Preparing to enter system sleep state S5"; do
    grep -q -- "$s" "$work/b.serial" || { echo "FAIL: no '$s' in run B's output"; fail=1; }
done
# the snapshot was taken with the reads under way: the first sum before it,
# later ones after it
n_after=0
for s in "${sums[@]}"; do grep -q -- "$s" "$work/b.serial" && n_after=$((n_after + 1)); done
[ "$n_after" -ge 1 ] && ! grep -q -- "${sums[0]}" "$work/b.serial" ||
    { echo "FAIL: $n_after reads finished after the snapshot, expected some (and not the first)"; fail=1; }
grep -E "ata[0-9].*(failed|timeout|error)|DMA disabled|exception Emask" "$work/b.serial" &&
    { echo "FAIL: ATA errors after the restore"; fail=1; }
echo "snapshot $(stat -c %s "$work/linux.snap") bytes; run A $((mid - start)) s, run B $((end - mid)) s wall;" \
     "B's $b_len bytes of output equal the last $b_len of A's $a_len"
[ $fail = 0 ] && echo PASS
exit $fail
