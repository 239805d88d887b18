#!/usr/bin/env bash
# memtest86+ (Debian's memtest86+ package, the 32-bit image booted with the
# Linux boot protocol) runs for 60 virtual seconds on the built-in BIOS; the
# text-screen dump must show it testing (a pass percentage and a test number)
# with "Errors: 0" and no failure report.
# usage: run_memtest.sh TARSIER WORKDIR
set -u
tarsier=$1 work=$2
mkdir -p "$work"
cd "$work" || exit 1
img=root/boot/memtest86+ia32.bin
if [ ! -f "$img" ]; then
    rm -f memtest86+_*.deb
    apt-get download memtest86+ >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1; apt-get download memtest86+ >/dev/null 2>&1; } ||
        { echo "FAIL: cannot download Debian's memtest86+"; exit 1; }
    dpkg-deb -x memtest86+_*.deb root || exit 1
fi
cat > memtest.script <<EOS
wait-screen "to start testing" 30
key enter
wait-screen "Testing:" 10
sleep 60
textdump $work/screen.txt
quit 0
EOS
start=$(date +%s)
"$tarsier" -m 32 -kernel "$img" -script memtest.script
rc=$?
end=$(date +%s)
cat screen.txt
fail=0
[ $rc = 0 ] || { echo "FAIL: the memtest86+ script ended with status $rc"; fail=1; }
grep -q "Memtest86+" screen.txt || { echo "FAIL: memtest86+ is not on the screen"; fail=1; }
grep -Eq "Errors: +0( |$)" screen.txt || { echo "FAIL: the screen does not show 'Errors: 0'"; fail=1; }
grep -Eiq "fail|error #|errors: +[1-9]" screen.txt && { echo "FAIL: memtest86+ reports errors"; fail=1; }
grep -Eq "Test +#? *[0-9]" screen.txt || { echo "FAIL: no test number on the screen"; fail=1; }
[ $fail = 0 ] && echo "ok: memtest86+ ran 60 virtual seconds without errors ($((end - start)) s wall)"
exit $fail
