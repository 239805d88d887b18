/*
 * firmware.c - what the firmware gets from the configuration: a -bios ROM
 * image mapped below 1 MiB and at the top of the address space, the built-in
 * BIOS and its trap, a -kernel (Multiboot or the Linux boot protocol), and the
 * CMOS bytes firmware reads (memory sizes, diskette types, boot order) with
 * the RTC's start time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bios/linux.h"
#include "bios/multiboot.h"
#include "machine/firmware.h"

#define MAX_ROM_BYTES (16u << 20)

static int load_rom(struct machine *m, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "-bios: cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    if (fseek(f, 0, SEEK_END) != 0) {
        snprintf(err, errlen, "-bios: cannot read '%s': %s", path, strerror(errno));
        fclose(f);
        return -1;
    }
    long n = ftell(f);
    rewind(f);
    if (n <= 0 || (unsigned long)n > MAX_ROM_BYTES || (n & 0xFFF)) {
        snprintf(err, errlen, "-bios: '%s' is %ld bytes; a ROM image must be a non-empty multiple of 4 KiB up to 16 MiB",
                 path, n);
        fclose(f);
        return -1;
    }
    m->bios_rom = malloc((size_t)n);
    if (!m->bios_rom || fread(m->bios_rom, 1, (size_t)n, f) != (size_t)n) {
        snprintf(err, errlen, "-bios: cannot read '%s'", path);
        fclose(f);
        return -1;
    }
    fclose(f);
    m->bios_size = (uint32_t)n;
    return 0;
}

static void map_rom(struct machine *m)
{
    uint32_t n = m->bios_size;
    uint32_t low = n < 0x20000 ? n : 0x20000; /* the top 128 KiB appear below 1 MiB */
    memmap_add_rom(&m->mem, 0x100000 - low, low, m->bios_rom + (n - low), "bios-low", 10);
    if (m->cpu.model->gen == CPU_286)
        memmap_add_rom(&m->mem, 0x1000000 - n, n, m->bios_rom, "bios-high", 10);
    else if (m->cpu.model->gen >= CPU_386)
        memmap_add_rom(&m->mem, (uint32_t)(0x100000000ull - n), n, m->bios_rom, "bios-high", 10);
}

int firmware_rom(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    if (cfg->bios_path && load_rom(m, cfg->bios_path, err, errlen))
        return -1;
    if (m->bios_rom)
        map_rom(m);
    return 0;
}

/* The built-in BIOS: its ROM below 1 MiB and aliased at the top of 4 GiB,
 * and the firmware trap wired to its services. */
int firmware_builtin_bios(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    struct bios *b = &m->bios;
    if (m->cpu.model->gen < CPU_286) {
        snprintf(err, errlen, "the built-in BIOS needs a 286 or later CPU model; use -bios with -cpu 8086");
        return -1;
    }
    b->cpu = &m->cpu;
    b->mem = &m->mem;
    b->io = &m->io;
    b->ram_size = m->mem.ram_size;
    for (int k = 0; k < 2; k++) {
        b->fd[k] = m->fd[k];
        b->hd[k] = m->hd[k];
    }
    const char *order = cfg->boot_order ? cfg->boot_order : "acd";
    for (const char *o = order; *o; o++)
        if (!strchr("abcd", *o)) {
            snprintf(err, errlen, "-boot: '%s': use drive letters a, b, c or d", order);
            return -1;
        }
    snprintf(b->boot_order, sizeof(b->boot_order), "%s", order);
    bios_build_rom(b);
    memmap_add_rom(&m->mem, BIOS_ROM_BASE, BIOS_ROM_SIZE, b->rom, "bios", 10);
    if (m->cpu.model->gen == CPU_286)
        memmap_add_rom(&m->mem, 0xFF0000, BIOS_ROM_SIZE, b->rom, "bios-high", 10);
    else
        memmap_add_rom(&m->mem, 0xFFFF0000u, BIOS_ROM_SIZE, b->rom, "bios-high", 10);
    m->cpu.hle.call = bios_call;
    m->cpu.hle.opaque = b;
    m->cpu.hle.lo = BIOS_ROM_BASE;
    m->cpu.hle.hi = BIOS_ROM_BASE + BIOS_ROM_SIZE;
    if (bios_wait_attach(b, &m->clock)) { /* INT 15h 83h/86h, INT 14h time-outs */
        snprintf(err, errlen, "the built-in BIOS: no room for its clock event");
        return -1;
    }
    return 0;
}

/* -kernel, -initrd and -append: a Multiboot image, else a Linux kernel. */
int firmware_kernel(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    if ((cfg->initrd || cfg->append) && !cfg->kernel) {
        snprintf(err, errlen, "-initrd and -append need -kernel");
        return -1;
    }
    if (cfg->kernel) {
        if (!cfg->builtin_bios || m->bios_rom) {
            snprintf(err, errlen, "-kernel needs the built-in BIOS (drop -bios)");
            return -1;
        }
        size_t klen;
        uint8_t *k = loader_read_file(cfg->kernel, &klen, "-kernel", err, errlen);
        if (!k)
            return -1;
        bool bz = klen >= 0x206 && !memcmp(k + 0x202, "HdrS", 4);
        int rc;
        if (!bz && multiboot_find_header(k, klen) >= 0) {
            rc = multiboot_load(&m->mem, k, klen, cfg->kernel, cfg->initrd, cfg->append, &m->bios.mb, err, errlen);
            m->bios.multiboot = true;
        } else {
            rc = linux_load(&m->mem, cfg->kernel, cfg->initrd, cfg->append, err, errlen);
            m->bios.linux_boot = true;
        }
        free(k);
        if (rc)
            return -1;
    }
    return 0;
}

#define RTC_DEFAULT_EPOCH 946684800 /* 2000-01-01T00:00:00 UTC */

static int64_t days_from_1970(unsigned y, unsigned mo, unsigned d)
{
    static const uint8_t len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int64_t days = 0;
    for (unsigned k = 1970; k < y; k++)
        days += 365 + ((k % 4 == 0 && k % 100 != 0) || k % 400 == 0);
    for (unsigned k = 1; k < mo; k++)
        days += len[k - 1] + (k == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return days + d - 1;
}

int firmware_rtc_base(const char *spec, int64_t *epoch, char *err, size_t errlen)
{
    if (!spec) {
        *epoch = RTC_DEFAULT_EPOCH;
        return 0;
    }
    if (!strcmp(spec, "utc") || !strcmp(spec, "now")) {
        *epoch = (int64_t)time(NULL); /* realtime mode: the host clock, read once at start */
        return 0;
    }
    unsigned y, mo, d, h = 0, mi = 0, se = 0;
    int n = 0, n2 = 0;
    if (sscanf(spec, "%4u-%2u-%2u%n", &y, &mo, &d, &n) == 3 && n > 0) {
        const char *rest = spec + n;
        if (*rest == 'T' && sscanf(rest, "T%2u:%2u:%2u%n", &h, &mi, &se, &n2) == 3 && n2 > 0)
            rest += n2;
        if (!*rest && y >= 1970 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 &&
            mi < 60 && se < 60) {
            *epoch = days_from_1970(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
            return 0;
        }
    }
    snprintf(err, errlen, "-rtc base: expected utc, now or YYYY-MM-DD[THH:MM:SS] (1970-9999), got '%s'", spec);
    return -1;
}

/* CMOS bytes the BIOS reads: memory sizes (IBM AT layout) and their checksum. */
void firmware_cmos_setup(struct machine *m)
{
    uint8_t *c = m->rtc.cmos;
    uint32_t kb = m->mem.ram_size >> 10;
    uint32_t ext = kb > 1024 ? kb - 1024 : 0;
    if (ext > 0xFFFF)
        ext = 0xFFFF;
    uint32_t high = kb > 16384 ? (kb - 16384) / 64 : 0; /* 64 KiB blocks above 16 MiB */
    if (high > 0xFFFF)
        high = 0xFFFF;
    uint32_t base = kb < 640 ? kb : 640;
    c[0x15] = (uint8_t)base;
    c[0x16] = (uint8_t)(base >> 8);
    c[0x17] = c[0x30] = (uint8_t)ext;
    c[0x18] = c[0x31] = (uint8_t)(ext >> 8);
    c[0x34] = (uint8_t)high;
    c[0x35] = (uint8_t)(high >> 8);
    /* diskette drive types (A: high nibble) and the equipment byte's drive count */
    uint8_t fa = m->fd[0] ? m->fd[0]->floppy_type : 0, fb = m->fd[1] ? m->fd[1]->floppy_type : 0;
    c[0x10] = (uint8_t)((fa << 4) | fb);
    c[0x14] &= 0x3E;
    if (fa || fb)
        c[0x14] |= (uint8_t)(0x01 | ((fa && fb) ? 0x40 : 0x00));
    uint16_t sum = 0;
    for (int i = 0x10; i <= 0x2D; i++)
        sum = (uint16_t)(sum + c[i]);
    c[0x2E] = (uint8_t)(sum >> 8);
    c[0x2F] = (uint8_t)sum;
}

/* The boot order for firmware that reads it from CMOS (SeaBIOS's QEMU build,
 * the Bochs convention): 3Dh bits 3-0 the first device, bits 7-4 the second,
 * 38h bits 7-4 the third; 1 floppy, 2 hard disk, 3 CD-ROM.  38h bit 0 stays
 * clear (check the floppy boot signature).  The built-in BIOS takes -boot
 * directly. */
int firmware_cmos_boot_order(struct machine *m, const char *order, char *err, size_t errlen)
{
    static const char letters[] = "abcd";
    uint8_t dev[3] = { 0, 0, 0 };
    int n = 0;
    for (const char *o = order ? order : "acd"; *o; o++) {
        const char *at = strchr(letters, *o);
        if (!at) {
            snprintf(err, errlen, "-boot: '%s': use drive letters a, b, c or d", order);
            return -1;
        }
        long k = at - letters;
        uint8_t d = (uint8_t)(k < 2 ? 1 : k); /* a, b: floppy; c: 2; d: 3 */
        if (n < 3 && !memchr(dev, d, (size_t)n))
            dev[n++] = d;
    }
    m->rtc.cmos[0x3D] = (uint8_t)(dev[0] | dev[1] << 4);
    m->rtc.cmos[0x38] = (uint8_t)(dev[2] << 4);
    return 0;
}
