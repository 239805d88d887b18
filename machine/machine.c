/*
 * machine.c - the board: builds struct machine from a configuration, maps the
 * ROM and RAM, wires every port range and IRQ line in one place, and runs the
 * CPU against the virtual clock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bios/linux.h"
#include "bios/multiboot.h"
#include "machine/machine.h"

#define MAX_ROM_BYTES (16u << 20)
#define RUN_SLICE 200000u

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

static int attach_disks(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    for (int k = 0; k < 2; k++) {
        const char *path = k ? cfg->fdb : cfg->fda;
        if (!path)
            continue;
        char e[300];
        m->fd[k] = disk_open(path, DISK_FLOPPY, cfg->fd_readonly[k], cfg->snapshot, e, sizeof(e));
        if (!m->fd[k]) {
            snprintf(err, errlen, "-%s: %s", k ? "fdb" : "fda", e);
            return -1;
        }
    }
    /* IDE: -hda/-hdb are slots 0 and 1; the first two hard disks are the BIOS's 80h and 81h */
    int nhd = 0;
    for (int k = 0; k < 4; k++) {
        struct machine_ide_slot s = cfg->ide[k];
        if (k < 2 && (k ? cfg->hdb : cfg->hda)) {
            if (s.used) {
                snprintf(err, errlen, "-%s and -drive index=%d name the same IDE slot", k ? "hdb" : "hda", k);
                return -1;
            }
            s = (struct machine_ide_slot){ k ? cfg->hdb : cfg->hda, true, false, cfg->hd_readonly[k] };
        }
        if (!s.used)
            continue;
        static const char *const names[4] = { "hda", "hdb", "hdc", "hdd" };
        struct disk *d = NULL;
        if (s.path) {
            char e[300];
            d = disk_open(s.path, s.cdrom ? DISK_CDROM : DISK_HD, s.readonly || s.cdrom, cfg->snapshot, e, sizeof(e));
            if (!d) {
                snprintf(err, errlen, "-%s: %s", s.cdrom ? "cdrom" : names[k], e);
                return -1;
            }
        } else if (!s.cdrom) {
            snprintf(err, errlen, "-drive index=%d: a hard disk needs file=PATH", k);
            return -1;
        }
        m->ide_disk[k] = d;
        ide_attach(&m->ide, k, s.cdrom ? IDE_ATAPI : IDE_ATA, d);
        if (!s.cdrom && nhd < 2)
            m->hd[nhd++] = d;
        if (s.cdrom && d && !m->bios.cd)
            m->bios.cd = d;
    }
    return 0;
}

/* The built-in BIOS: its ROM below 1 MiB and aliased at the top of 4 GiB,
 * and the firmware trap wired to its services. */
static int install_builtin_bios(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
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
    return 0;
}

static uint64_t vga_now(void *opaque)
{
    return machine_now(opaque);
}

static int no_intr(void *opaque)
{
    return -1;
}

/* ---- the chipset: PIC, PIT, RTC, KBC ---- */

#define RTC_DEFAULT_EPOCH 946684800 /* 2000-01-01T00:00:00 UTC */

static void board_intr(void *opaque, int n, int level)
{
    struct machine *m = opaque;
    cpu_set_intr(&m->cpu, level);
}

static int board_ack(void *opaque)
{
    struct machine *m = opaque;
    return pic_ack(&m->pic);
}

/* COM1's output passes through here: kept for wait-serial, then to the host. */
static void com1_tap_write(void *opaque, uint8_t byte)
{
    struct machine *m = opaque;
    if (m->serial_len == MACHINE_SERIAL_LOG) { /* full: drop the older half */
        memmove(m->serial_log, m->serial_log + MACHINE_SERIAL_LOG / 2, MACHINE_SERIAL_LOG / 2);
        m->serial_len = MACHINE_SERIAL_LOG / 2;
    }
    m->serial_log[m->serial_len++] = byte;
    const struct uart_backend *be = m->serial_be[0];
    if (be && be->write)
        be->write(be->opaque, byte);
}

static int com1_tap_read(void *opaque)
{
    struct machine *m = opaque;
    if (m->serial_in_len) {
        uint8_t b = m->serial_in[m->serial_in_head];
        m->serial_in_head = (m->serial_in_head + 1) % MACHINE_SERIAL_IN;
        m->serial_in_len--;
        return b;
    }
    const struct uart_backend *be = m->serial_be[0];
    return be && be->read ? be->read(be->opaque) : -2; /* -2: stop polling until more is queued */
}

int machine_serial_inject(struct machine *m, const void *bytes, size_t len)
{
    if (len > MACHINE_SERIAL_IN - m->serial_in_len || !m->com[0].clk) /* full, or no chipset */
        return -1;
    for (size_t k = 0; k < len; k++)
        m->serial_in[(m->serial_in_head + m->serial_in_len++) % MACHINE_SERIAL_IN] = ((const uint8_t *)bytes)[k];
    m->com1_tap.read = com1_tap_read;
    uart_rx_kick(&m->com[0]);
    return 0;
}

bool machine_serial_seen(const struct machine *m, const char *text, size_t len)
{
    return len == 0 || memmem(m->serial_log, m->serial_len, text, len) != NULL;
}

struct irq_line machine_irq(struct machine *m, int n)
{
    struct irq_line l = { pic_set_irq, &m->pic, n };
    return l;
}

void machine_sync_clock(struct machine *m)
{
    clock_advance(&m->clock, m->cpu.icount * m->clock.ns_per_insn);
}

static uint32_t timed_read(void *opaque, uint32_t off, int size)
{
    struct machine_port *p = opaque;
    machine_sync_clock(p->m);
    return p->ops->read(p->dev, off, size);
}

static void timed_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct machine_port *p = opaque;
    machine_sync_clock(p->m);
    p->ops->write(p->dev, off, val, size);
}

static const struct io_ops timed_ops8 = { timed_read, timed_write, IO_SIZE8 };

/* Register a byte-wide device range whose device reads virtual time. */
static int add_timed(struct machine *m, uint16_t base, uint32_t count, const struct io_ops *ops, void *dev,
                     const char *name)
{
    if (m->ntports >= MACHINE_MAX_TIMED_PORTS)
        return -1;
    struct machine_port *p = &m->tports[m->ntports++];
    p->m = m;
    p->ops = ops;
    p->dev = dev;
    return portbus_register(&m->io, base, count, &timed_ops8, p, name);
}

/* ---- PCI: bus 0, the i440FX host bridge and the PIIX functions ---- */

/* A PCI I/O region behind the clock shim; accesses the device does not take
 * natively are split into bytes. */
static uint32_t pci_port_read(void *opaque, uint32_t off, int size)
{
    struct machine_port *p = opaque;
    machine_sync_clock(p->m);
    if (p->ops->sizes & (unsigned)size)
        return p->ops->read(p->dev, off, size);
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= (p->ops->read(p->dev, off + (uint32_t)k, 1) & 0xFF) << (8 * k);
    return v;
}

static void pci_port_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct machine_port *p = opaque;
    machine_sync_clock(p->m);
    if (p->ops->sizes & (unsigned)size)
        p->ops->write(p->dev, off, val, size);
    else
        for (int k = 0; k < size; k++)
            p->ops->write(p->dev, off + (uint32_t)k, (val >> (8 * k)) & 0xFF, 1);
}

static const struct io_ops pci_port_ops = { pci_port_read, pci_port_write, IO_SIZE8 | IO_SIZE16 | IO_SIZE32 };

/* The bus (un)maps a function's region when its base or enable changes. */
/* A memory or expansion ROM region moves a memory map region of its own
 * (RAM below the top of memory and the fixed ROMs win where they overlap). */
static int pci_map_mem(struct machine *m, struct pci_region *r, int map)
{
    int id = -1;
    for (int k = 0; k < MACHINE_PCI_MEM && id < 0; k++)
        if (m->pci_mem[k].r == r)
            id = m->pci_mem[k].id;
    for (int k = 0; k < MACHINE_PCI_MEM && id < 0 && map; k++)
        if (!m->pci_mem[k].r) {
            id = r->type == PCI_REGION_ROM
                     ? memmap_add_movable(&m->mem, r->size, REGION_ROM, r->rom, NULL, NULL, r->name, 4)
                     : memmap_add_movable(&m->mem, r->size, REGION_MMIO, NULL, r->ops, r->opaque, r->name, 3);
            if (id < 0)
                break;
            m->pci_mem[k].r = r;
            m->pci_mem[k].id = id;
        }
    if (id < 0) {
        if (map && !r->warned) {
            r->warned = true;
            fprintf(stderr, "tarsier: pci %s: no room in the memory map; not mapped\n", r->name);
        }
        return -1;
    }
    memmap_place(&m->mem, id, r->base, map != 0);
    return 0;
}

static int pci_map(void *opaque, struct pci_func *f, struct pci_region *r, int map)
{
    struct machine *m = opaque;
    if (r->type != PCI_REGION_IO)
        return r->ops || r->rom ? pci_map_mem(m, r, map) : -1;
    if (!r->ops)
        return 0;
    struct machine_port *p = NULL;
    for (int k = 0; k < MACHINE_PCI_PORTS && !p; k++)
        if (m->pci_ports[k].ops == r->ops && m->pci_ports[k].dev == r->opaque)
            p = &m->pci_ports[k];
    if (!map)
        return p ? portbus_unregister(&m->io, (uint16_t)r->base, p) : -1;
    for (int k = 0; k < MACHINE_PCI_PORTS && !p; k++)
        if (!m->pci_ports[k].ops)
            p = &m->pci_ports[k];
    if (!p)
        return -1;
    *p = (struct machine_port){ m, r->ops, r->opaque };
    if (portbus_register(&m->io, (uint16_t)r->base, r->size, &pci_port_ops, p, r->name)) {
        p->ops = NULL;
        if (r->warned)
            return -1;
        r->warned = true;
        fprintf(stderr, "tarsier: pci %s: ports %04x-%04x collide with another device; not mapped\n", r->name,
                r->base, r->base + r->size - 1);
        return -1;
    }
    return 0;
}

static int add_pci(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    size_t vlen = 0;
    uint8_t *vrom = NULL;
    if (cfg->vga_bios_path && !(vrom = stdvga_pci_read_rom(cfg->vga_bios_path, &vlen, err, errlen)))
        return -1;
    int rc = stdvga_pci_init(&m->svga, &m->vga, vrom, vlen);
    free(vrom);
    if (rc) {
        snprintf(err, errlen, "-vga-bios: out of memory for '%s'", cfg->vga_bios_path);
        return -1;
    }
    snprintf(err, errlen, "the PCI devices' ports or clock events collide");
    pci_bus_init(&m->pci);
    m->pci.map = pci_map;
    m->pci.map_opaque = m;
    i440fx_init(&m->pmc, &m->mem, m->mem.ram_size);
    piix_init(&m->piix, &ide_bm_ops, &m->ide); /* BAR4: the IDE bus-master block */
    for (int k = 0; k < 16; k++)
        m->piix.irq[k] = machine_irq(m, k);
    m->pm.sci = machine_irq(m, 9);
    acpi_pm_init(&m->pm, &m->clock);
    if (m->pm.ev < 0 || pci_bus_add(&m->pci, &m->pmc.pci, PCI_DEVFN(0, 0), "i440fx") ||
        pci_bus_add(&m->pci, &m->piix.isa, PCI_DEVFN(1, 0), "piix3-isa") ||
        pci_bus_add(&m->pci, &m->piix.ide, PCI_DEVFN(1, 1), "piix3-ide") ||
        pci_bus_add(&m->pci, &m->pm.pci, PCI_DEVFN(1, 3), "piix4-pm") ||
        pci_bus_add(&m->pci, &m->svga.pci, PCI_DEVFN(2, 0), "stdvga"))
        return -1;
    return portbus_register(&m->io, 0xCF8, 8, &pci_conf_ops, &m->pci, "pci-conf") ||
           add_timed(m, ACPI_APM_PORT, 2, &acpi_pm_apm_ops, &m->pm, "apm") ||
           add_timed(m, ACPI_QEMU_GPE, 4, &acpi_pm_qemu_gpe_ops, &m->pm, "acpi-gpe-qemu") ||
           portbus_register(&m->io, ACPI_QEMU_PCIHP, ACPI_QEMU_PCIHP_SIZE, &acpi_pm_qemu_pcihp_ops, &m->pm,
                            "acpi-pcihp-qemu") ||
           portbus_register(&m->io, ACPI_QEMU_CPUHP, ACPI_QEMU_CPUHP_SIZE, &acpi_pm_qemu_cpuhp_ops, &m->pm,
                            "acpi-cpuhp-qemu");
}

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

static int parse_rtc_base(const char *spec, int64_t *epoch, char *err, size_t errlen)
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
static void cmos_setup(struct machine *m)
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
static int cmos_boot_order(struct machine *m, const char *order, char *err, size_t errlen)
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

/* The two 16550A UARTs at their PC/AT addresses and IRQs. */
static int add_uarts(struct machine *m, const struct machine_config *cfg)
{
    static const uint16_t base[2] = { 0x3F8, 0x2F8 };
    static const int irq[2] = { 4, 3 };
    static const char *const name[2] = { "com1", "com2" };
    m->serial_be[0] = cfg->serial[0];
    m->serial_be[1] = cfg->serial[1];
    m->com1_tap = (struct uart_backend){ com1_tap_write, cfg->serial[0] && cfg->serial[0]->read ? com1_tap_read : NULL,
                                         m };
    for (int k = 0; k < 2; k++) {
        m->com[k].irq = machine_irq(m, irq[k]);
        m->com[k].backend = k == 0 ? &m->com1_tap : cfg->serial[1];
        if (uart_init(&m->com[k], &m->clock) || add_timed(m, base[k], 8, &uart_ops, &m->com[k], name[k]))
            return -1;
        if (!cfg->serial[k]) /* COM1 always logs its output, but no line is connected */
            m->com[k].inputs = m->com[k].msr = 0;
    }
    return 0;
}

/* The 8237A pair and the 82077AA floppy controller on IRQ6 and DMA channel 2,
 * with the drives the images say (a drive without an image is not cabled). */
static int add_dma_fdc(struct machine *m)
{
    m->dma.mem = &m->mem;
    dma_init(&m->dma);
    m->fdc.irq = machine_irq(m, 6);
    m->fdc.dma = dma_line(&m->dma, 2);
    for (int k = 0; k < 2; k++)
        fdc_attach(&m->fdc, k, m->fd[k] != NULL, m->fd[k]);
    dma_attach(&m->dma, 2, fdc_dma_service, &m->fdc);
    return fdc_init(&m->fdc, &m->clock) || add_timed(m, 0x00, 16, &dma1_ops, &m->dma, "dma1") ||
           add_timed(m, 0xC0, 32, &dma2_ops, &m->dma, "dma2") ||
           portbus_register(&m->io, 0x81, 15, &dma_page_ops, &m->dma, "dma-page") ||
           add_timed(m, 0x3F0, 6, &fdc_ops, &m->fdc, "fdc") ||
           add_timed(m, 0x3F7, 1, &fdc_dir_ops, &m->fdc, "fdc-dir");
}

/* The two IDE channels at their legacy ports (the PIIX3 IDE function in
 * compatibility mode); its bus-master block is BAR4 of 00:01.1 (add_pci). */
static int add_ide(struct machine *m)
{
    m->ide.mem = &m->mem;
    m->ide.now = vga_now;
    m->ide.now_opaque = m;
    m->ide.ch[0].irq = machine_irq(m, 14);
    m->ide.ch[1].irq = machine_irq(m, 15);
    return ide_init(&m->ide, &m->clock) ||
           portbus_register(&m->io, 0x1F0, 8, &ide_cmd_ops, &m->ide.ch[0], "ide0") ||
           portbus_register(&m->io, 0x3F6, 1, &ide_ctl_ops, &m->ide.ch[0], "ide0-ctl") ||
           portbus_register(&m->io, 0x170, 8, &ide_cmd_ops, &m->ide.ch[1], "ide1") ||
           portbus_register(&m->io, 0x376, 1, &ide_ctl_ops, &m->ide.ch[1], "ide1-ctl");
}

/* The x87's FERR# on the PC/AT: the chipset turns it into IRQ13, and a write
 * to port F0h (any value) clears the latch and lowers IRQ13 again (it also
 * asserts IGNNE#, which tarsier's FPU models by proceeding anyway). */
static void board_ferr(void *opaque, int level)
{
    struct machine *m = opaque;
    if (level)
        pic_set_irq(&m->pic, 13, 1);
}

static uint32_t ferr_read(void *opaque, uint32_t offset, int size)
{
    (void)opaque, (void)offset, (void)size;
    return 0xFF;
}

static void ferr_write(void *opaque, uint32_t offset, uint32_t val, int size)
{
    struct machine *m = opaque;
    (void)offset, (void)val, (void)size;
    pic_set_irq(&m->pic, 13, 0);
}

static const struct io_ops ferr_ops = { ferr_read, ferr_write, IO_SIZE8 };

static int add_chipset(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    int64_t epoch;
    if (parse_rtc_base(cfg->rtc_base, &epoch, err, errlen))
        return -1;
    m->pic.out = (struct irq_line){ board_intr, m, 0 };
    pic_init(&m->pic);
    m->cpu.intr.ack = board_ack;
    m->cpu.intr.opaque = m;
    m->cpu.intr.fpu_ferr = board_ferr;
    m->pit.irq0 = machine_irq(m, 0);
    pit_init(&m->pit, &m->clock);
    m->rtc.irq = machine_irq(m, 8);
    rtc_init(&m->rtc, &m->clock, epoch);
    cmos_setup(m);
    if (cmos_boot_order(m, cfg->boot_order, err, errlen))
        return -1;
    m->kbc.irq1 = machine_irq(m, 1);
    m->kbc.irq12 = machine_irq(m, 12);
    m->kbc.mem = &m->mem;
    kbc_init(&m->kbc);
    if (m->pit.ev < 0 || m->rtc.ev < 0 ||
        portbus_register(&m->io, 0x20, 2, &pic_master_ops, &m->pic, "pic-master") ||
        portbus_register(&m->io, 0xA0, 2, &pic_slave_ops, &m->pic, "pic-slave") ||
        portbus_register(&m->io, 0x4D0, 2, &pic_elcr_ops, &m->pic, "elcr") ||
        portbus_register(&m->io, 0xF0, 1, &ferr_ops, m, "fpu-ferr") ||
        add_timed(m, 0x40, 4, &pit_ops, &m->pit, "pit") ||
        add_timed(m, 0x61, 1, &pit_port61_ops, &m->pit, "port61") ||
        add_timed(m, 0x70, 2, &rtc_ops, &m->rtc, "rtc") ||
        portbus_register(&m->io, 0x60, 1, &kbc_data_ops, &m->kbc, "kbc-data") ||
        portbus_register(&m->io, 0x64, 1, &kbc_cmd_ops, &m->kbc, "kbc-cmd") || add_uarts(m, cfg) ||
        add_dma_fdc(m) || add_ide(m)) {
        if (m->dbg.post_port != 0x80)
            snprintf(err, errlen, "-postcode: port 0x%x collides with a chipset device", m->dbg.post_port);
        else
            snprintf(err, errlen, "the chipset's ports or clock events collide");
        return -1;
    }
    return 0;
}

static void io_trace(void *opaque, int is_write, uint16_t port, uint32_t val, int size)
{
    struct machine *m = opaque;
    if (m->trace && (m->trace->flags & TRACE_IO) && (!m->trace->filtered || trace_pass(&m->cpu, -1)))
        fprintf(m->trace->out, "[%llu] %s port %04x (%s) size %d value %0*x\n", (unsigned long long)m->cpu.icount,
                is_write ? "out" : "in ", port, portbus_name(&m->io, port), size, size * 2, val);
}

struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen)
{
    const struct cpu_model *model = cfg->cpu_model ? cpu_model_find(cfg->cpu_model) : cpu_model_default();
    if (!model) {
        snprintf(err, errlen, "-cpu: unknown model '%s' (known: %s)", cfg->cpu_model, cpu_model_names());
        return NULL;
    }
    uint32_t ram_mb = cfg->ram_mb ? cfg->ram_mb : 32;
    if (model->gen == CPU_8086)
        ram_mb = 1;
    if (ram_mb > 3072) {
        snprintf(err, errlen, "-m: %u MiB is more than the 3072 MiB this board maps below 4 GiB", ram_mb);
        return NULL;
    }
    struct machine *m = calloc(1, sizeof(*m));
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (memmap_init(&m->mem, ram_mb << 20)) {
        snprintf(err, errlen, "cannot allocate %u MiB of guest RAM", ram_mb);
        free(m);
        return NULL;
    }
    if (model->gen == CPU_8086)
        m->mem.bus_mask = 0xFFFFF;
    else if (model->gen == CPU_286)
        m->mem.bus_mask = 0xFFFFFF;
    m->mem.a20_mask = m->mem.bus_mask;
    portbus_init(&m->io);
    clock_init(&m->clock, MACHINE_NS_PER_INSN);
    if (cpu_init(&m->cpu, model, &m->mem, &m->io)) {
        snprintf(err, errlen, "cannot allocate the CPU's caches");
        memmap_free(&m->mem);
        free(m);
        return NULL;
    }
    m->cpu.intr.ack = no_intr;
    m->cpu.intr.opaque = m;
    if (cfg->bios_path && load_rom(m, cfg->bios_path, err, errlen))
        goto fail;
    if (m->bios_rom)
        map_rom(m);
    if (attach_disks(m, cfg, err, errlen))
        goto fail;
    if (cfg->builtin_bios && !m->bios_rom && install_builtin_bios(m, cfg, err, errlen))
        goto fail;
    if ((cfg->initrd || cfg->append) && !cfg->kernel) {
        snprintf(err, errlen, "-initrd and -append need -kernel");
        goto fail;
    }
    if (cfg->kernel) {
        if (!cfg->builtin_bios || m->bios_rom) {
            snprintf(err, errlen, "-kernel needs the built-in BIOS (drop -bios)");
            goto fail;
        }
        size_t klen;
        uint8_t *k = loader_read_file(cfg->kernel, &klen, "-kernel", err, errlen);
        if (!k)
            goto fail;
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
            goto fail;
    }
    /* the board's port map: every device wired here and nowhere else */
    m->dbg.post_port = 0x80;
    if (cfg->debugcon && debugport_open_con(&m->dbg, cfg->debugcon, err, errlen))
        goto fail;
    if (cfg->postcode && debugport_open_post(&m->dbg, cfg->postcode, err, errlen))
        goto fail;
    if (portbus_register(&m->io, 0xE9, 1, &debugcon_ops, &m->dbg, "debugcon") ||
        portbus_register(&m->io, 0x402, 1, &debugcon_ops, &m->dbg, "debugcon-402") || /* SeaBIOS's log port */
        portbus_register(&m->io, 0xF4, 1, &exitport_ops, &m->dbg, "exit-port") ||
        portbus_register(&m->io, m->dbg.post_port, 1, &postcode_ops, &m->dbg, "post-code")) {
        snprintf(err, errlen, "-postcode: port 0x%x collides with another device", m->dbg.post_port);
        goto fail;
    }
    m->p92.mem = &m->mem;
    m->vga.now = vga_now;
    m->vga.now_opaque = m;
    if (vga_init(&m->vga)) {
        snprintf(err, errlen, "cannot allocate the VGA's display memory");
        goto fail;
    }
    /* the VGA: registers, the A0000-BFFFF window and the Bochs VBE registers;
     * its linear frame buffer is BAR0 of the PCI display function (add_pci) */
    if (portbus_register(&m->io, 0x3B0, 0x30, &vga_ops, &m->vga, "vga") ||
        portbus_register(&m->io, 0x1CE, 3, &vbe_ops, &m->vga, "vbe") ||
        (!cfg->no_rom && memmap_add_mmio(&m->mem, 0xA0000, 0x20000, &vga_mem_ops, &m->vga, "vga-window", 5))) {
        snprintf(err, errlen, "cannot map the VGA ports");
        goto fail;
    }
    if (model->gen >= CPU_286 && m->dbg.post_port != 0x92 && !cfg->bare)
        portbus_register(&m->io, 0x92, 1, &port92_ops, &m->p92, "port92");
    if (!cfg->bare && add_chipset(m, cfg, err, errlen))
        goto fail;
    if (!cfg->bare && add_pci(m, cfg, err, errlen))
        goto fail;
    if (cfg->trace_flags) {
        unsigned flags;
        if (trace_parse(cfg->trace_flags, &flags, err, errlen))
            goto fail;
        m->trace_out = stderr;
        if (cfg->trace_file) {
            m->trace_out = fopen(cfg->trace_file, "w");
            if (!m->trace_out) {
                snprintf(err, errlen, "-D: cannot open '%s': %s", cfg->trace_file, strerror(errno));
                goto fail;
            }
        }
        m->trace = trace_open(m->trace_out, flags);
        if (!m->trace) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        if (trace_set_filter(m->trace, cfg->trace_flags, err, errlen))
            goto fail;
        m->cpu.trace = (flags & (TRACE_INSN | TRACE_INT | TRACE_CPU)) ? m->trace : NULL;
        if (flags & TRACE_INT)
            m->cpu.trace = m->trace;
        m->io.trace = io_trace;
        m->io.trace_opaque = m;
    }
    m->exit_on_halt = cfg->exit_on_halt;
    m->no_reboot = cfg->no_reboot;
    if (cfg->timeout_s < 0) {
        snprintf(err, errlen, "-timeout: must not be negative");
        goto fail;
    }
    m->timeout_ns = cfg->timeout_s > 0 ? (uint64_t)(cfg->timeout_s * 1e9) : 0;
    machine_reset(m);
    return m;
fail:
    machine_destroy(m);
    return NULL;
}

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    for (int k = 0; k < 2; k++)
        uart_drain(&m->com[k]);
    debugport_close(&m->dbg);
    for (int k = 0; k < 2; k++) {
        disk_close(m->fd[k]);
    }
    for (int k = 0; k < 4; k++) {
        disk_close(m->ide_disk[k]);
    }
    cpu_free(&m->cpu);
    memmap_free(&m->mem);
    vga_free(&m->vga);
    stdvga_pci_free(&m->svga);
    if (m->trace) {
        fflush(m->trace_out);
        trace_close(m->trace);
    }
    if (m->trace_out && m->trace_out != stderr)
        fclose(m->trace_out);
    free(m->bios_rom);
    free(m);
}

void machine_reset(struct machine *m)
{
    memmap_set_a20(&m->mem, true);
    cpu_reset(&m->cpu);
    m->p92.value = 0;
    m->p92.reset_requested = 0;
    m->pci.reset_requested = 0;
    m->kbc.reset_requested = 0; /* a CPU reset: the chipset keeps its state, the BIOS reprograms it */
}

int machine_text_dump(struct machine *m, FILE *out)
{
    unsigned cols = memmap_read(&m->mem, 0x44A, 2), rows = memmap_read(&m->mem, 0x484, 1) + 1u;
    uint32_t start = vga_text_start(&m->vga) & 0x7FFF; /* CRTC start address */
    if (cols == 0 || cols > 132)
        cols = 80;
    if (rows < 2 || rows > 60)
        rows = 25;
    for (unsigned r = 0; r < rows; r++) {
        char line[140];
        unsigned n = 0;
        for (unsigned c = 0; c < cols; c++) {
            uint8_t ch = (uint8_t)vga_text_peek(&m->vga, start + (r * cols + c) * 2);
            line[n++] = ch >= 0x20 && ch < 0x7F ? (char)ch : ch == 0 ? ' ' : '.';
        }
        while (n && line[n - 1] == ' ')
            n--;
        line[n] = 0;
        if (fprintf(out, "%s\n", line) < 0)
            return -1;
    }
    return 0;
}

/* Virtual time follows the instruction count (deterministic mode). */
static void sync_clock(struct machine *m)
{
    machine_sync_clock(m);
}

void machine_run_insns(struct machine *m, uint64_t n)
{
    cpu_run(&m->cpu, m->cpu.icount + n);
    sync_clock(m);
}

int machine_run_until(struct machine *m, uint64_t until_ns)
{
    struct cpu *c = &m->cpu;
    for (;;) {
        if (c->dbg_stop)
            return MACHINE_RUNNING; /* a debugger breakpoint or watchpoint hit */
        if (m->dbg.exit_requested) {
            m->status = MS_EXIT_PORT;
            return m->dbg.exit_status;
        }
        if (m->stop_signal && *m->stop_signal) {
            m->status = MS_SIGNAL;
            return 128 + *m->stop_signal;
        }
        if (m->pm.poweroff_requested) {
            m->status = MS_POWEROFF;
            return 0;
        }
        if (c->shutdown || m->p92.reset_requested || m->kbc.reset_requested || m->pci.reset_requested) {
            if (m->no_reboot) {
                fprintf(stderr, "tarsier: %s; -no-reboot given, stopping\n",
                        c->shutdown ? "triple fault" : "reset requested");
                return 1;
            }
            machine_reset(m);
            continue;
        }
        uint64_t now = c->icount * m->clock.ns_per_insn;
        if (now >= until_ns)
            return MACHINE_RUNNING;
        if (m->host_poll && now >= m->host_poll_at) {
            int st = m->host_poll(m->host_opaque); /* moves host_poll_at on */
            if (st != MACHINE_RUNNING) {
                m->status = MS_HOST_QUIT;
                return st;
            }
        }
        /* where this slice or idle skip ends: the caller's limit or the host's next poll */
        uint64_t stop = m->host_poll && m->host_poll_at < until_ns ? m->host_poll_at : until_ns;
        if (m->timeout_ns && now >= m->timeout_ns) {
            m->status = MS_TIMEOUT;
            fprintf(stderr, "tarsier: virtual time limit reached (CPU at %04x:%08x%s)\n", c->seg[SEG_CS].sel,
                    c->eip, c->halted ? ", halted" : "");
            return 124;
        }
        if (c->halted) {
            if (!(c->eflags & F_IF) && !c->nmi_pending) {
                if (m->exit_on_halt) {
                    m->status = MS_HALTED_EXIT;
                    return 0;
                }
                fprintf(stderr, "tarsier: CPU halted with interrupts disabled; nothing can wake it\n");
                return 0;
            }
            uint64_t next = clock_next_deadline(&m->clock);
            if (next == CLOCK_NEVER) {
                if (!c->intr_line) {
                    fprintf(stderr, "tarsier: CPU halted and no device will interrupt it\n");
                    return m->exit_on_halt ? 0 : 1;
                }
            } else {
                /* skip the idle time: icount stands for time in deterministic mode */
                uint64_t target = (next + m->clock.ns_per_insn - 1) / m->clock.ns_per_insn;
                if (next > stop)
                    target = (stop + m->clock.ns_per_insn - 1) / m->clock.ns_per_insn;
                if (target > c->icount)
                    c->icount = target;
                sync_clock(m);
            }
            c->halted = c->intr_line || c->nmi_pending ? 0 : c->halted;
            if (c->halted)
                continue;
        }
        uint64_t limit = c->icount + RUN_SLICE;
        uint64_t next = clock_next_deadline(&m->clock);
        if (next != CLOCK_NEVER) {
            uint64_t at = next / m->clock.ns_per_insn;
            if (at < limit)
                limit = at > c->icount ? at : c->icount + 1;
        }
        if (stop != UINT64_MAX) {
            uint64_t at = (stop + m->clock.ns_per_insn - 1) / m->clock.ns_per_insn;
            if (at < limit)
                limit = at > c->icount ? at : c->icount + 1;
        }
        if (m->timeout_ns) {
            uint64_t at = m->timeout_ns / m->clock.ns_per_insn;
            if (at < limit)
                limit = at > c->icount ? at : c->icount + 1;
        }
        cpu_run(c, limit);
        sync_clock(m);
    }
}

int machine_devices(struct machine *m, struct machine_device *out, int max)
{
    const struct machine_device all[] = {
        { "pic", &pic_state, &m->pic },       { "pit", &pit_state, &m->pit },
        { "rtc", &rtc_state, &m->rtc },       { "kbc", &kbc_state, &m->kbc },
        { "com1", &uart_state, &m->com[0] },  { "com2", &uart_state, &m->com[1] },
        { "vga", &vga_state, &m->vga },       { "port92", &port92_state, &m->p92 },
        { "debugport", &debugport_state, &m->dbg },
        { "ide0", &ide_channel_state, &m->ide.ch[0] }, { "ide1", &ide_channel_state, &m->ide.ch[1] },
        { "stdvga-pci", &stdvga_pci_state, &m->svga },
    };
    int n = (int)(sizeof(all) / sizeof(all[0]));
    for (int k = 0; k < n && k < max; k++)
        out[k] = all[k];
    return n;
}

int machine_run(struct machine *m)
{
    return machine_run_until(m, UINT64_MAX);
}
