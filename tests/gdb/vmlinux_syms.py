#!/usr/bin/env python3
"""vmlinux_syms.py VMLINUZ [NAME...] - a System.map for an i386 bzImage.

Debian ships /boot/System.map-VERSION as a one-line placeholder (the real map
is in the 700 MB linux-image-VERSION-dbg package).  The kernel image carries
its own symbol table for /proc/kallsyms, though, and this script reads it
without booting: it unpacks the compressed payload of the bzImage (xz, gzip,
zstd via the zstd command), finds the kallsyms tables in the ELF's .rodata
and prints "ADDRESS TYPE NAME" lines like System.map, for every symbol or
only the NAMEs given (in the order given; a missing name is an error).
With --addr ADDR... it prints the text symbol each hex ADDR lies in, as
NAME+0xOFFSET.

The tables, in the order scripts/kallsyms.c emits them (Linux 4.6 to 6.1
with CONFIG_KALLSYMS_BASE_RELATIVE, 32-bit):
    kallsyms_offsets[n]       u32 each, address = kallsyms_relative_base + offset
    kallsyms_relative_base    u32
    kallsyms_num_syms         u32 n
    kallsyms_names            per symbol: length (1 byte, or 2 when bit 7 is set),
                              then that many token numbers; token 0's first
                              character is the type letter
    kallsyms_markers          u32 per 256 symbols
    kallsyms_token_table      256 NUL-terminated strings
    kallsyms_token_index      256 u16 offsets into the token table
The token index is found first (256 increasing u16 starting at 0 whose
strings end exactly where the next starts), then num_syms by walking back
from the token table until the names it implies end at the markers.
Addresses are the link-time ones: boot with nokaslr.
"""
import bisect
import gzip
import lzma
import struct
import subprocess
import sys


def unpack(path):
    data = open(path, "rb").read()
    if data[:4] == b"\x7fELF":
        return data
    for magic, how in ((b"\xfd7zXZ\x00", "xz"), (b"\x28\xb5\x2f\xfd", "zstd"), (b"\x1f\x8b\x08", "gzip")):
        pos = data.find(magic)
        while pos >= 0:
            try:
                if how == "xz":
                    out = lzma.LZMADecompressor().decompress(data[pos:])
                elif how == "gzip":
                    out = gzip.GzipFile(fileobj=__import__("io").BytesIO(data[pos:])).read1(1 << 30)
                else:
                    out = subprocess.run(["zstd", "-dc"], input=data[pos:], capture_output=True).stdout
                if out[:4] == b"\x7fELF":
                    return out
            except (lzma.LZMAError, OSError, EOFError):
                pass
            pos = data.find(magic, pos + 1)
    sys.exit("vmlinux_syms: no compressed ELF kernel found in %s" % path)


def section(elf, name):
    """(file offset, address, size) of an ELF32 section."""
    shoff, = struct.unpack_from("<I", elf, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x2E)
    def sh(i):
        return struct.unpack_from("<IIIIII", elf, shoff + i * shentsize)
    stroff = sh(shstrndx)[4]
    for i in range(shnum):
        nm, _, _, addr, off, size = sh(i)
        if elf[stroff + nm:elf.index(b"\0", stroff + nm)].decode() == name:
            return off, addr, size
    sys.exit("vmlinux_syms: no %s section" % name)


def find_tokens(ro):
    """(token table offset, token index offset, tokens) within ro."""
    for p in range(0, len(ro) - 512, 4):
        if ro[p] or ro[p + 1]:
            continue
        idx = struct.unpack_from("<256H", ro, p)
        if idx[1] < 2 or idx[1] > 32 or any(idx[i + 1] - idx[i] < 2 for i in range(255)):
            continue
        end_last = p                            # the NUL ending the last token
        while end_last > 0 and ro[end_last - 1] == 0:
            end_last -= 1
        for t in range(end_last - idx[255] - 64, end_last - idx[255]):
            if t < 0:
                continue
            ok = all(ro[t + idx[i + 1] - 1] == 0 and 0 not in ro[t + idx[i]:t + idx[i + 1] - 1]
                     for i in range(255))
            if ok and ro[t + idx[255]:end_last].find(b"\0") < 0:
                toks = [ro[t + idx[i]:ro.index(b"\0", t + idx[i])] for i in range(256)]
                return t, p, toks
    sys.exit("vmlinux_syms: kallsyms_token_index not found")


def read_names(ro, start, n, toks):
    """Decode n names from start; returns (names, end offset) or None."""
    names, q = [], start
    for _ in range(n):
        if q >= len(ro):
            return None
        ln = ro[q]
        q += 1
        if ln & 0x80:
            ln = (ln & 0x7F) | (ro[q] << 7)
            q += 1
        if ln == 0:
            return None
        names.append(b"".join(toks[b] for b in ro[q:q + ln]))
        q += ln
    return names, q


def plausible(ro, q, toks):
    """Do the first names after a candidate kallsyms_num_syms at q look like symbols?"""
    got = read_names(ro, q + 4, 8, toks)
    return got is not None and all(
        len(nm) > 1 and nm[:1].isalpha() and all(ch in IDENT for ch in nm[1:]) for nm in got[0])


IDENT = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.$")


def kallsyms(elf):
    off, addr, size = section(elf, ".rodata")
    ro = elf[off:off + size]
    ttab, _, toks = find_tokens(ro)
    # walk back from the token table to kallsyms_num_syms: the names it is
    # followed by must end where kallsyms_markers start (0, then the offset
    # of name 256).  Newer kernels put kallsyms_seqs_of_names (3 bytes per
    # symbol) between the markers and the token table.
    for q in range(ttab - 8, 4, -4):
        n, = struct.unpack_from("<I", ro, q)
        if n < 1000 or n > 1000000 or q - 4 - 4 * n < 0 or not plausible(ro, q, toks):
            continue
        got = read_names(ro, q + 4, n, toks)
        if not got:
            continue
        mark = (got[1] + 3) & ~3
        names256 = read_names(ro, q + 4, 256, toks)[1] - (q + 4)
        if struct.unpack_from("<2I", ro, mark) != (0, names256):
            continue
        base, = struct.unpack_from("<I", ro, q - 4)
        offs = struct.unpack_from("<%dI" % n, ro, q - 4 - 4 * n)
        if any(offs[i] > offs[i + 1] for i in range(n - 1)):
            sys.exit("vmlinux_syms: kallsyms_offsets is not where Linux 6.1 puts it")
        return [((base + o) & 0xFFFFFFFF, nm[:1].decode(), nm[1:].decode("latin-1"))
                for o, nm in zip(offs, got[0])]
    sys.exit("vmlinux_syms: kallsyms_num_syms not found")


def exported(elf):
    """The exported symbols (__ksymtab, __ksymtab_gpl: with PREL32 entries of
    three s32 offsets, each relative to its own field: value, name, namespace).
    They add data symbols such as jiffies that kallsyms lacks without
    CONFIG_KALLSYMS_ALL."""
    soff, saddr, ssize = section(elf, "__ksymtab_strings")
    toff, taddr, tsize = section(elf, ".text")
    out = []
    for name in ("__ksymtab", "__ksymtab_gpl"):
        off, addr, size = section(elf, name)
        for e in range(0, size - size % 12, 12):
            val, nm = struct.unpack_from("<ii", elf, off + e)
            a = (addr + e + val) & 0xFFFFFFFF
            n = (addr + e + 4 + nm - saddr) & 0xFFFFFFFF
            if n < ssize:
                s = elf[soff + n:elf.index(b"\0", soff + n)].decode("latin-1")
                out.append((a, "T" if taddr <= a < taddr + tsize else "D", s))
    return out


def banner(elf):
    """linux_banner, the "Linux version ..." string in .rodata.  Since 6.1
    there are two: a weak one from init/version.c without the build number
    and the one start_kernel prints, from init/version-timestamp.o, which is
    linked last; so the last one."""
    off, addr, size = section(elf, ".rodata")
    pos = elf.rfind(b"Linux version ", off, off + size)
    return [(addr + pos - off, "R", "linux_banner")] if pos >= 0 else []


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    elf = unpack(sys.argv[1])
    syms = kallsyms(elf)
    known = {nm for _, _, nm in syms}
    syms = sorted(syms + [e for e in exported(elf) + banner(elf) if e[2] not in known])
    want = sys.argv[2:]
    if want[:1] == ["--addr"]:                  # --addr ADDR...: NAME+0xOFF of each
        text = [(a, nm) for a, t, nm in syms if t in "Tt"]
        for w in want[1:]:
            v = int(w, 16)
            i = bisect.bisect_right(text, (v, "\xff")) - 1
            print("%s+%#x" % (text[i][1], v - text[i][0]) if i >= 0 else "?")
        return
    if not want:
        for a, t, nm in syms:
            print("%08x %s %s" % (a, t, nm))
        return
    by = {}
    for a, t, nm in syms:
        by.setdefault(nm, (a, t))
    missing = [w for w in want if w not in by]
    for w in want:
        if w in by:
            print("%08x %s %s" % (by[w][0], by[w][1], w))
    if missing:
        sys.exit("vmlinux_syms: not found: " + " ".join(missing))


if __name__ == "__main__":
    main()
