#!/usr/bin/env bash
# Bad input gets a clear error (exit status 2 and a message), never a crash.
set -u
tarsier=$1 work=$2
mkdir -p "$work"
fail=0
expect_error() {
    local what=$1 pattern=$2; shift 2
    local msg rc
    msg=$("$tarsier" "$@" 2>&1 >/dev/null); rc=$?
    if [ $rc = 2 ] && echo "$msg" | grep -q -- "$pattern"; then
        echo "ok: $what: $msg"
    else
        echo "FAIL: $what (status $rc, message '$msg')"
        fail=1
    fi
}
head -c 1000 /dev/urandom > "$work/odd.rom"
: > "$work/empty.rom"
head -c 65536 /dev/zero > "$work/zero.rom"
expect_error "missing ROM file" "cannot open" -bios "$work/nonexistent.rom"
expect_error "empty ROM" "multiple of 4 KiB" -bios "$work/empty.rom"
expect_error "odd-sized ROM" "multiple of 4 KiB" -bios "$work/odd.rom"
expect_error "ROM is a directory" "bios" -bios "$work"
expect_error "unknown option" "unknown option" -frobnicate
expect_error "unknown CPU" "unknown model" -cpu z80 -bios "$work/zero.rom"
expect_error "bad -m" "-m" -m lots -bios "$work/zero.rom"
expect_error "bad -timeout" "-timeout" -timeout -3 -bios "$work/zero.rom"
expect_error "bad -debugcon" "-debugcon" -debugcon tcp:1 -bios "$work/zero.rom"
expect_error "bad -postcode port" "-postcode" -postcode "file:$work/p,port=70000" -bios "$work/zero.rom"
expect_error "bad -d" "unknown trace category" -d bogus -bios "$work/zero.rom"
expect_error "missing argument" "needs an argument" -bios
# -vga-bios: the PCI display's expansion ROM image; one line naming the file
head -c 262145 /dev/zero > "$work/big.vgarom"
expect_error "missing video BIOS" "-vga-bios: cannot open '$work/none.vgarom'" -vga-bios "$work/none.vgarom"
expect_error "empty video BIOS" "-vga-bios: '$work/empty.rom' is empty" -vga-bios "$work/empty.rom"
expect_error "oversized video BIOS" "'$work/big.vgarom' is larger than 256 KiB" -vga-bios "$work/big.vgarom"
expect_error "video BIOS is a directory" "-vga-bios: cannot read '$work'" -vga-bios "$work"
expect_error "missing -vga-bios argument" "needs an argument" -vga-bios
n=$("$tarsier" -vga-bios "$work/big.vgarom" 2>&1 >/dev/null | wc -l)
[ "$n" = 1 ] || { echo "FAIL: the -vga-bios error is $n lines, not one"; fail=1; }
# disks, kernels and scripts
head -c 1000 /dev/zero > "$work/odd.img"
head -c 1474560 /dev/zero > "$work/blank144.img"
head -c 737792 /dev/zero > "$work/oddfloppy.img"
head -c 65536 /dev/urandom > "$work/garbage.kernel"
expect_error "missing floppy image" "cannot open disk image" -fda "$work/none.img"
expect_error "floppy of an unknown size" "not a known floppy size" -fda "$work/oddfloppy.img"
expect_error "hard disk not a multiple of 512" "multiple of 512" -hda "$work/odd.img"
expect_error "disk image is a directory" "disk image" -hda "$work"
expect_error "bad boot order" "-boot" -boot x -fda "$work/blank144.img"
expect_error "kernel that is not a bzImage" "not a Linux bzImage" -kernel "$work/garbage.kernel"
expect_error "missing kernel" "cannot open" -kernel "$work/none.kernel"
expect_error "-initrd without -kernel" "need -kernel" -initrd "$work/garbage.kernel"
expect_error "missing script" "-script" -script "$work/none.script" -fda "$work/blank144.img"
expect_error "bad -rtc" "-rtc" -rtc base=yesterday -fda "$work/blank144.img"
expect_error "built-in BIOS on an 8086" "286 or later" -cpu 8086 -fda "$work/blank144.img"
# an empty floppy boots nothing: the BIOS says so and the run ends
msg=$("$tarsier" -fda "$work/blank144.img" -boot a -timeout 5 -textdump - 2>&1)
if echo "$msg" | grep -q "No bootable device"; then echo "ok: blank floppy: No bootable device"; else echo "FAIL: blank floppy: $msg"; fail=1; fi
# a script with a bad command fails with status 3 naming the line
printf 'sleep 0.01\nfrobnicate\n' > "$work/bad.script"
perl -e 'print "\xEB\xFE" x 32768' > "$work/spin.rom"   # jmp $ everywhere, from the reset vector on
msg=$("$tarsier" -bios "$work/spin.rom" -script "$work/bad.script" 2>&1); rc=$?
if [ $rc = 3 ] && echo "$msg" | grep -q "bad.script:2: unknown command"; then echo "ok: script error names its line"; else echo "FAIL: script error (status $rc): $msg"; fail=1; fi
printf 'mouse 5 5 0\nmouse 5 5 8\n' > "$work/mouse.script"   # buttons are bits 0-2
msg=$("$tarsier" -bios "$work/spin.rom" -script "$work/mouse.script" 2>&1); rc=$?
if [ $rc = 3 ] && echo "$msg" | grep -q "mouse.script:2: bad arguments for 'mouse'"; then echo "ok: mouse arguments checked"; else echo "FAIL: mouse script (status $rc): $msg"; fail=1; fi
# a ROM of zero bytes executes ADD [BX+SI],AL forever: must stop at the time limit
"$tarsier" -bios "$work/zero.rom" -timeout 0.05; rc=$?
if [ $rc = 124 ]; then echo "ok: zero ROM runs until the time limit"; else echo "FAIL: zero ROM status $rc"; fail=1; fi
# random ROMs: whatever the guest does, the host must not crash
for seed in 1 2 3 4 5 6 7 8 9 10 11 12; do
    perl -e "srand($seed); print map chr(int rand 256), 1..65536" > "$work/rand$seed.rom"
    for model in 8086 286 pentium-pro; do
        "$tarsier" -cpu $model -bios "$work/rand$seed.rom" -timeout 0.005 >/dev/null 2>&1; rc=$?
        if [ $rc -ge 128 ]; then echo "FAIL: random ROM $seed on $model crashed (status $rc)"; fail=1; fi
    done
done
echo "random ROMs: done"
exit $fail
