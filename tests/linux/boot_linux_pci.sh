#!/usr/bin/env bash
# Debian Linux (-kernel/-initrd, busybox initramfs, console=ttyS0) on the
# PC platform: the kernel must find the ACPI tables and the i440FX/PIIX
# functions with no ACPI or PCI complaint in dmesg, list the four functions in
# /sys/bus/pci/devices, and `poweroff -f` (ACPI S5) must end tarsier with
# status 0.  With APPEND="pci=bios" the kernel reaches configuration space
# through the BIOS32 / 32-bit PCI BIOS entry instead of mechanism #1.
# usage: boot_linux_pci.sh TARSIER PKGDIR WORKDIR [extra kernel parameters]
set -u
tarsier=$1 pkgs=$2 work=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
mkdir -p "$work"
linux_fetch "$pkgs" || { echo "FAIL: cannot fetch Debian's kernel and busybox"; exit 1; }
linux_initramfs "$work/initrd.gz" || { echo "FAIL: initramfs"; exit 1; }
# the markers are split in the typed lines ('' in the shell) so that the
# terminal's echo of a command never matches a wait
cat > "$work/pci.script" <<'EOS'
wait-serial "shell ready" 300
type-serial "dmesg | grep -i -E 'pci|acpi|firmware bug|sci' ; echo DMESG-E''ND\n"
wait-serial "DMESG-END" 60
type-serial "echo PCI:; ls /sys/bus/pci/devices; echo :P''CI\n"
wait-serial ":PCI" 30
type-serial "poweroff -f\n"
EOS
start=$(date +%s)
"$tarsier" -m 256 -kernel "$LINUX_KERNEL" -initrd "$work/initrd.gz" -append "console=ttyS0 $*" \
    -serial "file:$work/serial.log" -script "$work/pci.script" -timeout 600 </dev/null
rc=$?
end=$(date +%s)
log=$work/serial.log
tr -d '\r' < "$log" | sed -n '/DMESG-E/,$p'
fail=0
for f in 0000:00:00.0 0000:00:01.0 0000:00:01.1 0000:00:01.3; do
    grep -q "$f" "$log" || { echo "FAIL: PCI function $f not listed"; fail=1; }
done
for want in "ACPI: FACP" "ACPI: PM-Timer IO Port: 0x608" "ACPI: Interpreter enabled" "ACPI: PM: (supports S0 S5)" \
    "PCI Root Bridge \[PCI0\]" "claimed by PIIX4 ACPI" "Preparing to enter system sleep state S5"; do
    grep -q "$want" "$log" || { echo "FAIL: no '$want' in the kernel log"; fail=1; }
done
if grep -i -E "ACPI (BIOS )?(Error|Warning)|Firmware Bug|can't claim|bogus" "$log"; then
    echo "FAIL: the kernel complains about the firmware (lines above)"
    fail=1
fi
[ $rc = 0 ] || { echo "FAIL: tarsier exit status $rc (poweroff -f must end it with 0)"; fail=1; }
[ $fail = 0 ] && echo "ok: Debian Linux ($*) found ACPI and the PCI functions and powered off ($((end - start)) s wall)"
exit $fail
