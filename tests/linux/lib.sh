# lib.sh - shared by the Linux guest tests (sourced).  Fetches Debian's i386
# kernel and busybox (packages downloaded, not installed) and builds
# initramfs images with the kernel modules a test asks for.
#
# linux_fetch DIR        -> $LINUX_ROOT (extracted packages), $LINUX_KERNEL,
#                           $LINUX_MODDIR (lib/modules/VERSION)
# linux_initramfs OUT MODULE...
#                        busybox + the modules and their dependencies (read
#                        from each module's modinfo "depends=" with strings)
#                        + an /init that loads them in dependency order,
#                        mounts proc/sys/dev, says "shell ready" and starts a
#                        shell on the console.

linux_fetch() {
    local dir=$1
    mkdir -p "$dir" || return 1
    # tests running in parallel share the download: one fetches, the others wait
    exec 9>"$dir/.lock" && flock 9 || return 1
    _linux_fetch_locked "$dir"
    local rc=$?
    flock -u 9
    exec 9>&-
    return $rc
}

_linux_fetch_locked() {
    local dir=$1
    if ! ls "$dir"/vmlinuz-* >/dev/null 2>&1 || [ ! -x "$dir/root/bin/busybox" ]; then
        if ! dpkg --print-foreign-architectures | grep -qx i386; then
            dpkg --add-architecture i386 || return 1
        fi
        apt-get update -qq >/dev/null 2>&1 || true   # a partly failed update still serves the main index
        (cd "$dir" && apt-get download linux-image-686:i386 busybox-static:i386 >/dev/null 2>&1) || return 1
        local dep
        dep=$(apt-cache depends linux-image-686:i386 | awk '/Depends: linux-image-/ { print $2; exit }')
        (cd "$dir" && apt-get download "$dep" >/dev/null 2>&1) || return 1
        rm -rf "$dir/root"
        for f in "$dir"/*.deb; do dpkg-deb -x "$f" "$dir/root" || return 1; done
        cp "$dir"/root/boot/vmlinuz-* "$dir/" || return 1
    fi
    LINUX_ROOT=$dir/root
    LINUX_KERNEL=$(ls "$dir"/vmlinuz-* | head -n 1)
    LINUX_MODDIR=$(ls -d "$dir"/root/lib/modules/* | head -n 1)
}

# _linux_mod_path NAME: the .ko of a module (names may use - or _)
_linux_mod_path() {
    local n=$1 alt
    alt=$(printf '%s' "$n" | tr '_-' '-_')
    find "$LINUX_MODDIR/kernel" \( -name "$n.ko" -o -name "$alt.ko" \) | head -n 1
}

# _linux_mod_order NAME...: module files, dependencies first, each once
_linux_mod_order() {
    local n p deps
    for n in "$@"; do
        case " $_LINUX_SEEN " in *" $n "*) continue ;; esac
        _LINUX_SEEN="$_LINUX_SEEN $n"
        p=$(_linux_mod_path "$n")
        if [ -z "$p" ]; then
            echo "lib.sh: kernel module $n not found in $LINUX_MODDIR" >&2
            return 1
        fi
        deps=$(strings -a "$p" | sed -n 's/^depends=//p' | head -n 1 | tr ',' ' ')
        [ -n "$deps" ] && { _linux_mod_order $deps || return 1; }
        echo "$p"
    done
}

linux_initramfs() {
    local out=$1 tree
    shift
    tree=$(mktemp -d) || return 1
    mkdir -p "$tree/bin" "$tree/proc" "$tree/sys" "$tree/dev" "$tree/mnt" "$tree/lib/modules"
    cp "$LINUX_ROOT/bin/busybox" "$tree/bin/" || return 1
    _LINUX_SEEN=""
    local mods
    mods=$(_linux_mod_order "$@") || return 1
    local list="" p
    for p in $mods; do
        cp "$p" "$tree/lib/modules/" || return 1
        list="$list $(basename "$p")"
    done
    cat > "$tree/init" <<EOI
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $list; do insmod /lib/modules/\$m || echo "tarsier initramfs: insmod \$m failed"; done
echo "tarsier initramfs: shell ready"
exec sh
EOI
    chmod +x "$tree/init"
    (cd "$tree" && find . | cpio -o -H newc 2>/dev/null | gzip > "$out") || return 1
    rm -rf "$tree"
}

# need_tools PACKAGE:FILE...: install the Debian packages whose command (or
# file, when it starts with /) is missing
need_tools() {
    local spec pkg file missing=""
    for spec in "$@"; do
        pkg=${spec%%:*} file=${spec#*:}
        case $file in
        /*) [ -e "$file" ] || missing="$missing $pkg" ;;
        *) command -v "$file" >/dev/null 2>&1 || missing="$missing $pkg" ;;
        esac
    done
    [ -z "$missing" ] && return 0
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null 2>&1; } ||
        { echo "lib.sh: cannot install$missing" >&2; return 1; }
}
