# run_guest_lib.sh - sourced by run_guest.sh and run_boot_guest.sh: assemble
# a guest test program and judge its run.
#
# guest_assemble SOURCE.asm WORKDIR EXT: nasm -f bin (with the source's
#   folder on the include path) into WORKDIR/NAME.EXT; sets $name, $image and
#   $out (WORKDIR/NAME.out, removed); returns 1 when it does not assemble.
# guest_verdict STATUS: prints the debug-port output; the run passed when
#   tarsier's exit status is 0 and the last line is PASS (exit 0, else 1).

guest_assemble() {
    local src=$1 work=$2 ext=$3
    name=$(basename "$src" .asm)
    mkdir -p "$work"
    image="$work/$name.$ext" out="$work/$name.out"
    rm -f "$out"
    if ! nasm -f bin -I"$(dirname "$src")/" -o "$image" "$src"; then
        echo "FAIL: $name does not assemble"
        return 1
    fi
}

guest_verdict() {
    local rc=$1 last
    cat "$out"
    last=$(tail -n 1 "$out")
    if [ "$rc" != 0 ] || [ "$last" != "PASS" ]; then
        echo "FAIL: $name (exit status $rc, last line '$last')"
        exit 1
    fi
    echo "ok: $name"
    exit 0
}
