/*
 * board.c - the PC board's wiring, all in this one file: every port range,
 * the VGA window, the IRQ lines and the DMA channel of the chipset (8259A
 * pair, 8254, MC146818A, 8042, 16550A pair, 8237A pair, 82077AA, IDE), PCI
 * bus 0 with the i440FX/PIIX functions and the display, the clock shim in
 * front of devices that read virtual time, the FERR#/IRQ13 latch, COM1's
 * output tap, and the disk images cabled to the drives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/board.h"
#include "machine/firmware.h"

int board_attach_disks(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
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

static uint64_t vga_now(void *opaque)
{
    return machine_now(opaque);
}

/* ---- the chipset: PIC, PIT, RTC, KBC ---- */

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

struct irq_line machine_irq(struct machine *m, int n)
{
    struct irq_line l = { pic_set_irq, &m->pic, n };
    return l;
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

void machine_serial_after_load(struct machine *m)
{
    /* the restored queue may hold scripted input: COM1 reads through the tap
     * (which falls back to the host end when the queue is empty) */
    if (m->com[0].clk)
        m->com1_tap.read = com1_tap_read;
}

bool machine_serial_seen(const struct machine *m, const char *text, size_t len)
{
    return len == 0 || memmem(m->serial_log, m->serial_len, text, len) != NULL;
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
    if (firmware_rtc_base(cfg->rtc_base, &epoch, err, errlen))
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
    firmware_cmos_setup(m);
    if (firmware_cmos_boot_order(m, cfg->boot_order, err, errlen))
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

/* The debug ports, the VGA, port 92h, then the chipset and PCI (not with -bare). */
int board_wire(struct machine *m, const struct machine_config *cfg, char *err, size_t errlen)
{
    /* the board's port map: every device wired here and nowhere else */
    m->dbg.post_port = 0x80;
    if (cfg->debugcon && debugport_open_con(&m->dbg, cfg->debugcon, err, errlen))
        return -1;
    if (cfg->postcode && debugport_open_post(&m->dbg, cfg->postcode, err, errlen))
        return -1;
    if (portbus_register(&m->io, 0xE9, 1, &debugcon_ops, &m->dbg, "debugcon") ||
        portbus_register(&m->io, 0x402, 1, &debugcon_ops, &m->dbg, "debugcon-402") || /* SeaBIOS's log port */
        portbus_register(&m->io, 0xF4, 1, &exitport_ops, &m->dbg, "exit-port") ||
        portbus_register(&m->io, m->dbg.post_port, 1, &postcode_ops, &m->dbg, "post-code")) {
        snprintf(err, errlen, "-postcode: port 0x%x collides with another device", m->dbg.post_port);
        return -1;
    }
    m->p92.mem = &m->mem;
    m->vga.now = vga_now;
    m->vga.now_opaque = m;
    if (vga_init(&m->vga)) {
        snprintf(err, errlen, "cannot allocate the VGA's display memory");
        return -1;
    }
    /* the VGA: registers, the A0000-BFFFF window and the Bochs VBE registers;
     * its linear frame buffer is BAR0 of the PCI display function (add_pci) */
    if (portbus_register(&m->io, 0x3B0, 0x30, &vga_ops, &m->vga, "vga") ||
        portbus_register(&m->io, 0x1CE, 3, &vbe_ops, &m->vga, "vbe") ||
        (!cfg->no_rom && memmap_add_mmio(&m->mem, 0xA0000, 0x20000, &vga_mem_ops, &m->vga, "vga-window", 5))) {
        snprintf(err, errlen, "cannot map the VGA ports");
        return -1;
    }
    if (m->cpu.model->gen >= CPU_286 && m->dbg.post_port != 0x92 && !cfg->bare)
        portbus_register(&m->io, 0x92, 1, &port92_ops, &m->p92, "port92");
    if (!cfg->bare && add_chipset(m, cfg, err, errlen))
        return -1;
    if (!cfg->bare && add_pci(m, cfg, err, errlen))
        return -1;
    return 0;
}
