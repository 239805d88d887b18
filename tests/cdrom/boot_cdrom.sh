#!/usr/bin/env bash
# El Torito no-emulation boot from an ISO made with xorriso (installed with
# apt-get when missing; skipped, status 77, when it cannot be): the boot image
# tests/cdrom/cdboot.asm checks INT 13h on drive E0h and the ATAPI drive and
# exits through port F4h with 10h (status 33); Debian's isolinux to its
# boot: prompt; with SeaBIOS installed, the same CD and a hard disk
# (tests/cdrom/hdboot.asm) booted by SeaBIOS through the emulated IDE
# controller.  Also the drive options' bad input: one line naming the file or
# key, status 2.
# usage: boot_cdrom.sh TARSIER SRCDIR WORKDIR
set -u
tarsier=$1 src=$2 work=$3
mkdir -p "$work"
if ! command -v xorriso >/dev/null || ! command -v nasm >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        (apt-get install -y -qq xorriso nasm || { apt-get update -qq && apt-get install -y -qq xorriso nasm; }) \
            >/dev/null 2>&1
    fi
fi
if ! command -v xorriso >/dev/null || ! command -v nasm >/dev/null; then
    echo "SKIP: xorriso or nasm not available"
    exit 77
fi
fail=0
rm -rf "$work/root"
mkdir -p "$work/root"
nasm -f bin -I"$src/" -o "$work/root/boot.bin" "$src/cdboot.asm" || exit 1
echo "tarsier CD test" > "$work/root/readme.txt"
xorriso -as mkisofs -quiet -o "$work/cd.iso" -b boot.bin -no-emul-boot -boot-load-size 4 -boot-info-table \
    "$work/root" >/dev/null 2>&1 || { echo "FAIL: xorriso"; exit 1; }

run() { # name expected-status options...
    local name=$1 want=$2; shift 2
    "$tarsier" -debugcon "file:$work/$name.out" -timeout 10 "$@" >/dev/null 2>"$work/$name.err"
    local rc=$?
    if [ $rc = "$want" ] && grep -qx PASS "$work/$name.out"; then
        echo "ok: $name"
    else
        echo "FAIL: $name (status $rc, want $want)"; cat "$work/$name.out" "$work/$name.err"; fail=1
    fi
}
run cdrom_boot 33 -cdrom "$work/cd.iso" -boot d
run drive_cdrom 33 -drive "file=$work/cd.iso,if=ide,media=cdrom,index=2,readonly=on" -boot d
# the default boot order ends with the CD-ROM; no floppy or disk comes first
run default_order 33 -cdrom "$work/cd.iso"

# Debian's isolinux (packages isolinux, syslinux-common) to its boot: prompt
isl=/usr/lib/ISOLINUX/isolinux.bin ldl=/usr/lib/syslinux/modules/bios/ldlinux.c32
if [ ! -f $isl ] || [ ! -f $ldl ]; then
    [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq isolinux syslinux-common >/dev/null 2>&1
fi
if [ -f $isl ] && [ -f $ldl ]; then
    rm -rf "$work/isl"
    mkdir -p "$work/isl/isolinux"
    cp $isl $ldl "$work/isl/isolinux/"
    printf 'SERIAL 0 9600\nPROMPT 1\nTIMEOUT 0\nSAY tarsier-isolinux-config-read\nDEFAULT x\nLABEL x\n  KERNEL x\n' \
        > "$work/isl/isolinux/isolinux.cfg"
    xorriso -as mkisofs -quiet -o "$work/isl.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot \
        -boot-load-size 4 -boot-info-table "$work/isl" >/dev/null 2>&1
    printf 'wait-screen "boot:" 30\ntextdump %s\nquit 0\n' "$work/isl.screen" > "$work/isl.script"
    "$tarsier" -cdrom "$work/isl.iso" -boot d -script "$work/isl.script" >/dev/null 2>&1
    rc=$?
    if [ $rc = 0 ] && grep -q "ISOLINUX" "$work/isl.screen" && grep -q "tarsier-isolinux-config-read" "$work/isl.screen"
    then
        echo "ok: isolinux prompt"
    else
        echo "FAIL: isolinux (status $rc)"; cat "$work/isl.screen" 2>/dev/null; fail=1
    fi
else
    echo "note: isolinux not installed; its boot is not tested"
fi

# SeaBIOS (Debian's seabios package, when installed) boots the same discs
# through the emulated PIIX IDE controller and ATAPI drive
sea=/usr/share/seabios/bios.bin
if [ -f $sea ]; then
    run seabios_cdrom 33 -bios $sea -cdrom "$work/cd.iso" -boot d
    nasm -f bin -I"$src/" -o "$work/hd.img" "$src/hdboot.asm" && truncate -s 2M "$work/hd.img" &&
        run seabios_hd 33 -bios $sea -hda "$work/hd.img" -snapshot
    if [ -f "$work/isl.iso" ]; then
        # (SAY prints on the screen only; output on COM1 shows the SERIAL line of the config was read)
        printf 'wait-serial "ISOLINUX" 30\nwait-serial "boot:" 10\nquit 0\n' > "$work/sea.script"
        if "$tarsier" -bios $sea -cdrom "$work/isl.iso" -boot d -script "$work/sea.script" >/dev/null 2>&1; then
            echo "ok: isolinux prompt under SeaBIOS (serial console)"
        else
            echo "FAIL: isolinux under SeaBIOS"; fail=1
        fi
    fi
else
    echo "note: SeaBIOS not installed; the external-firmware CD boot is not tested"
fi

expect_error() {
    local what=$1 pattern=$2; shift 2
    local msg rc
    msg=$("$tarsier" -timeout 1 "$@" 2>&1 >/dev/null); rc=$?
    if [ $rc = 2 ] && [ "$(echo "$msg" | wc -l)" = 1 ] && echo "$msg" | grep -q -- "$pattern"; then
        echo "ok: $what: $msg"
    else
        echo "FAIL: $what (status $rc, message '$msg')"; fail=1
    fi
}
head -c 1000 /dev/zero > "$work/small.iso"
head -c 3072 /dev/zero > "$work/odd.iso"
expect_error "missing CD image" "none.iso" -cdrom "$work/none.iso"
expect_error "CD image too small" "small.iso.*2048" -cdrom "$work/small.iso"
expect_error "CD image not a multiple of 2048" "odd.iso.*2048" -cdrom "$work/odd.iso"
expect_error "unknown -drive key" "unknown key 'bogus'" -drive "file=$work/cd.iso,bogus=1"
expect_error "bad media" "media=tape" -drive "file=$work/cd.iso,media=tape"
expect_error "bad interface" "if=scsi" -drive "file=$work/cd.iso,if=scsi"
expect_error "bad index" "index=7" -drive "file=$work/cd.iso,index=7"
expect_error "slot taken" "already in use" -cdrom "$work/cd.iso" -hdc "$work/cd.iso"
expect_error "disk without file" "needs file" -drive "if=ide,media=disk"
expect_error "missing -drive disk" "none.img" -drive "file=$work/none.img,if=ide"
exit $fail
