#!/usr/bin/env bash
# Boot the project's Multiboot test kernel (tests/multiboot/mbtest.asm) in
# both forms, a.out kludge and ELF, with a command line and two modules; the
# kernel checks what it was given, reports on COM1 and exits through port
# 0xF4 with 0x2A (tarsier's status 85) when everything matched.
# usage: run_multiboot.sh TARSIER SRCDIR WORKDIR
set -u
tarsier=$1 src=$2 work=$3
mkdir -p "$work"
printf 'MOD-A first module\n' > "$work/mod_a.txt"
printf 'MOD-B second module' > "$work/mod_b.txt"
nasm -f bin -DAOUT -o "$work/mbtest.bin" "$src/mbtest.asm" || { echo "FAIL: a.out form does not assemble"; exit 1; }
nasm -f elf32 -o "$work/mbtest.o" "$src/mbtest.asm" || { echo "FAIL: ELF form does not assemble"; exit 1; }
ld -m elf_i386 --no-warn-rwx-segments -N -Ttext=0x100000 -e _start -o "$work/mbtest.elf" "$work/mbtest.o" || { echo "FAIL: ld"; exit 1; }
fail=0
for form in bin elf; do
    out="$work/serial-$form.txt"
    rm -f "$out"
    "$tarsier" -m 32 -kernel "$work/mbtest.$form" -append "mbtest hello" \
        -initrd "$work/mod_a.txt,$work/mod_b.txt arg2" -serial "file:$out" -timeout 5 \
        >/dev/null 2>"$work/stderr-$form.txt" </dev/null
    rc=$?
    cat "$out" 2>/dev/null
    if [ "$rc" != 85 ] || ! grep -q "mbtest: PASS" "$out"; then
        echo "FAIL: multiboot $form (exit status $rc)"; cat "$work/stderr-$form.txt"; fail=1
    else
        echo "ok: multiboot $form"
    fi
done
# a file with a Multiboot header that asks for an unsupported feature is refused
printf '\x02\xb0\xad\x1b\x08\x00\x00\x00\xf6\x4f\x52\xe4' > "$work/bad.mb"
head -c 4096 /dev/zero >> "$work/bad.mb"
msg=$("$tarsier" -kernel "$work/bad.mb" 2>&1 </dev/null); rc=$?
if [ "$rc" = 0 ] || ! printf '%s' "$msg" | grep -q "bad.mb"; then
    echo "FAIL: a bad Multiboot kernel was not refused with a message naming the file (rc $rc: $msg)"; fail=1
else
    echo "ok: bad Multiboot header refused: $msg"
fi
exit $fail
