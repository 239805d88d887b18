#!/usr/bin/env bash
# Debian Linux (linux-image-686:i386 + busybox-static:i386 from Debian's
# archive) boots with -kernel/-initrd on the built-in BIOS to a busybox shell
# on the VGA console; a script runs `cat /proc/cpuinfo` and the text dump must
# show the Pentium Pro model the CPU reports.
# usage: boot_linux.sh TARSIER WORKDIR
set -u
tarsier=$1 work=$2
mkdir -p "$work"
cd "$work" || exit 1
if ! ls vmlinuz-* >/dev/null 2>&1 || [ ! -x root/bin/busybox ]; then
    # fetch the packages (no install): i386 architecture enabled for apt
    if ! dpkg --print-foreign-architectures | grep -qx i386; then
        dpkg --add-architecture i386 || exit 1
    fi
    apt-get update -qq >/dev/null 2>&1 || true   # a partly failed update still serves the main index
    apt-get download linux-image-686:i386 busybox-static:i386 >/dev/null 2>&1 || exit 1
    dep=$(apt-cache depends linux-image-686:i386 | awk '/Depends: linux-image-/ { print $2; exit }')
    apt-get download "$dep" >/dev/null 2>&1 || exit 1
    rm -rf root
    for f in *.deb; do dpkg-deb -x "$f" root || exit 1; done
    cp root/boot/vmlinuz-* . || exit 1
fi
kernel=$(ls vmlinuz-* | head -n 1)
# the initramfs: busybox and an /init that reports and starts a shell
rm -rf initrd && mkdir -p initrd/bin initrd/proc initrd/sys initrd/dev
cp root/bin/busybox initrd/bin/
cat > initrd/init <<'EOI'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "tarsier initramfs: shell ready"
exec sh
EOI
chmod +x initrd/init
(cd initrd && find . | cpio -o -H newc 2>/dev/null | gzip > ../initrd.gz) || exit 1
cat > linux.script <<EOS
wait-screen "shell ready" 120
type "cat /proc/cpuinfo | head -8\\n"
wait-screen "model name" 20
textdump $work/cpuinfo.txt
quit 0
EOS
start=$(date +%s)
"$tarsier" -m 256 -kernel "$kernel" -initrd initrd.gz -append "console=tty0" -script linux.script
rc=$?
end=$(date +%s)
if [ $rc != 0 ]; then
    echo "FAIL: the Linux boot script ended with status $rc"
    exit 1
fi
cat cpuinfo.txt
if grep -q "model name.*Pentium Pro" cpuinfo.txt && grep -q "vendor_id.*GenuineIntel" cpuinfo.txt; then
    echo "ok: Debian $kernel booted to a shell and ran cat /proc/cpuinfo ($((end - start)) s wall)"
    exit 0
fi
echo "FAIL: /proc/cpuinfo output not on the screen"
exit 1
