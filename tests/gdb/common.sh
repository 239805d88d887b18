# common.sh - helpers for the gdb stub tests (sourced).
# Needs: TARSIER, OUT (a scratch directory).

need_tools() {
    if ! command -v gdb >/dev/null 2>&1 || ! command -v nasm >/dev/null 2>&1; then
        echo "installing gdb and nasm" >&2
        (apt-get update -qq && apt-get install -y -qq gdb nasm) >/dev/null 2>&1 || true
    fi
    for t in gdb nasm; do
        command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not available" >&2; exit 77; }
    done
}

# make_floppy SRC.asm IMG: a 1.44 MB image with the boot sector at sector 0
make_floppy() {
    nasm -f bin "$1" -o "$OUT/boot.bin" || exit 1
    dd if=/dev/zero of="$2" bs=512 count=2880 status=none
    dd if="$OUT/boot.bin" of="$2" conv=notrunc status=none
}

# start_tarsier ARGS...: runs tarsier in the background with a stub on a free
# port; sets TPID and PORT.
start_tarsier() {
    rm -f "$OUT/tarsier.err"
    "$TARSIER" "$@" -gdb tcp:127.0.0.1:0 2>"$OUT/tarsier.err" >"$OUT/tarsier.out" &
    TPID=$!
    PORT=
    for _ in $(seq 1 100); do
        PORT=$(sed -n 's/^tarsier: gdb stub listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$OUT/tarsier.err")
        [ -n "$PORT" ] && break
        sleep 0.05
    done
    if [ -z "$PORT" ]; then
        echo "FAIL: tarsier did not start its stub" >&2
        cat "$OUT/tarsier.err" >&2
        kill "$TPID" 2>/dev/null
        exit 1
    fi
}

# wait_tarsier SECONDS: wait for tarsier to end; kill it (and fail) if it does not
wait_tarsier() {
    for _ in $(seq 1 $(($1 * 20))); do
        kill -0 "$TPID" 2>/dev/null || { wait "$TPID"; return $?; }
        sleep 0.05
    done
    echo "FAIL: tarsier still running after $1 s" >&2
    kill "$TPID" 2>/dev/null
    return 1
}

# expect FILE PATTERN...: each (grep -E) pattern must occur in FILE
expect() {
    local f=$1
    shift
    for p in "$@"; do
        if ! grep -Eq -- "$p" "$f"; then
            echo "FAIL: expected /$p/ in $f" >&2
            FAILED=1
        fi
    done
}
