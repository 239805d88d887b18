#!/usr/bin/env bash
# The -d trace filters (range=, cpl=, vec=) on tests/guest/exceptions.asm:
# each filtered trace must hold exactly the lines of the unfiltered trace
# that match the filter.
# usage: run_trace_filter.sh TARSIER GUESTDIR WORKDIR   (exit 77: no nasm)
set -u
tarsier=$1 guest=$2 work=$3
command -v nasm >/dev/null || { echo "SKIP: nasm is not installed"; exit 77; }
mkdir -p "$work"
bin=$work/exceptions.bin
nasm -f bin -I"$guest/" -o "$bin" "$guest/exceptions.asm" || exit 1
fail=0
run() { # OUT -d-LIST
    "$tarsier" -bios "$bin" -debugcon file:/dev/null -exit-on-halt -timeout 5 -m 32 -d "$2" -D "$work/$1" ||
        { echo "FAIL: tarsier -d $2 exited with $?"; fail=1; }
}
expect() { # WHAT GOT WANTED
    if [ "$2" = "$3" ]; then echo "ok: $1 ($2)"; else echo "FAIL: $1: got '$2', wanted '$3'"; fail=1; fi
}
run all.txt int
run asm.txt in_asm
n14=$(grep -c "exception 14 " "$work/all.txt")
n13=$(grep -c "exception 13 " "$work/all.txt")
n3=$(grep -c "exception .* at 001b:" "$work/all.txt")
[ "$n14" -gt 0 ] && [ "$n13" -gt 0 ] && [ "$n3" -gt 0 ] || { echo "FAIL: unfiltered trace lacks #PF/#GP/CPL 3 lines"; fail=1; }

# software interrupts are in the int trace with their vector: int3, into, int 50h
for w in "software interrupt int3 03h at 0008:" "software interrupt into 04h at 0008:" \
    "software interrupt int 50h at 0008:" "software interrupt int 30h at 001b:"; do
    grep -q "$w" "$work/all.txt" || { echo "FAIL: no '$w' line in the int trace"; fail=1; }
done
run v50.txt int,vec=0x50
expect "vec=0x50 keeps just the INT 50h line" "$(grep -c "software interrupt int 50h" "$work/v50.txt"):$(wc -l < "$work/v50.txt")" 1:1

run v14.txt int,vec=14
expect "vec=14 keeps the #PF lines" "$(grep -c "exception 14 " "$work/v14.txt")" "$n14"
expect "vec=14 keeps nothing else" "$(grep -vc "exception 14 " "$work/v14.txt")" 0
run v1314.txt int,vec=13,0xe
expect "vec=13,0xe keeps #GP and #PF" "$(wc -l < "$work/v1314.txt")" $((n13 + n14))
run v1314c.txt int,vec=13:14
expect "vec=13:14 is the same" "$(cmp -s "$work/v1314.txt" "$work/v1314c.txt" && echo same)" same

run c3.txt int,cpl=3
expect "cpl=3 keeps the exceptions raised at CPL 3" "$(grep -c "exception .* at 001b:" "$work/c3.txt")" "$n3"
expect "cpl=3 keeps nothing at CPL 0" "$(grep -c " at 0008:" "$work/c3.txt")" 0

run r.txt in_asm,range=2300-23ff
want=$(grep -c "^0008:000023" "$work/asm.txt")
[ "$want" -gt 0 ] || { echo "FAIL: no instruction at 2300-23ff in the unfiltered trace"; fail=1; }
expect "range=2300-23ff keeps those instructions" "$(wc -l < "$work/r.txt")" "$want"
expect "range=2300-23ff keeps nothing outside" "$(grep -vc "^0008:000023" "$work/r.txt")" 0
run r2.txt in_asm,range=2300+100
expect "range=2300+100 is the same range" "$(cmp -s "$work/r.txt" "$work/r2.txt" && echo same)" same

"$tarsier" -bios "$bin" -d int,vec=300 2>"$work/err.txt"
expect "a bad filter is refused with status 2" "$?" 2
grep -q "bad filter 'vec=300'" "$work/err.txt" || { echo "FAIL: no message for vec=300"; fail=1; }
exit $fail
