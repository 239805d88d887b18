/*
 * multiboot.c - the Multiboot v1 loader (-kernel with a Multiboot header,
 * -initrd as the module list, -append as the command line), following the
 * Multiboot Specification 0.6.96: the header (magic 1BADB002h, flags,
 * checksum) must lie 4-byte aligned in the first 8 KiB; with flag bit 16 the
 * header's address fields place the image (the "a.out kludge"), otherwise the
 * file must be an ELF32 i386 executable whose PT_LOAD segments are loaded at
 * their physical addresses.  The built-in BIOS runs POST as usual and INT 19h
 * then enters the kernel in 32-bit flat protected mode with EAX = 2BADB002h,
 * EBX = the information structure (memory sizes, command line, modules, the
 * memory map, the loader name).
 *
 * Modules are spelled as QEMU does: "-initrd 'file1 args,file2'"; each
 * module's string is the whole "file args" text.  Left out: the video mode
 * request (flag bit 2; the text mode stays), the a.out/ELF symbol tables
 * (flags bits 4/5 are not set in the information structure) and the drive
 * list.  Images must load at or above 1 MiB (the tables live below).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bios/linux.h"
#include "bios/multiboot.h"

#define MB_MAGIC 0x1BADB002u
#define MB_BOOT_MAGIC 0x2BADB002u
#define MB_SEARCH 8192u
#define MB_LOW_LIMIT 0x100000u

/* the loader's tables: GDT, information structure, module list, strings, map */
#define MB_GDT 0x9000u
#define MB_INFO 0x9100u
#define MB_MMAP 0x9200u
#define MB_MODS 0x9400u
#define MB_MAX_MODS 32
#define MB_STRINGS 0xA000u
#define MB_STRINGS_END 0x1F000u

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static void wr32(struct memmap *mem, uint32_t a, uint32_t v) { memmap_write(mem, a, v, 4); }

int multiboot_find_header(const uint8_t *k, size_t len)
{
    size_t end = len < MB_SEARCH ? len : MB_SEARCH;
    for (size_t off = 0; off + 12 <= end; off += 4)
        if (le32(k + off) == MB_MAGIC && le32(k + off) + le32(k + off + 4) + le32(k + off + 8) == 0)
            return (int)off;
    return -1;
}

struct mb_ctx {
    struct memmap *mem;
    const char *path;
    char *err;
    size_t errlen;
    uint32_t top;     /* highest byte loaded + 1 */
    uint32_t strings; /* next free string byte */
};

/* Check that [addr, addr+len) lies in RAM at or above 1 MiB. */
static int check_range(struct mb_ctx *x, uint32_t addr, uint64_t len, const char *what)
{
    if (addr < MB_LOW_LIMIT || (uint64_t)addr + len > x->mem->ram_size) {
        snprintf(x->err, x->errlen,
                 "-kernel: '%s': %s at 0x%x..0x%llx is outside RAM above 1 MiB (%u MiB of RAM; use -m)", x->path,
                 what, addr, (unsigned long long)addr + len, x->mem->ram_size >> 20);
        return -1;
    }
    if ((uint64_t)addr + len > x->top)
        x->top = (uint32_t)((uint64_t)addr + len);
    return 0;
}

static void zero_fill(struct memmap *mem, uint32_t addr, uint32_t len)
{
    static const uint8_t z[4096];
    while (len) {
        uint32_t n = len < sizeof(z) ? len : (uint32_t)sizeof(z);
        memmap_write_bytes(mem, addr, z, n);
        addr += n;
        len -= n;
    }
}

static int load_aout(struct mb_ctx *x, const uint8_t *k, size_t klen, uint32_t hoff, uint32_t *entry)
{
    const uint8_t *h = k + hoff;
    uint32_t header_addr = le32(h + 12), load_addr = le32(h + 16), load_end = le32(h + 20);
    uint32_t bss_end = le32(h + 24);
    *entry = le32(h + 28);
    if (load_addr > header_addr || header_addr - load_addr > hoff) {
        snprintf(x->err, x->errlen, "-kernel: '%s': Multiboot load_addr 0x%x is after header_addr 0x%x", x->path,
                 load_addr, header_addr);
        return -1;
    }
    uint32_t file_off = hoff - (header_addr - load_addr);
    uint64_t len = load_end ? (uint64_t)load_end - load_addr : (uint64_t)klen - file_off;
    if (load_end && load_end < load_addr) {
        snprintf(x->err, x->errlen, "-kernel: '%s': Multiboot load_end_addr is below load_addr", x->path);
        return -1;
    }
    if (file_off + len > klen) {
        snprintf(x->err, x->errlen, "-kernel: '%s': Multiboot header asks for %llu bytes; the file has %zu", x->path,
                 (unsigned long long)len, klen - file_off);
        return -1;
    }
    if (check_range(x, load_addr, len, "the image"))
        return -1;
    memmap_write_bytes(x->mem, load_addr, k + file_off, (size_t)len);
    if (bss_end) {
        if (bss_end < load_addr + len) {
            snprintf(x->err, x->errlen, "-kernel: '%s': Multiboot bss_end_addr is below the image end", x->path);
            return -1;
        }
        if (check_range(x, (uint32_t)(load_addr + len), bss_end - (load_addr + len), "the bss"))
            return -1;
        zero_fill(x->mem, (uint32_t)(load_addr + len), (uint32_t)(bss_end - (load_addr + len)));
    }
    if (*entry < load_addr || *entry >= (bss_end ? bss_end : load_addr + len)) {
        snprintf(x->err, x->errlen, "-kernel: '%s': Multiboot entry 0x%x is outside the loaded image", x->path,
                 *entry);
        return -1;
    }
    return 0;
}

static int load_elf(struct mb_ctx *x, const uint8_t *k, size_t klen, uint32_t *entry)
{
    if (klen < 52 || memcmp(k, "\177ELF", 4) || k[4] != 1 || k[5] != 1 || le16(k + 18) != 3) {
        snprintf(x->err, x->errlen,
                 "-kernel: '%s' has a Multiboot header without address fields and is not an ELF32 i386 file",
                 x->path);
        return -1;
    }
    uint32_t phoff = le32(k + 28), phentsize = le16(k + 42), phnum = le16(k + 44);
    *entry = le32(k + 24);
    if (phentsize < 32 || (uint64_t)phoff + (uint64_t)phentsize * phnum > klen || phnum == 0) {
        snprintf(x->err, x->errlen, "-kernel: '%s': ELF program headers lie outside the file", x->path);
        return -1;
    }
    int loaded = 0, entry_ok = 0;
    for (uint32_t n = 0; n < phnum; n++) {
        const uint8_t *p = k + phoff + (uint64_t)n * phentsize;
        if (le32(p) != 1) /* PT_LOAD */
            continue;
        uint32_t off = le32(p + 4), vaddr = le32(p + 8), paddr = le32(p + 12);
        uint32_t filesz = le32(p + 16), memsz = le32(p + 20);
        if (filesz > memsz || (uint64_t)off + filesz > klen) {
            snprintf(x->err, x->errlen, "-kernel: '%s': ELF segment %u lies outside the file", x->path, n);
            return -1;
        }
        if (!memsz)
            continue;
        if (check_range(x, paddr, memsz, "an ELF segment"))
            return -1;
        memmap_write_bytes(x->mem, paddr, k + off, filesz);
        zero_fill(x->mem, paddr + filesz, memsz - filesz);
        /* an entry given as a virtual address is translated like the segment */
        if (*entry - vaddr < memsz && !entry_ok) {
            *entry = paddr + (*entry - vaddr);
            entry_ok = 1;
        }
        loaded++;
    }
    if (!loaded || !entry_ok) {
        snprintf(x->err, x->errlen, "-kernel: '%s': %s", x->path,
                 loaded ? "the ELF entry point is in no loaded segment" : "no loadable ELF segment");
        return -1;
    }
    return 0;
}

static uint32_t put_string(struct mb_ctx *x, const char *s, size_t n)
{
    if (x->strings + n + 1 > MB_STRINGS_END)
        return 0;
    uint32_t a = x->strings;
    uint8_t zero = 0;
    memmap_write_bytes(x->mem, a, s, n);
    memmap_write_bytes(x->mem, a + (uint32_t)n, &zero, 1);
    x->strings += (uint32_t)n + 1;
    return a;
}

/* Load the comma-separated module list above the kernel; returns the count or -1. */
static int load_modules(struct mb_ctx *x, const char *list, bool page_align)
{
    int count = 0;
    const char *p = list;
    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char spec[1024], path[1024];
        if (n == 0 || n >= sizeof(spec)) {
            snprintf(x->err, x->errlen, "-initrd: empty or over-long module in '%s'", list);
            return -1;
        }
        if (count == MB_MAX_MODS) {
            snprintf(x->err, x->errlen, "-initrd: more than %d Multiboot modules", MB_MAX_MODS);
            return -1;
        }
        memcpy(spec, p, n);
        spec[n] = 0;
        size_t plen = strcspn(spec, " ");
        memcpy(path, spec, plen);
        path[plen] = 0;
        size_t mlen;
        uint8_t *buf = loader_read_file(path, &mlen, "-initrd", x->err, x->errlen);
        if (!buf)
            return -1;
        uint32_t start = page_align ? (x->top + 0xFFFu) & ~0xFFFu : (x->top + 3u) & ~3u;
        if ((uint64_t)start + mlen > x->mem->ram_size) {
            snprintf(x->err, x->errlen, "-initrd: module '%s' (%zu KiB) does not fit in RAM above the kernel (use -m)",
                     path, mlen / 1024);
            free(buf);
            return -1;
        }
        memmap_write_bytes(x->mem, start, buf, mlen);
        free(buf);
        x->top = start + (uint32_t)mlen;
        uint32_t str = put_string(x, spec, n);
        uint32_t e = MB_MODS + 16u * (uint32_t)count;
        wr32(x->mem, e, start);
        wr32(x->mem, e + 4, start + (uint32_t)mlen);
        wr32(x->mem, e + 8, str);
        wr32(x->mem, e + 12, 0);
        count++;
        p = end ? end + 1 : NULL;
    }
    return count;
}

int multiboot_load(struct memmap *mem, const uint8_t *k, size_t klen, const char *path, const char *modules,
                   const char *cmdline, struct multiboot_entry *out, char *err, size_t errlen)
{
    struct mb_ctx x = { mem, path, err, errlen, 0, MB_STRINGS };
    int hoff = multiboot_find_header(k, klen);
    if (hoff < 0) {
        snprintf(err, errlen, "-kernel: '%s' has no Multiboot header", path);
        return -1;
    }
    uint32_t flags = le32(k + hoff + 4);
    if (flags & 0xFFF8u) {
        snprintf(err, errlen, "-kernel: '%s' requires Multiboot features 0x%x that tarsier does not provide", path,
                 flags & 0xFFF8u);
        return -1;
    }
    uint32_t entry;
    if (flags & 0x10000u) {
        if ((size_t)hoff + 32 > klen) {
            snprintf(err, errlen, "-kernel: '%s': truncated Multiboot header", path);
            return -1;
        }
        if (load_aout(&x, k, klen, (uint32_t)hoff, &entry))
            return -1;
    } else if (load_elf(&x, k, klen, &entry)) {
        return -1;
    }
    uint32_t ram = mem->ram_size;
    int nmods = 0;
    if (modules && (nmods = load_modules(&x, modules, flags & 1u)) < 0)
        return -1;
    /* the information structure */
    zero_fill(mem, MB_INFO, 0x100);
    uint32_t info_flags = 0x1u | 0x40u | 0x200u; /* mem_*, mmap, boot_loader_name */
    wr32(mem, MB_INFO + 4, 639);
    wr32(mem, MB_INFO + 8, (ram - MB_LOW_LIMIT) / 1024);
    static const struct { uint32_t base, len, type; } map[] = {
        { 0, 0x9FC00, 1 }, { 0x9FC00, 0x400, 2 }, { 0xF0000, 0x10000, 2 }, { 0x100000, 0, 1 },
    };
    for (unsigned n = 0; n < 4; n++) {
        uint32_t e = MB_MMAP + 24 * n;
        wr32(mem, e, 20);
        wr32(mem, e + 4, map[n].base);
        wr32(mem, e + 8, 0);
        wr32(mem, e + 12, n == 3 ? ram - MB_LOW_LIMIT : map[n].len);
        wr32(mem, e + 16, 0);
        wr32(mem, e + 20, map[n].type);
    }
    wr32(mem, MB_INFO + 44, 4 * 24);
    wr32(mem, MB_INFO + 48, MB_MMAP);
    const char *name = "tarsier";
    wr32(mem, MB_INFO + 64, put_string(&x, name, strlen(name)));
    if (cmdline) {
        uint32_t a = put_string(&x, cmdline, strlen(cmdline));
        if (!a) {
            snprintf(err, errlen, "-append: the command line is too long");
            return -1;
        }
        wr32(mem, MB_INFO + 16, a);
        info_flags |= 0x4u;
    }
    if (modules) {
        wr32(mem, MB_INFO + 20, (uint32_t)nmods);
        wr32(mem, MB_INFO + 24, MB_MODS);
        info_flags |= 0x8u;
    }
    wr32(mem, MB_INFO, info_flags);
    /* a flat GDT: null, code 08h, data 10h (the kernel must load its own) */
    wr32(mem, MB_GDT, 0);
    wr32(mem, MB_GDT + 4, 0);
    wr32(mem, MB_GDT + 8, 0x0000FFFFu);
    wr32(mem, MB_GDT + 12, 0x00CF9B00u);
    wr32(mem, MB_GDT + 16, 0x0000FFFFu);
    wr32(mem, MB_GDT + 20, 0x00CF9300u);
    out->entry = entry;
    out->info = MB_INFO;
    return 0;
}

void multiboot_enter(struct cpu *c, struct memmap *mem, const struct multiboot_entry *e)
{
    memmap_set_a20(mem, true);
    c->gdtr.base = MB_GDT;
    c->gdtr.limit = 0x17;
    c->cr0 |= CR0_PE;
    c->cr0 &= ~CR0_PG;
    cpu_seg_from_descriptor(&c->seg[SEG_CS], 0x08, 0x0000FFFFu, 0x00CF9B00u);
    for (int s = 0; s < 6; s++)
        if (s != SEG_CS)
            cpu_seg_from_descriptor(&c->seg[s], 0x10, 0x0000FFFFu, 0x00CF9300u);
    c->eflags &= ~(F_IF | F_VM);
    c->r[R_EAX] = MB_BOOT_MAGIC;
    c->r[R_EBX] = e->info;
    c->r[R_ESP] = 0x7C00;
    c->eip = e->entry;
    cpu_update_mode(c);
    cpu_tlb_flush(c, true);
    c->stop_block = 1;
}
