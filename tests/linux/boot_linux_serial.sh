#!/usr/bin/env bash
# Debian Linux on the serial console: linux-image-686:i386 + a busybox
# initramfs (ata_piix, sd_mod, ext4-for-ext2 and their dependencies from the
# kernel package) with console=ttyS0, booted one of three ways (MODE):
#   kernel  -kernel/-initrd
#   iso     an isolinux CD image (El Torito, no emulation) on the ATAPI drive
#   hdd     an IDE hard-disk image: MBR + a FAT partition with syslinux
#           (extlinux needs a mounted file system to install; syslinux's
#           mtools installer does not)
# The data disk is the primary slave (-hdb) in every mode; kernel mode adds
# a raw disk (primary master) and a CD (secondary master) read and written
# by DMA (this replaces the former boot_linux_ide test).  Extra tarsier
# options (e.g. -bios bios-256k.bin) follow MODE; APPEND=... in the
# environment adds kernel parameters (e.g. APPEND=pci=bios).  A script
# drives the shell through COM1: `cat /proc/cpuinfo`, `ls /sys/bus/pci/devices`
# (the i440FX/PIIX functions must be there), mount the ext2 file system on the
# second IDE disk and compare a file's SHA-256 with the host's, then
# `poweroff -f`, which must end tarsier (ACPI S5) with status 0.
# usage: boot_linux_serial.sh TARSIER PKGDIR WORKDIR MODE [extra tarsier options, e.g. -bios FILE]
# (PKGDIR caches the Debian packages, shared by the Linux tests)
set -u
tarsier=$1 pkgs=$2 work=$3 mode=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
mkdir -p "$work"
linux_fetch "$pkgs" || { echo "FAIL: cannot fetch Debian's kernel and busybox"; exit 1; }
linux_initramfs "$work/initrd-ata.gz" ata_piix sd_mod sr_mod crc32c_generic ext4 || { echo "FAIL: initramfs"; exit 1; }
# the data disk: 8 MiB of ext2 holding 1 MiB of random bytes
rm -rf "$work/data" && mkdir -p "$work/data"
head -c 1048576 /dev/urandom > "$work/data/data.bin"
sum=$(sha256sum "$work/data/data.bin" | cut -d' ' -f1)
rm -f "$work/disk2.img"
mke2fs -q -F -t ext2 -d "$work/data" "$work/disk2.img" 8M || { echo "FAIL: mke2fs"; exit 1; }
# kernel mode also puts a raw disk on the primary master and a CD on the
# secondary master: md5 of reads through sd and sr (bus-master DMA), a write
# from the CD to the disk that must reach the image, MWDMA2 on both drives
ide_steps=""
if [ "$mode" = kernel ]; then
    need_tools xorriso:xorriso || { echo "FAIL: cannot install xorriso"; exit 1; }
    head -c $((8 << 20)) /dev/urandom > "$work/disk.img"
    rm -rf "$work/cdroot" && mkdir -p "$work/cdroot"
    head -c $((2 << 20)) /dev/urandom > "$work/cdroot/data.bin"
    xorriso -as mkisofs -quiet -o "$work/cd.iso" "$work/cdroot" >/dev/null 2>&1 || { echo "FAIL: xorriso"; exit 1; }
    sda_md5=$(head -c $((4 << 20)) "$work/disk.img" | md5sum | cut -d' ' -f1)
    sr0_md5=$(head -c $((1 << 20)) "$work/cd.iso" | md5sum | cut -d' ' -f1)
    ide_steps='type-serial "for d in /sys/class/ata_device/*; do echo MODE:$(cat $d/xfer_mode); done; echo MODES-E'"''"'ND\n"
wait-serial "MODES-END" 30
type-serial "dd if=/dev/sda bs=65536 count=64 2>/dev/null | md5sum; echo SDA-E'"''"'ND\n"
wait-serial "SDA-END" 120
type-serial "dd if=/dev/sr0 bs=65536 count=16 2>/dev/null | md5sum; echo SR0-E'"''"'ND\n"
wait-serial "SR0-END" 120
type-serial "dd if=/dev/sr0 of=/dev/sda bs=65536 count=16 seek=64 2>/dev/null; sync; echo WRITE-E'"''"'ND\n"
wait-serial "WRITE-END" 120'
fi
# the data disk is the second SCSI disk when a hard disk sits before it
datadev=sdb
[ "$mode" = iso ] && datadev=sda
# firmware images named on the command line come from Debian's seabios package
for a in "$@"; do
    case $a in /usr/share/seabios/*) need_tools "seabios:$a" || exit 1 ;; esac
done
# (markers are typed split, e.g. :P''CI, so the terminal's echo of a command
# never satisfies a wait)
cat > "$work/serial.script" <<EOS
wait-serial "shell ready" 300
type-serial "cat /proc/cpuinfo | head -8\n"
wait-serial "model name" 30
type-serial "dmesg | grep -i -E 'pci|acpi|firmware|sci|ata|sd ' ; echo DMESG-E''ND\n"
wait-serial "DMESG-END" 60
type-serial "echo PCI:; ls /sys/bus/pci/devices; echo :P''CI\n"
wait-serial ":PCI" 30
type-serial "mount -t ext2 -o ro /dev/$datadev /mnt && sha256sum /mnt/data.bin; echo SUM-E''ND\n"
wait-serial "SUM-END" 60
$ide_steps
type-serial "poweroff -f\n"
EOS
append="console=ttyS0 ${APPEND:-}"
case $mode in
kernel)
    boot=(-kernel "$LINUX_KERNEL" -initrd "$work/initrd-ata.gz" -append "$append" -hda "$work/disk.img"
          -cdrom "$work/cd.iso") ;;
iso)
    need_tools xorriso:xorriso isolinux:/usr/lib/ISOLINUX/isolinux.bin \
        syslinux-common:/usr/lib/syslinux/modules/bios/ldlinux.c32 || exit 1
    rm -rf "$work/iso" && mkdir -p "$work/iso/isolinux"
    cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$work/iso/isolinux/"
    cp "$LINUX_KERNEL" "$work/iso/vmlinuz" && cp "$work/initrd-ata.gz" "$work/iso/initrd.gz"
    printf 'DEFAULT linux\nPROMPT 0\nLABEL linux\n  KERNEL /vmlinuz\n  APPEND initrd=/initrd.gz %s\n' \
        "$append" > "$work/iso/isolinux/isolinux.cfg"
    xorriso -as mkisofs -quiet -o "$work/boot.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
        -no-emul-boot -boot-load-size 4 -boot-info-table "$work/iso" || { echo "FAIL: xorriso"; exit 1; }
    boot=(-cdrom "$work/boot.iso" -boot d) ;;
hdd)
    need_tools syslinux:syslinux mtools:mcopy dosfstools:mkfs.fat fdisk:sfdisk \
        syslinux-common:/usr/lib/syslinux/mbr/mbr.bin || exit 1
    img=$work/hd.img
    rm -f "$img" && truncate -s 64M "$img"
    echo 'start=2048, type=c, bootable' | sfdisk -q "$img" || { echo "FAIL: sfdisk"; exit 1; }
    mkfs.fat -F 32 --offset 2048 "$img" $(( (64 * 1024) - 1024 )) >/dev/null || { echo "FAIL: mkfs.fat"; exit 1; }
    printf 'DEFAULT linux\nPROMPT 0\nLABEL linux\n  KERNEL /vmlinuz\n  APPEND initrd=/initrd.gz %s\n' \
        "$append" > "$work/syslinux.cfg"
    cp "$LINUX_KERNEL" "$work/vmlinuz"
    cp "$work/initrd-ata.gz" "$work/initrd.gz"
    MTOOLS_SKIP_CHECK=1 mcopy -i "$img@@1M" "$work/vmlinuz" "$work/initrd.gz" "$work/syslinux.cfg" :: \
        || { echo "FAIL: mcopy"; exit 1; }
    syslinux --offset $((2048 * 512)) --install "$img" || { echo "FAIL: syslinux --install"; exit 1; }
    dd if=/usr/lib/syslinux/mbr/mbr.bin of="$img" bs=440 count=1 conv=notrunc 2>/dev/null
    boot=(-hda "$img" -boot c) ;;
*)
    echo "usage: boot_linux_serial.sh TARSIER PKGDIR WORKDIR kernel|iso|hdd [options]"; exit 2 ;;
esac
start=$(date +%s)
"$tarsier" -m 256 "${boot[@]}" -hdb "$work/disk2.img" -serial "file:$work/serial.log" \
    -script "$work/serial.script" -timeout 600 "$@" </dev/null
rc=$?
end=$(date +%s)
tr -d '\r' < "$work/serial.log" | sed -n '/shell ready/,$p'
fail=0
grep -q "model name.*Pentium" "$work/serial.log" || { echo "FAIL: no /proc/cpuinfo output"; fail=1; }
for f in 0000:00:00.0 0000:00:01.0 0000:00:01.1 0000:00:01.3; do
    grep -q "$f" "$work/serial.log" || { echo "FAIL: PCI function $f not listed"; fail=1; }
done
grep -q "$sum" "$work/serial.log" || { echo "FAIL: the SHA-256 of data.bin on the ext2 disk differs or was not printed"; fail=1; }
for want in "ACPI: FACP" "ACPI: Interpreter enabled" "ACPI: PM: (supports S0 S5)" "PCI Root Bridge \[PCI0\]" \
    "Preparing to enter system sleep state S5"; do
    grep -q "$want" "$work/serial.log" || { echo "FAIL: no '$want' in the kernel log"; fail=1; }
done
if [ "$mode" = kernel ]; then
    log=$work/serial.log
    # /sys/class/ata_device lists all four slots; the empty one stays PIO_SLOW
    [ "$(grep -a -c "^MODE:XFER_MW_DMA_2" "$log")" = 3 ] ||
        { echo "FAIL: the two disks and the CD are not all in MWDMA2"; fail=1; }
    for want in "TARSIER HARDDISK" "TARSIER CD-ROM" "$sda_md5" "$sr0_md5" "WRITE-END"; do
        grep -q -- "$want" "$log" || { echo "FAIL: no '$want' in the log"; fail=1; }
    done
    w_md5=$(tail -c +$(((4 << 20) + 1)) "$work/disk.img" | head -c $((1 << 20)) | md5sum | cut -d' ' -f1)
    [ "$w_md5" = "$sr0_md5" ] || { echo "FAIL: the disk image does not hold what the guest wrote"; fail=1; }
fi
if grep -E "ata[0-9].*(failed|timeout|error)|DMA disabled|exception Emask" "$work/serial.log"; then
    echo "FAIL: libata complains (lines above)"
    fail=1
fi
if grep -i -E "ACPI (BIOS )?(Error|Warning)|Firmware Bug|can't claim|bogus" "$work/serial.log"; then
    echo "FAIL: the kernel complains about the firmware (lines above)"
    fail=1
fi
[ $rc = 0 ] || { echo "FAIL: tarsier exit status $rc (poweroff -f must end it with 0)"; fail=1; }
[ $fail = 0 ] && echo "ok: Debian Linux ($mode boot $*) on the serial console: cpuinfo, PCI, ext2 checksum, poweroff ($((end - start)) s wall)"
exit $fail
