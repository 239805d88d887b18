#!/usr/bin/env python3
"""vmlinux_syms.py VMLINUZ [NAME...] - a System.map for an i386 bzImage,
or with --elf OUT a symbol file gdb loads (`symbol-file OUT`).

Debian ships /boot/System.map-VERSION as a one-line placeholder (the real map
is in the 700 MB linux-image-VERSION-dbg package).  The kernel image carries
its own symbol table for /proc/kallsyms, though, and this script reads it
without booting: it unpacks the compressed payload of the bzImage (xz, gzip,
zstd via the zstd command), finds the kallsyms tables in the ELF's .rodata
and prints "ADDRESS TYPE NAME" lines like System.map, for every symbol or
only the NAMEs given (in the order given; a missing name is an error).
With --addr ADDR... it prints the text symbol each hex ADDR lies in, as
NAME+0xOFFSET.  With --elf OUT it writes OUT, an ELF32 i386 file with the
kernel's allocated sections (addresses and sizes only, no contents: gdb
reads code and data from the target) and every symbol, functions with their
sizes, so that gdb can `break start_kernel`, show `<do_timer+14>` in x/i and
name the function in each stop.

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


def sections(elf):
    """[(name, type, flags, addr, size)] of the ELF32 allocated sections."""
    shoff, = struct.unpack_from("<I", elf, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x2E)
    def sh(i):
        return struct.unpack_from("<IIIIII", elf, shoff + i * shentsize)
    stroff = sh(shstrndx)[4]
    out = []
    for i in range(1, shnum):
        nm, typ, flags, addr, _, size = sh(i)
        if flags & 2 and size:                     # SHF_ALLOC
            out.append((elf[stroff + nm:elf.index(b"\0", stroff + nm)].decode(), typ, flags, addr, size))
    return out


def write_elf(path, elf, syms):
    """An ELF32 i386 symbol file: NOBITS copies of the allocated sections and
    a symbol table (locals first, as ELF requires)."""
    secs = sections(elf)
    shstr = bytearray(b"\0")
    def shname(n):
        shstr.extend(n.encode() + b"\0")
        return len(shstr) - len(n) - 1
    # symbol sizes: up to the next symbol's address (same section)
    ordered = sorted(set((a, t, nm) for a, t, nm in syms))
    strtab = bytearray(b"\0")
    local, glob = [], []
    nxt_of, nxt = {}, None
    for a, _, _ in reversed(ordered):           # the next higher symbol address
        nxt_of[a] = nxt if nxt != a else nxt_of.get(a)
        nxt = a
    for a, t, nm in ordered:
        idx = next((i + 1 for i, (_, _, _, sa, sz) in enumerate(secs) if sa <= a < sa + sz), 0)
        nxt = nxt_of[a]
        end = secs[idx - 1][3] + secs[idx - 1][4] if idx else a
        size = min(nxt, end) - a if nxt is not None and idx else 0
        func = t in "TtWw" and idx and secs[idx - 1][2] & 4   # SHF_EXECINSTR
        info = (0 if t.islower() else 1) << 4 | (2 if func else 1 if idx else 0)
        name_off = len(strtab)
        strtab.extend(nm.encode("latin-1") + b"\0")
        ent = struct.pack("<IIIBBH", name_off, a, size, info, 0, idx if idx else 0xFFF1)
        (local if t.islower() else glob).append(ent)
    symtab = b"\0" * 16 + b"".join(local) + b"".join(glob)
    # layout: header, symtab, strtab, shstrtab, section headers
    names = [shname(n) for n, _, _, _, _ in secs]
    n_sym, n_str, n_shstr = shname(".symtab"), shname(".strtab"), shname(".shstrtab")
    off_sym = 52
    off_str = off_sym + len(symtab)
    off_shstr = off_str + len(strtab)
    off_sh = (off_shstr + len(shstr) + 3) & ~3
    shdrs = [struct.pack("<10I", *([0] * 10))]
    for (n, typ, flags, addr, size), no in zip(secs, names):
        shdrs.append(struct.pack("<10I", no, 8, flags, addr, off_sym, size, 0, 0, 16, 0))  # SHT_NOBITS
    nsec = len(secs)
    shdrs.append(struct.pack("<10I", n_sym, 2, 0, 0, off_sym, len(symtab), nsec + 2, 1 + len(local), 4, 16))
    shdrs.append(struct.pack("<10I", n_str, 3, 0, 0, off_str, len(strtab), 0, 0, 1, 0))
    shdrs.append(struct.pack("<10I", n_shstr, 3, 0, 0, off_shstr, len(shstr), 0, 0, 1, 0))
    entry, = struct.unpack_from("<I", elf, 0x18)
    hdr = b"\x7fELF\x01\x01\x01" + b"\0" * 9 + struct.pack(
        "<HHIIIIIHHHHHH", 2, 3, 1, entry, 0, off_sh, 0, 52, 0, 0, 40, len(shdrs), nsec + 3)
    blob = hdr + symtab + bytes(strtab) + bytes(shstr)
    blob += b"\0" * (off_sh - len(blob)) + b"".join(shdrs)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(blob)
    __import__("os").replace(tmp, path)
    return len(ordered)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    elf = unpack(sys.argv[1])
    syms = kallsyms(elf)
    known = {nm for _, _, nm in syms}
    syms = sorted(syms + [e for e in exported(elf) + banner(elf) if e[2] not in known])
    want = sys.argv[2:]
    if want[:1] == ["--elf"]:                   # --elf OUT: a symbol file for gdb
        if len(want) != 2:
            sys.exit("vmlinux_syms: usage: vmlinux_syms.py VMLINUZ --elf OUT")
        n = write_elf(want[1], elf, syms)
        print("vmlinux_syms: %d symbols written to %s (gdb: symbol-file %s)" % (n, want[1], want[1]))
        return
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
