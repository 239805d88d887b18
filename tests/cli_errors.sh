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
