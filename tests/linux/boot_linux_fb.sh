#!/usr/bin/env bash
# Debian Linux on a VBE frame buffer: the kernel's setup code asks the
# built-in BIOS for VBE mode 0x117 (1024x768, 16 bpp; "vga=0x317" in the
# boot protocol's numbering), vesafb drives the linear frame buffer and
# fbcon draws the kernel log on it.  The kernel log also goes to COM1, where
# the vesafb/fbcon lines are checked; a PNG screendump of the frame buffer
# is taken once the shell is up and must be 1024x768 and show text (many
# rows with lit pixels).
# usage: boot_linux_fb.sh TARSIER PKGDIR WORKDIR PNGCHECK
set -u
tarsier=$1 pkgs=$2 work=$3 pngcheck=$4
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
mkdir -p "$work"
linux_fetch "$pkgs" || { echo "FAIL: cannot fetch Debian's kernel and busybox"; exit 1; }
linux_initramfs "$work/initrd.gz" || { echo "FAIL: initramfs"; exit 1; }
rm -f "$work/fb.png"
cat > "$work/fb.script" <<EOS
wait-serial "shell ready" 300
sleep 2
screendump $work/fb.png
quit 0
EOS
start=$(date +%s)
"$tarsier" -m 256 -kernel "$LINUX_KERNEL" -initrd "$work/initrd.gz" \
    -append "vga=0x317 console=tty0 console=ttyS0" -serial "file:$work/serial.log" \
    -script "$work/fb.script" -timeout 600 </dev/null
rc=$?
end=$(date +%s)
fail=0
[ $rc = 0 ] || { echo "FAIL: tarsier exit status $rc"; fail=1; }
for want in "vesafb: mode is 1024x768x16" "fb0: VESA VGA frame buffer device" \
    "Console: switching to colour frame buffer device 128x48"; do
    grep -q "$want" "$work/serial.log" || { echo "FAIL: no '$want' in the kernel log"; fail=1; }
done
"$pngcheck" --text "$work/fb.png" 1024 768 40 || { echo "FAIL: the screendump does not show a 1024x768 text console"; fail=1; }
[ $fail = 0 ] && echo "ok: vesafb 1024x768x16 with the kernel log, screendump $work/fb.png ($((end - start)) s wall)"
exit $fail
