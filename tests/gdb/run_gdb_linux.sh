#!/bin/bash
# run_gdb_linux.sh TARSIER SRCDIR OUTDIR PKGDIR - drive Debian's gdb in batch
# mode against tarsier booting Debian's i386 kernel (-kernel/-initrd, a
# busybox initramfs, console=ttyS0 nokaslr) from a stopped start:
#   symbol-file with the kernel's symbols (scripts/vmlinux_syms.py --elf);
#   break start_kernel, set at the reset vector, before the kernel is even
#   decompressed (the stub never patches memory, so the address need not be
#   mapped yet); info registers (EIP, CS, CR0.PG, CR3); linux_banner read
#   through the kernel's page tables (x/s, monitor translate); a hardware
#   watchpoint on jiffies (the next timer tick, Old/New value one apart);
#   then continue until the initramfs says "shell ready" on the serial
#   console, where the test interrupts gdb (SIGINT, as Ctrl-C would), reads
#   the kernel again and kills the machine.
# Symbols come from the kernel image itself (scripts/vmlinux_syms.py):
# Debian's /boot/System.map is a placeholder and the -dbg package is 700 MB.
# (PKGDIR caches the Debian packages, shared by the Linux tests.)
set -u
TARSIER=$1 SRC=$2 OUT=$3 PKGS=$4
mkdir -p "$OUT"
. "$SRC/../linux/lib.sh"
. "$SRC/common.sh"          # after lib.sh: its need_tools (gdb, nasm) is the one used here
need_tools
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not available" >&2; exit 77; }
linux_fetch "$PKGS" || { echo "FAIL: cannot fetch Debian's kernel and busybox" >&2; exit 1; }
linux_initramfs "$OUT/initrd.gz" || { echo "FAIL: initramfs" >&2; exit 1; }
SYMS=$SRC/../../scripts/vmlinux_syms.py
python3 "$SYMS" "$LINUX_KERNEL" --elf "$OUT/vmlinux.sym" || { echo "FAIL: no symbol file" >&2; exit 1; }
syms=$(python3 "$SYMS" "$LINUX_KERNEL" start_kernel linux_banner jiffies) ||
    { echo "FAIL: no symbols from $LINUX_KERNEL" >&2; exit 1; }
echo "$syms"
sym() { echo "$syms" | awk -v n="$1" '$3 == n { print $1 }'; }
SK=$(sym start_kernel) LB=$(sym linux_banner) JF=$(sym jiffies)
LB_PHYS=$(printf '%08x' $((0x$LB - 0xc0000000)))

start=$(date +%s)
# COM1 on tarsier's stdout (flushed per byte: the test watches it live)
start_tarsier -m 128 -kernel "$LINUX_KERNEL" -initrd "$OUT/initrd.gz" \
    -append "console=ttyS0 nokaslr cryptomgr.notests" -serial stdio -S -timeout 300 </dev/null
SERIAL=$OUT/tarsier.out
cat >"$OUT/session.gdb" <<GDB
set pagination off
set confirm off
set trace-commands on
symbol-file $OUT/vmlinux.sym
target remote 127.0.0.1:$PORT
break start_kernel
continue
info registers eip cs ss cr0 cr3
printf "BREAK_PC=%#x CS=%#x PG=%d\n", \$pc, \$cs, (\$cr0 >> 31) & 1
x/s 0x$LB
monitor translate 0x$LB
delete
watch *(int *)&jiffies
continue
printf "WATCH_PC=%#x\n", \$pc
info symbol \$pc
x/i \$pc
delete
echo CONTINUE_TO_SHELL\\n
continue
printf "SHELL_PC=%#x CPL=%d\n", \$pc, \$cs & 3
x/s 0x$LB
kill
GDB
# gdb in its own process group (job control on) so that SIGINT reaches it;
# no timeout(1) in between, which would pass the signal on twice (to gdb and
# to its process group), and a second Ctrl-C makes gdb give up the target
set -m
gdb -nx -batch -x "$OUT/session.gdb" </dev/null >"$OUT/gdb.out" 2>&1 &
GPID=$!
set +m
# the shell is up and gdb is in its last continue: interrupt it like Ctrl-C
ok=0
for _ in $(seq 1 3000); do
    kill -0 "$GPID" 2>/dev/null || break
    if grep -q "shell ready" "$SERIAL" && grep -q "^CONTINUE_TO_SHELL" "$OUT/gdb.out"; then
        ok=1
        break
    fi
    sleep 0.1
done
[ $ok = 1 ] && { sleep 1; kill -INT "$GPID"; }
for _ in $(seq 1 600); do kill -0 "$GPID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$GPID" 2>/dev/null && { echo "FAIL: gdb still running; killing it" >&2; kill "$GPID"; }
wait "$GPID"
echo "gdb exited with $?"
wait_tarsier 20
trc=$?
end=$(date +%s)
echo "tarsier exited with $trc"
cat "$OUT/gdb.out"
tr -d '\r' <"$SERIAL" | sed -n '/shell ready/,$p'
FAILED=0
[ $ok = 1 ] || { echo "FAIL: no 'shell ready' on the serial console while gdb continued" >&2; FAILED=1; }
[ $trc = 0 ] || { echo "FAIL: tarsier exit status $trc after gdb's kill" >&2; FAILED=1; }
expect "$OUT/gdb.out" \
    "Breakpoint 1 at 0x$SK" \
    "Breakpoint 1, 0x$SK in start_kernel \\(\\)" \
    "^eip +0x$SK " \
    "^cs +0x60 " \
    '^cr0 +0x8[0-9a-f]{7} ' \
    "BREAK_PC=0x$SK CS=0x60 PG=1" \
    "^0x$LB <linux_banner>:[[:space:]]+\"Linux version [0-9]" \
    'paging on' \
    "physical address $LB_PHYS" \
    "Hardware watchpoint 2: \\*\\(int \\*\\)&jiffies" \
    '^0xc[0-9a-f]{7} in do_timer \(\)' \
    '^do_timer \+ [0-9]+ in section \.text' \
    '=> 0xc[0-9a-f]{7} <do_timer\+[0-9]+>:' \
    'Old value = -?[0-9]+' \
    'New value = -?[0-9]+' \
    'Program received signal SIGINT' \
    'SHELL_PC=0xc[0-9a-f]{7} CPL=0' \
    '\[Inferior 1 \(Remote target\) killed\]'
# the watchpoint caught a tick: the new value is the old one plus one
old=$(sed -n 's/^Old value = //p' "$OUT/gdb.out" | head -n 1)
new=$(sed -n 's/^New value = //p' "$OUT/gdb.out" | head -n 1)
[ -n "$old" ] && [ -n "$new" ] && [ $((new - old)) = 1 ] ||
    { echo "FAIL: jiffies went from '$old' to '$new', not up by one" >&2; FAILED=1; }
# where the stops were: jiffies_64 += ticks in do_timer; the idle loop at the shell
where() {
    local pc
    pc=$(sed -n "s/^$1=0x\([0-9a-f]*\).*/\1/p" "$OUT/gdb.out" | head -n 1)
    [ -n "$pc" ] && python3 "$SYMS" "$LINUX_KERNEL" --addr "$pc"
}
wpc=$(where WATCH_PC) spc=$(where SHELL_PC)
echo "the watchpoint stopped in $wpc, SIGINT at the shell in $spc"
case $wpc in do_timer+*) ;; *) echo "FAIL: the jiffies watchpoint stopped in '$wpc', not do_timer" >&2; FAILED=1 ;; esac
case $spc in *idle*|*halt*) ;; *) echo "FAIL: the idle shell was interrupted in '$spc', not the idle loop" >&2; FAILED=1 ;; esac
# the banner is read a second time after the boot, at the shell
[ "$(grep -c "^0x$LB <linux_banner>:[[:space:]]*\"Linux version" "$OUT/gdb.out")" = 2 ] ||
    { echo "FAIL: linux_banner not read twice" >&2; FAILED=1; }
# ... and it is the very string the kernel printed on the console
read_banner=$(sed -n "s/^0x$LB <linux_banner>:[[:space:]]*\"\(Linux version .*\)\\\\n\"\$/\1/p" "$OUT/gdb.out" | head -n 1)
printed=$(tr -d '\r' <"$SERIAL" | sed -n 's/^\[ *0\.000000\] \(Linux version .*\)$/\1/p' | head -n 1)
[ -n "$read_banner" ] && [ "$read_banner" = "$printed" ] ||
    { echo "FAIL: linux_banner read by gdb differs from the console's: '$read_banner' vs '$printed'" >&2; FAILED=1; }
[ "$FAILED" = 0 ] || { cat "$OUT/tarsier.err"; exit 1; }
echo "PASS ($((end - start)) s wall from reset to kill)"
