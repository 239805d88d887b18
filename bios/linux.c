/*
 * linux.c - the Linux x86 boot protocol loader (-kernel/-initrd/-append),
 * following the kernel's Documentation/arch/x86/boot.rst: a bzImage's
 * real-mode setup goes to 0x10000 with its heap and the command line above
 * it, the protected-mode kernel to 1 MiB, the initrd as high as the kernel's
 * initrd_addr_max allows; the built-in BIOS then enters the setup code at
 * 1020:0000 in real mode, so the kernel's own setup makes its BIOS calls
 * (E820, video, EDD) as on a PC.  Protocol 2.02 or later (cmd_line_ptr) is
 * required.  Left out: zImage (protocol < 2.00), the 32/64-bit boot entry,
 * and Multiboot (bios/multiboot.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bios/linux.h"

#define SETUP_BASE 0x10000u     /* real-mode setup (segment 0x1000) */
#define HEAP_END 0xE000u        /* offset of the end of setup's heap and stack */
#define CMDLINE_ADDR 0x1E000u   /* command line, right above the heap */
#define CMDLINE_MAX 2048u
#define KERNEL_BASE 0x100000u

uint8_t *loader_read_file(const char *path, size_t *len, const char *what, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open '%s': %s", what, path, strerror(errno));
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) || ftell(f) < 0) {
        snprintf(err, errlen, "%s: '%s' is not a regular file", what, path);
        fclose(f);
        return NULL;
    }
    long n = ftell(f);
    rewind(f);
    if (n <= 0 || n > (512l << 20)) {
        snprintf(err, errlen, "%s: '%s' is %ld bytes (empty or larger than 512 MiB)", what, path, n);
        fclose(f);
        return NULL;
    }
    uint8_t *buf = malloc((size_t)n);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        snprintf(err, errlen, "%s: cannot read '%s'", what, path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { for (int k = 0; k < 4; k++) p[k] = (uint8_t)(v >> (8 * k)); }

int linux_load(struct memmap *mem, const char *kernel, const char *initrd, const char *cmdline, char *err,
               size_t errlen)
{
    size_t klen, ilen = 0;
    uint8_t *k = loader_read_file(kernel, &klen, "-kernel", err, errlen);
    if (!k)
        return -1;
    uint8_t *rd = NULL;
    int rc = -1;
    if (klen < 0x1000 || le16(k + 0x1FE) != 0xAA55 || memcmp(k + 0x202, "HdrS", 4)) {
        snprintf(err, errlen, "-kernel: '%s' is not a Linux bzImage (no boot signature or 'HdrS' header) nor a Multiboot kernel", kernel);
        goto out;
    }
    uint16_t version = le16(k + 0x206);
    if (version < 0x202) {
        snprintf(err, errlen, "-kernel: '%s' uses boot protocol %u.%02u; 2.02 or later is needed", kernel,
                 version >> 8, version & 0xFF);
        goto out;
    }
    if (!(k[0x211] & 0x01)) {
        snprintf(err, errlen, "-kernel: '%s' is a zImage (loads low); only bzImage is supported", kernel);
        goto out;
    }
    unsigned setup_sects = k[0x1F1] ? k[0x1F1] : 4;
    size_t setup_len = (setup_sects + 1u) * 512u;
    if (setup_len >= klen || setup_len > HEAP_END - 0x200) {
        snprintf(err, errlen, "-kernel: '%s': setup of %zu bytes does not fit the file or the setup area", kernel,
                 setup_len);
        goto out;
    }
    size_t pm_len = klen - setup_len;
    uint32_t ram = mem->ram_size;
    if (KERNEL_BASE + pm_len + (16u << 20) > ram) {
        snprintf(err, errlen, "-kernel: a %zu KiB kernel needs more RAM than %u MiB (use -m)", pm_len / 1024,
                 ram >> 20);
        goto out;
    }
    size_t clen = cmdline ? strlen(cmdline) : 0;
    uint32_t cmax = version >= 0x206 ? le32(k + 0x238) : 255;
    if (clen >= CMDLINE_MAX || (cmax && clen > cmax)) {
        snprintf(err, errlen, "-append: the command line is %zu bytes; this kernel takes at most %u", clen,
                 cmax < CMDLINE_MAX ? cmax : CMDLINE_MAX - 1);
        goto out;
    }
    /* the setup header fields the loader fills in */
    uint8_t *hdr = k;
    hdr[0x210] = 0xFF;                         /* type_of_loader: undefined loader */
    hdr[0x211] |= 0x80;                        /* CAN_USE_HEAP */
    put16(hdr + 0x224, HEAP_END - 0x200);      /* heap_end_ptr */
    put32(hdr + 0x228, CMDLINE_ADDR);          /* cmd_line_ptr */
    /* vga=: like GRUB and QEMU, the loader (not the kernel) reads it and puts
     * the mode into vid_mode (boot.rst "Details of header fields") */
    const char *vga = cmdline ? strstr(cmdline, "vga=") : NULL;
    while (vga && vga != cmdline && vga[-1] != ' ')
        vga = strstr(vga + 4, "vga=");
    if (vga) {
        const char *v = vga + 4;
        char *end;
        unsigned long mode = strtoul(v, &end, 0);
        if (!strncmp(v, "normal", 6))
            mode = 0xFFFF, end = (char *)v + 6;
        else if (!strncmp(v, "ext", 3))
            mode = 0xFFFE, end = (char *)v + 3;
        else if (!strncmp(v, "ask", 3))
            mode = 0xFFFD, end = (char *)v + 3;
        if (end == v || (*end && *end != ' ') || mode > 0xFFFF) {
            snprintf(err, errlen, "-append: bad video mode in '%.*s' (vga=normal|ext|ask|NUMBER)",
                     (int)strcspn(vga, " "), vga);
            goto out;
        }
        put16(hdr + 0x1FA, (uint16_t)mode);    /* vid_mode */
    }
    if (initrd) {
        rd = loader_read_file(initrd, &ilen, "-initrd", err, errlen);
        if (!rd)
            goto out;
        uint32_t max = version >= 0x203 ? le32(k + 0x22C) : 0x37FFFFFF;
        uint32_t top = ram - 1 < max ? ram - 1 : max;
        uint32_t addr = (uint32_t)((top + 1 - ilen) & ~0xFFFu);
        if (ilen > top || addr < KERNEL_BASE + pm_len + (8u << 20)) {
            snprintf(err, errlen, "-initrd: %zu KiB do not fit above the kernel below %u MiB (use -m)", ilen / 1024,
                     (top + 1) >> 20);
            goto out;
        }
        memmap_write_bytes(mem, addr, rd, ilen);
        put32(hdr + 0x218, addr);
        put32(hdr + 0x21C, (uint32_t)ilen);
    }
    memmap_write_bytes(mem, SETUP_BASE, k, setup_len);
    memmap_write_bytes(mem, KERNEL_BASE, k + setup_len, pm_len);
    uint8_t zero = 0;
    if (clen)
        memmap_write_bytes(mem, CMDLINE_ADDR, cmdline, clen);
    memmap_write_bytes(mem, CMDLINE_ADDR + (uint32_t)clen, &zero, 1);
    rc = 0;
out:
    free(k);
    free(rd);
    return rc;
}

void linux_enter(struct cpu *c)
{
    static const int data[] = { SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS };
    for (unsigned s = 0; s < sizeof(data) / sizeof(data[0]); s++)
        cpu_load_seg_real(c, data[s], SETUP_BASE >> 4);
    c->r[R_ESP] = HEAP_END;
    cpu_load_seg_real(c, SEG_CS, (SETUP_BASE >> 4) + 0x20);
    c->eip = 0;
    c->eflags &= ~F_IF;
    c->stop_block = 1;
}
