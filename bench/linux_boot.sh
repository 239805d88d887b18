#!/usr/bin/env bash
# linux_boot.sh - time a Linux boot in tarsier and in QEMU (TCG) side by side.
#
# Usage: bench/linux_boot.sh [options] [TARSIER_BINARY]
#   TARSIER_BINARY   default: <repo>/build/tarsier
#   --pkgs DIR       cache of Debian's kernel and busybox packages (fetched with
#                    apt-get download when missing; shared with tests/linux)
#                    default: <repo>/build/tests/linux-pkgs
#   --workdir DIR    keep the initramfs, serial logs and outputs in DIR
#                    (default: a fresh temporary directory, removed at the end
#                    unless a run failed)
#   --repeat R       run each emulator R times and keep the fastest (default 1)
#   --no-qemu        only time tarsier
#   --no-tarsier     only time QEMU
#   --timeout S      per-run limit in host seconds (default 900)
#   --append TEXT    extra kernel command-line words for both (e.g. quiet)
#
# Both emulators boot the same Debian linux-image-686 kernel with the same
# busybox initramfs: -m 256, -kernel/-initrd, "console=ttyS0 panic=-1".
# The initramfs's /init mounts proc, prints "shell ready" on the serial
# console and, two seconds later, powers the machine off.  tarsier runs headless with
# -serial file: and a -script that waits for "shell ready" and quits;
# QEMU (qemu-system-i386 -accel tcg -cpu pentium3, Debian's qemu-system-x86,
# installed with apt-get when missing) writes its serial console to a pipe
# that the script reads, and the clock stops at "shell ready" (QEMU is then
# killed).  Wall time is measured from process start to the "shell ready"
# line (tarsier: to its exit right after it).
#
# Prints each emulator's wall time, tarsier's guest instruction count and
# MIPS (from its -stats line), and the ratio tarsier/QEMU of the times.
# Exit status: 0 all ran; 1 a run failed; 2 the tarsier binary is missing.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

tarsier=""
pkgs="$repo/build/tests/linux-pkgs"
workdir=""
repeat=1
do_qemu=1
do_tarsier=1
run_timeout=900
extra_append=""

die() { echo "linux_boot: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --pkgs) pkgs=${2:?}; shift 2 ;;
        --pkgs=*) pkgs=${1#*=}; shift ;;
        --workdir) workdir=${2:?}; shift 2 ;;
        --workdir=*) workdir=${1#*=}; shift ;;
        --repeat) repeat=${2:?}; shift 2 ;;
        --repeat=*) repeat=${1#*=}; shift ;;
        --no-qemu) do_qemu=0; shift ;;
        --no-tarsier) do_tarsier=0; shift ;;
        --timeout) run_timeout=${2:?}; shift 2 ;;
        --timeout=*) run_timeout=${1#*=}; shift ;;
        --append) extra_append=${2?}; shift 2 ;;
        --append=*) extra_append=${1#*=}; shift ;;
        -h|--help) sed -n '3,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) [ -z "$tarsier" ] || die "more than one tarsier binary given"; tarsier=$1; shift ;;
    esac
done
[ -n "$tarsier" ] || tarsier="$repo/build/tarsier"
case "$repeat" in ''|*[!0-9]*|0) die "--repeat needs a positive integer" ;; esac
case "$run_timeout" in ''|*[!0-9]*|0) die "--timeout needs a positive integer" ;; esac
command -v timeout >/dev/null 2>&1 || die "timeout (coreutils) not found"
command -v cpio >/dev/null 2>&1 || die "cpio not found (apt-get install cpio)"

tarsier_missing=0
if [ $do_tarsier = 1 ] && { [ ! -x "$tarsier" ] || [ ! -f "$tarsier" ]; }; then
    echo "ERROR: tarsier binary not found: $tarsier (build: cmake -S . -B build && cmake --build build)" >&2
    tarsier_missing=1
    do_tarsier=0
fi

keep_workdir=1
if [ -z "$workdir" ]; then
    workdir=$(mktemp -d "${TMPDIR:-/tmp}/tarsier-linuxbench.XXXXXX") || die "mktemp failed"
    keep_workdir=0
fi
mkdir -p "$workdir" || die "cannot create $workdir"
workdir=$(cd "$workdir" && pwd)

# ---------------------------------------------------------------------------
# Kernel and initramfs
# ---------------------------------------------------------------------------
# shellcheck source=../tests/linux/lib.sh
. "$repo/tests/linux/lib.sh"
echo "fetching/checking Debian's kernel and busybox in $pkgs ..." >&2
linux_fetch "$pkgs" || die "cannot fetch Debian's kernel and busybox into $pkgs"
kernel=$LINUX_KERNEL

tree="$workdir/initrd"
rm -rf "$tree"
mkdir -p "$tree/bin" "$tree/proc" "$tree/sys" "$tree/dev" || die "mkdir failed"
cp "$LINUX_ROOT/bin/busybox" "$tree/bin/" || die "no busybox in $LINUX_ROOT"
cat >"$tree/init" <<'EOI'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
echo "linux_boot: shell ready"
sleep 2
poweroff -f
EOI
chmod +x "$tree/init"
(cd "$tree" && find . | cpio -o -H newc 2>/dev/null | gzip >"$workdir/initrd.gz") || die "cpio failed"
append="console=ttyS0 panic=-1${extra_append:+ $extra_append}"

# ---------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------
now() { echo "$EPOCHREALTIME"; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
less_than() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
failed=0
t_tarsier="" t_qemu="" insns="" mips=""

# tarsier: a script waits for the line and quits; -stats reports the
# instruction count and host time on stderr.
run_tarsier() {
    local n=$1 log="$workdir/tarsier$1" t0 t1 rc
    printf 'wait-serial "shell ready" 600\nquit 0\n' >"$workdir/tarsier.script"
    rm -f "$log.serial"
    t0=$(now)
    timeout "$run_timeout" "$tarsier" -m 256 -kernel "$kernel" -initrd "$workdir/initrd.gz" \
        -append "$append" -serial "file:$log.serial" -script "$workdir/tarsier.script" -stats \
        </dev/null >"$log.out" 2>"$log.err"
    rc=$?
    t1=$(now)
    if [ $rc != 0 ] || ! grep -q "shell ready" "$log.serial"; then
        echo "tarsier run $n failed: exit status $rc (see $log.serial, $log.err)" >&2
        return 1
    fi
    local t i
    t=$(sub "$t1" "$t0")
    i=$(sed -n 's/.*stats: \([0-9]*\) instructions.*/\1/p' "$log.err" | tail -n 1)
    if [ -z "$t_tarsier" ] || less_than "$t" "$t_tarsier"; then
        t_tarsier=$t
        insns=$i
    fi
    echo "tarsier run $n: $t s" >&2
}

qemu_bin=""
run_qemu() {
    local n=$1 log="$workdir/qemu$1" t0 t1 pid line found=0
    rm -f "$log.fifo" && mkfifo "$log.fifo" || return 1
    t0=$(now)
    timeout "$run_timeout" "$qemu_bin" -accel tcg -cpu pentium3 -m 256 -nographic -no-reboot \
        -nodefaults -serial stdio -kernel "$kernel" -initrd "$workdir/initrd.gz" -append "$append" \
        </dev/null >"$log.fifo" 2>"$log.err" &
    pid=$!
    : >"$log.serial"
    while IFS= read -r line; do
        printf '%s\n' "$line" >>"$log.serial"
        case $line in *"shell ready"*) t1=$(now); found=1; break ;; esac
    done <"$log.fifo"
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -f "$log.fifo"
    if [ $found = 0 ]; then
        echo "qemu run $n failed: no \"shell ready\" (see $log.serial, $log.err)" >&2
        return 1
    fi
    local t
    t=$(sub "$t1" "$t0")
    if [ -z "$t_qemu" ] || less_than "$t" "$t_qemu"; then t_qemu=$t; fi
    echo "qemu run $n: $t s" >&2
}

if [ $do_qemu = 1 ]; then
    qemu_bin=$(command -v qemu-system-i386 || true)
    if [ -z "$qemu_bin" ]; then
        echo "qemu-system-i386 missing: installing Debian's qemu-system-x86 ..." >&2
        [ "$(id -u)" = 0 ] || SUDO=sudo
        inst() { DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -q --no-install-recommends \
                     qemu-system-x86 >&2; }
        inst || { ${SUDO:-} apt-get update -q >&2 && inst; }
        qemu_bin=$(command -v qemu-system-i386 || true)
        [ -n "$qemu_bin" ] || { echo "ERROR: cannot install qemu-system-x86" >&2; failed=1; do_qemu=0; }
    fi
fi

echo "kernel: $kernel"
echo "append: $append"
echo "host: $(uname -m), $(nproc 2>/dev/null || echo '?') CPUs, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
echo "repeat: $repeat (fastest run kept); work directory: $workdir"
for ((r = 1; r <= repeat; r++)); do
    if [ $do_tarsier = 1 ]; then run_tarsier "$r" || failed=1; fi
    if [ $do_qemu = 1 ]; then run_qemu "$r" || failed=1; fi
done

# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
echo
if [ -n "$t_tarsier" ]; then
    if [ -n "$insns" ]; then
        mips=$(awk -v n="$insns" -v t="$t_tarsier" 'BEGIN { printf "%.1f", n / t / 1e6 }')
        printf 'tarsier  %9.3f s   %s guest instructions, %s MIPS\n' "$t_tarsier" "$insns" "$mips"
    else
        printf 'tarsier  %9.3f s\n' "$t_tarsier"
    fi
fi
[ -z "$t_qemu" ] || printf 'qemu     %9.3f s   (%s, TCG, -cpu pentium3)\n' "$t_qemu" "$("$qemu_bin" --version | head -n 1)"
if [ -n "$t_tarsier" ] && [ -n "$t_qemu" ]; then
    awk -v a="$t_tarsier" -v b="$t_qemu" \
        'BEGIN { printf "ratio tarsier/qemu time: %.2f (tarsier is %.2fx slower)\n", a / b, a / b }'
fi

if [ $failed = 0 ] && [ $keep_workdir = 0 ]; then
    rm -rf "$workdir"
elif [ $failed != 0 ]; then
    echo "outputs kept in $workdir" >&2
fi
[ $failed = 0 ] || exit 1
[ $tarsier_missing = 0 ] || exit 2
exit 0
