#!/usr/bin/env bash
# FreeDOS boots to A:\> from each test floppy under SeaBIOS (Debian's seabios
# package: bios-256k.bin with -vga-bios vgabios-stdvga.bin, which SeaBIOS finds
# as the PCI display's expansion ROM and runs); scripted input runs VER and DIR
# and the text-screen dumps show their output.  SeaBIOS's own log (port 402h,
# -debugcon) must show the video BIOS found through PCI and run from C000h.
# Each image also boots with the built-in BIOS; both wall times are printed.
# Then -boot c and -boot a with a blank hard disk: SeaBIOS follows the order
# the board writes to CMOS 3Dh/38h.
# usage: boot_freedos_seabios.sh TARSIER GUESTDIR WORKDIR
set -u
tarsier=$1 guests=$2 work=$3
mkdir -p "$work"
. "$(dirname "$0")/lib.sh"
seabios_need
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
fail=0
for img in freedos722.img freedos-boot-1440k.img; do
    if [ ! -f "$guests/$img" ]; then
        echo "FAIL: $guests/$img is missing"
        fail=1
        continue
    fi
    for bios in seabios builtin; do
        out=$work/$img.$bios
        cat > "$out.script" <<EOS
wait-screen "A:\\>" 60
type "ver\\n"
wait-screen "FreeCom version" 10
textdump $out.ver.txt
type "dir\\n"
wait-screen "bytes free" 10
textdump $out.dir.txt
quit 0
EOS
        rm -f "$out.ver.txt" "$out.dir.txt" "$out.log"
        opts=()
        if [ $bios = seabios ]; then
            opts=(-bios "$fw/bios-256k.bin" -vga-bios "$fw/vgabios-stdvga.bin" -debugcon "file:$out.log")
        fi
        start=$(date +%s.%N)
        "$tarsier" -display none "${opts[@]}" -fda "$guests/$img" -snapshot -script "$out.script"
        rc=$?
        end=$(date +%s.%N)
        if [ $rc != 0 ]; then
            echo "FAIL: $img ($bios): script exit status $rc"
            [ -f "$out.log" ] && tail -5 "$out.log"
            fail=1
            continue
        fi
        if ! grep -q "FreeCom version" "$out.ver.txt" || ! grep -q "COMMAND  COM" "$out.dir.txt" ||
           ! grep -q "bytes free" "$out.dir.txt"; then
            echo "FAIL: $img ($bios): the screen does not show the VER/DIR output"
            cat "$out.dir.txt"
            fail=1
            continue
        fi
        if [ $bios = seabios ]; then
            for want in "Using 00:02.0 for primary VGA" "Running option rom at c000:0003" \
                        "Start SeaVGABIOS" "VBE DISPI: lfb_addr=" "Booting from Floppy"; do
                grep -q "$want" "$out.log" || { echo "FAIL: $img: SeaBIOS's log lacks '$want'"; fail=1; }
            done
        fi
        printf 'ok: %s boots with %s, VER and DIR run (%s s wall)\n' "$img" "$bios" "$(secs "$start" "$end")"
    done
done
# -boot reaches SeaBIOS through CMOS 3Dh/38h: with -boot c a blank hard disk
# is tried (and refused) before the floppy; by default the floppy comes first
head -c $((4 << 20)) /dev/zero > "$work/blank.img"
printf 'wait-screen "A:\\>" 60\nquit 0\n' > "$work/order.script"
for order in c a; do
    log=$work/order-$order.log
    rm -f "$log"
    "$tarsier" -display none -bios "$fw/bios-256k.bin" -vga-bios "$fw/vgabios-stdvga.bin" -debugcon "file:$log" \
        -fda "$guests/freedos722.img" -hda "$work/blank.img" -boot $order -snapshot -script "$work/order.script"
    rc=$?
    got=$(grep -E "^(Booting from|Boot failed)" "$log" | tr '\n' '|')
    if [ $order = c ]; then
        want="Booting from Hard Disk...|Boot failed: not a bootable disk|Booting from Floppy...|Booting from 0000:7c00|"
    else
        want="Booting from Floppy...|Booting from 0000:7c00|"
    fi
    if [ $rc = 0 ] && [ "$got" = "$want" ]; then
        echo "ok: -boot $order under SeaBIOS: $got"
    else
        echo "FAIL: -boot $order under SeaBIOS: status $rc, boot attempts '$got', expected '$want'"
        fail=1
    fi
done
exit $fail
