#!/bin/bash
# run_gdb_garbage.sh TARSIER SRCDIR OUTDIR - feed the stub random bytes and
# malformed, truncated and oversized packets over bash's /dev/tcp; the
# emulator must survive, then serve a second client (gdb) normally (the
# disconnects let the guest run on into its protected-mode loop).
set -u
TARSIER=$1 SRC=$2 OUT=$3
mkdir -p "$OUT"
. "$SRC/common.sh"
need_tools
make_floppy "$SRC/boot.asm" "$OUT/boot.img"
start_tarsier -fda "$OUT/boot.img" -S -timeout 60

# pkt BODY: a well-formed packet with the right checksum
pkt() {
    local body=$1 sum=0 i
    for ((i = 0; i < ${#body}; i++)); do
        sum=$(((sum + $(printf '%d' "'${body:i:1}")) & 255))
    done
    printf '$%s#%02x' "$body" "$sum"
}

exec 3<>"/dev/tcp/127.0.0.1/$PORT" || { echo "FAIL: cannot connect" >&2; exit 1; }
head -c 65536 /dev/urandom >&3
{
    printf '$g#00'                               # bad checksum
    printf '$m7c00,10#zz'                        # bad checksum digits
    pkt 'm'                                      # truncated arguments
    pkt 'mffffffffff,10'                         # address too long
    pkt 'm7c00,ffffffff'                         # huge length
    pkt 'mfffff000,2000'                         # runs past the top
    pkt 'M7c00,4:zz'                             # bad hex
    pkt 'X7c00,10:abc'                           # short binary
    pkt 'P3f=00'                                 # bad register number
    pkt 'Pffffffff=1'
    pkt 'Z9,0,0'                                 # bad point type
    pkt 'Z2,600,0'                               # zero-length watchpoint
    pkt 'qXfer:features:read:target.xml:ffffff,10'
    pkt 'qXfer:features:read:other.xml:0,10'
    pkt 'qRcmd,7'                                # odd hex
    pkt 'qRcmd,696e666f20726567'                 # "info reg"
    pkt 'vCont;x'
    pkt 'G00'
    printf '$'; head -c 20000 /dev/zero | tr '\0' 'A'; printf '#00'   # oversized
    printf '$$$###}}}\x03+-+-'
    head -c 4096 /dev/urandom
    pkt 'qSupported'
} >&3
sleep 0.5
exec 3>&-
sleep 0.2
kill -0 "$TPID" 2>/dev/null || { echo "FAIL: tarsier died on garbage" >&2; cat "$OUT/tarsier.err" >&2; exit 1; }

# a truncated packet and a disconnect in the middle of it
exec 3<>"/dev/tcp/127.0.0.1/$PORT" && { printf '$m7c00,1' >&3; exec 3>&-; }
sleep 0.2
kill -0 "$TPID" 2>/dev/null || { echo "FAIL: tarsier died on a truncated packet" >&2; exit 1; }

cat >"$OUT/after.gdb" <<GDB
set pagination off
set confirm off
target remote 127.0.0.1:$PORT
break *0x7c7a
continue
printf "AFTER_PC=%#x\n", \$pc
x/2xb 0x7dfe
kill
GDB
timeout 60 gdb -nx -batch -x "$OUT/after.gdb" >"$OUT/gdb.out" 2>&1
wait_tarsier 10
cat "$OUT/gdb.out"
FAILED=0
expect "$OUT/gdb.out" 'AFTER_PC=0x7c7a' '0x7dfe:[[:space:]]+0x55[[:space:]]+0xaa'
[ "$FAILED" = 0 ] || { cat "$OUT/tarsier.err"; exit 1; }
echo PASS
