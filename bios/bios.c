/*
 * bios.c - the built-in BIOS: the ROM image (stubs, reset vector, diskette
 * parameter table, configuration table), the trap dispatcher, POST (BIOS data
 * area, EBDA, interrupt vectors, PIC/PIT set-up), the boot sequence
 * (INT 19h/18h) and the small services (INT 11h, 12h, 14h, 15h, 17h, 1Ah,
 * IRQ 0).  Layout of the BIOS data area per the IBM PC/AT Technical Reference.
 * PCI set-up, the PCI BIOS and the ACPI tables are in pcibios.c and acpi.c.
 * CD-ROM boot (El Torito) is in eltorito.c.  Left out so far: APM, option-ROM scan.
 */
#include <stdio.h>
#include <string.h>

#include "bios/bios.h"
#include "bios/linux.h"
#include "bios/pcibios.h"
#include "cpu/sem.h"

#define BDA 0x400u
#define EBDA_SEG 0x9FC0u

/* ---- guest memory through the MMU (works in v86 mode under paging) ---- */

uint8_t bios_rd8(struct bios *b, uint32_t lin) { return cpu_lin_read8(b->cpu, lin, 1); }
uint16_t bios_rd16(struct bios *b, uint32_t lin) { return cpu_lin_read16(b->cpu, lin, 1); }
uint32_t bios_rd32(struct bios *b, uint32_t lin) { return cpu_lin_read32(b->cpu, lin, 1); }
void bios_wr8(struct bios *b, uint32_t lin, uint8_t v) { cpu_lin_write8(b->cpu, lin, v, 1); }
void bios_wr16(struct bios *b, uint32_t lin, uint16_t v) { cpu_lin_write16(b->cpu, lin, v, 1); }
void bios_wr32(struct bios *b, uint32_t lin, uint32_t v) { cpu_lin_write32(b->cpu, lin, v, 1); }

uint32_t bios_seg_lin(struct cpu *c, int sreg, uint32_t off)
{
    return c->seg[sreg].base + (off & 0xFFFF);
}

void bios_ret_flag(struct bios *b, uint32_t flag, bool on)
{
    struct cpu *c = b->cpu;
    uint32_t lin = c->seg[SEG_SS].base + ((c->r[R_ESP] + 4) & 0xFFFF);
    uint16_t f = bios_rd16(b, lin);
    f = on ? (uint16_t)(f | flag) : (uint16_t)(f & ~flag);
    bios_wr16(b, lin, f);
}

/* ---- ROM image ---- */

struct emit {
    uint8_t *rom;
    uint16_t at;
};

static uint16_t put(struct emit *e, const uint8_t *bytes, unsigned n)
{
    uint16_t start = e->at;
    memcpy(e->rom + e->at, bytes, n);
    e->at = (uint16_t)(e->at + n);
    return start;
}

/* Generic service: trap; if it must wait (CF): sti, hlt, retry; else iret. */
static uint16_t stub_service(struct emit *e, uint8_t svc)
{
    const uint8_t code[] = { 0x0F, 0x04, svc, 0x73, 0x04, 0xFB, 0xF4, 0xEB, 0xF7, 0xCF };
    return put(e, code, sizeof(code));
}

void bios_build_rom(struct bios *b)
{
    struct emit e = { b->rom, 0x0100 };
    memset(b->rom, 0, sizeof(b->rom));
    static const char sig[] = "tarsier built-in BIOS (MIT licence)";
    memcpy(b->rom, sig, sizeof(sig));
    /* default handler: IRET */
    static const uint8_t iret[] = { 0xCF };
    uint16_t def = put(&e, iret, 1);
    for (int k = 0; k < 256; k++)
        b->stub[k] = def;
    /* hardware interrupts: IRQ0 counts ticks and chains INT 1Ch; IRQ1 reads
     * the keyboard; the others only acknowledge the PIC */
    static const uint8_t irq0[] = { 0x50, 0x0F, 0x04, BSVC_IRQ0, 0xCD, 0x1C, 0xB0, 0x20, 0xE6, 0x20, 0x58, 0xCF };
    static const uint8_t irq1[] = { 0x50, 0x0F, 0x04, BSVC_IRQ1, 0xB0, 0x20, 0xE6, 0x20, 0x58, 0xCF };
    static const uint8_t eoi_m[] = { 0x50, 0xB0, 0x20, 0xE6, 0x20, 0x58, 0xCF };
    static const uint8_t eoi_s[] = { 0x50, 0xB0, 0x20, 0xE6, 0xA0, 0xE6, 0x20, 0x58, 0xCF };
    b->stub[0x08] = put(&e, irq0, sizeof(irq0));
    b->stub[0x09] = put(&e, irq1, sizeof(irq1));
    uint16_t m = put(&e, eoi_m, sizeof(eoi_m)), s = put(&e, eoi_s, sizeof(eoi_s));
    for (int k = 0x0A; k <= 0x0F; k++)
        b->stub[k] = m;
    for (int k = 0x70; k <= 0x77; k++)
        b->stub[k] = s;
    /* IRQ13 (x87 FERR#): clear the latch at port F0h, acknowledge both PICs,
     * and hand the error to the NMI handler as the AT BIOS does */
    static const uint8_t irq13[] = { 0x50, 0x30, 0xC0, 0xE6, 0xF0, 0xB0, 0x20, 0xE6, 0xA0,
                                     0xE6, 0x20, 0x58, 0xCD, 0x02, 0xCF };
    b->stub[0x75] = put(&e, irq13, sizeof(irq13));
    /* IRQ12 (int15_mouse.c): push ds; pusha; trap; CF: push ax, bx, cx, 0;
     * call far [22h] (DS = EBDA); add sp, 8; then EOI both PICs; popa; pop ds; iret */
    static const uint8_t irq12[] = { 0x1E, 0x60, 0x0F, 0x04, BSVC_IRQ12, 0x73, 0x0C, 0x50, 0x53, 0x51,
                                     0x6A, 0x00, 0xFF, 0x1E, 0x22, 0x00, 0x83, 0xC4, 0x08, 0xB0, 0x20,
                                     0xE6, 0xA0, 0xE6, 0x20, 0x61, 0x1F, 0xCF };
    b->stub[0x74] = put(&e, irq12, sizeof(irq12));
    static const uint8_t svcs[] = { BSVC_VIDEO, BSVC_EQUIP, BSVC_MEMSIZE, BSVC_DISK,
                                    BSVC_KBD, BSVC_PRINTER, BSVC_TIME };
    for (unsigned k = 0; k < sizeof(svcs); k++)
        b->stub[svcs[k]] = stub_service(&e, svcs[k]);
    /* INT 14h, 15h (int15_wait.c): trap; CF: sti; hlt; trap svc|BSVC_RETRY; jc back; iret */
    for (uint8_t v = BSVC_SERIAL; v <= BSVC_SYS; v++) {
        const uint8_t wait[] = { 0x0F, 0x04, v, 0x73, 0x07, 0xFB, 0xF4, 0x0F, 0x04, (uint8_t)(v | BSVC_RETRY),
                                 0x72, 0xF9, 0xCF };
        b->stub[v] = put(&e, wait, sizeof(wait));
    }
    /* INT 18h: report, then stop */
    static const uint8_t noboot[] = { 0x0F, 0x04, BSVC_NOBOOT, 0xFA, 0xF4, 0xEB, 0xFC };
    b->stub[0x18] = put(&e, noboot, sizeof(noboot));
    /* INT 19h: load the boot sector (CF=1: nothing bootable -> INT 18h) */
    static const uint8_t boot[] = { 0x0F, 0x04, BSVC_BOOT, 0x72, 0x05, 0xEA, 0x00, 0x7C, 0x00, 0x00, 0xCD, 0x18 };
    b->stub[0x19] = put(&e, boot, sizeof(boot));
    /* POST: cli; trap; int 19h */
    static const uint8_t post[] = { 0xFA, 0x0F, 0x04, BSVC_POST, 0xCD, 0x19 };
    b->post_entry = put(&e, post, sizeof(post));
    /* the diskette parameter table at its IBM address F000:EFC7 */
    static const uint8_t dpt[11] = { 0xAF, 0x02, 0x25, 0x02, 0x12, 0x1B, 0xFF, 0x6C, 0xF6, 0x0F, 0x08 };
    b->dpt_off = 0xEFC7;
    memcpy(b->rom + b->dpt_off, dpt, sizeof(dpt));
    /* system configuration table (INT 15h C0h) at F000:E6F5: AT class, model FC */
    static const uint8_t cfg[10] = { 0x08, 0x00, 0xFC, 0x01, 0x00, 0x70, 0x00, 0x00, 0x00, 0x00 };
    b->config_off = 0xE6F5;
    memcpy(b->rom + b->config_off, cfg, sizeof(cfg));
    /* reset vector: jmp far F000:post */
    uint8_t *r = b->rom + 0xFFF0;
    r[0] = 0xEA;
    r[1] = (uint8_t)b->post_entry;
    r[2] = (uint8_t)(b->post_entry >> 8);
    r[3] = 0x00;
    r[4] = 0xF0;
    memcpy(b->rom + 0xFFF5, "11/28/26", 8);
    b->rom[0xFFFE] = 0xFC; /* PC/AT model byte */
    bios_pci_rom(b);
}

/* ---- POST ---- */

static uint8_t cmos_read(struct bios *b, uint8_t reg)
{
    portbus_out(b->io, 0x70, reg, 1);
    return (uint8_t)portbus_in(b->io, 0x71, 1);
}

static unsigned bcd(uint8_t v)
{
    return (v >> 4) * 10u + (v & 0xF);
}

static void post(struct bios *b, struct cpu *c)
{
    /* interrupt vector table */
    for (int k = 0; k < 256; k++)
        bios_wr32(b, (uint32_t)k * 4, 0xF0000000u | b->stub[k]);
    bios_wr32(b, 0x1E * 4, 0xF0000000u | b->dpt_off);
    for (int k = 0x60; k < 0x68; k++)
        bios_wr32(b, (uint32_t)k * 4, 0); /* user vectors */
    /* BIOS data area */
    for (uint32_t a = BDA; a < BDA + 0x100; a++)
        bios_wr8(b, a, 0);
    uint16_t equip = 0x0022; /* initial video mode 80x25 colour; x87 present (every model has one) */
    int nfd = (b->fd[0] != NULL) + (b->fd[1] != NULL);
    if (nfd)
        equip |= (uint16_t)(0x0001 | ((nfd - 1) << 6));
    /* serial ports: a UART answers through its scratch register */
    static const uint16_t com_base[2] = { 0x3F8, 0x2F8 };
    unsigned ncom = 0;
    for (int k = 0; k < 2; k++) {
        portbus_out(b->io, com_base[k] + 7u, 0x5A, 1);
        if ((portbus_in(b->io, com_base[k] + 7u, 1) & 0xFF) != 0x5A)
            continue;
        bios_wr16(b, BDA + 2 * ncom, com_base[k]);  /* 0x400/0x402: COM port addresses */
        bios_wr8(b, BDA + 0x7C + ncom, 1);           /* INT 14h time-out */
        ncom++;
    }
    equip |= (uint16_t)(ncom << 9);
    bios_wr16(b, BDA + 0x10, equip);
    bios_wr16(b, BDA + 0x13, 639);                 /* base memory in KiB (EBDA below) */
    bios_wr16(b, BDA + 0x0E, EBDA_SEG);
    bios_wr8(b, EBDA_SEG * 16, 1);                  /* EBDA size in KiB */
    bios_wr16(b, BDA + 0x1A, 0x1E);                 /* keyboard buffer head */
    bios_wr16(b, BDA + 0x1C, 0x1E);                 /* tail */
    bios_wr16(b, BDA + 0x80, 0x1E);                 /* buffer start */
    bios_wr16(b, BDA + 0x82, 0x3E);                 /* buffer end */
    bios_wr8(b, BDA + 0x75, (uint8_t)((b->hd[0] != NULL) + (b->hd[1] != NULL)));
    bios_wr8(b, BDA + 0x96, 0x10);                  /* 101/102-key keyboard */
    /* the timer count from the RTC (18.2 Hz since midnight) */
    unsigned hh = bcd(cmos_read(b, 4)), mm = bcd(cmos_read(b, 2)), ss = bcd(cmos_read(b, 0));
    uint32_t secs = hh < 24 && mm < 60 && ss < 60 ? hh * 3600u + mm * 60u + ss : 0;
    bios_wr32(b, BDA + 0x6C, (uint32_t)((uint64_t)secs * 1193180 / 65536));
    /* 8259A pair: vectors 08h and 70h, cascade on IR2 */
    static const uint8_t pic[][2] = { { 0x20, 0x11 }, { 0x21, 0x08 }, { 0x21, 0x04 }, { 0x21, 0x01 },
                                      { 0xA0, 0x11 }, { 0xA1, 0x70 }, { 0xA1, 0x02 }, { 0xA1, 0x01 },
                                      { 0x21, 0xB8 }, { 0xA1, 0xFF } };
    for (unsigned k = 0; k < sizeof(pic) / sizeof(pic[0]); k++)
        portbus_out(b->io, pic[k][0], pic[k][1], 1);
    /* 8254 channel 0: mode 3, divisor 65536 (18.2 Hz) */
    portbus_out(b->io, 0x43, 0x36, 1);
    portbus_out(b->io, 0x40, 0, 1);
    portbus_out(b->io, 0x40, 0, 1);
    /* 8237A pair: master clear, DMA2 channel 4 carries DMA1's cascade; the
     * floppy controller out of reset with its DMA/IRQ gate open, motors off */
    static const uint8_t dma[][2] = { { 0x0D, 0 }, { 0xDA, 0 }, { 0xD6, 0xC0 }, { 0xD4, 0x00 } };
    for (unsigned k = 0; k < sizeof(dma) / sizeof(dma[0]); k++)
        portbus_out(b->io, dma[k][0], dma[k][1], 1);
    portbus_out(b->io, 0x3F2, 0x0C, 1);
    bios_pci_init(b);
    bios_acpi_build(b);
    bios_wait_post(b);
    bios_mouse_post(b);
    bios_video_init(b);
    bios_tty_puts(b, "tarsier BIOS\r\n");
    /* stack for the boot loader */
    cpu_load_seg_real(c, SEG_SS, 0);
    c->r[R_ESP] = 0x7C00;
    cpu_load_seg_real(c, SEG_DS, 0);
    cpu_load_seg_real(c, SEG_ES, 0);
}

/* ---- boot ---- */

static int boot(struct bios *b, struct cpu *c)
{
    if (b->linux_boot) {
        linux_enter(c);
        return 0;
    }
    if (b->multiboot) {
        multiboot_enter(c, b->mem, &b->mb);
        return 0;
    }
    for (const char *o = b->boot_order; *o; o++) {
        if (*o == 'd' && bios_cd_boot(b, c) == 0) /* El Torito: enters the image itself */
            return 0;
        uint8_t drive = *o == 'a' ? 0x00 : *o == 'b' ? 0x01 : *o == 'c' ? 0x80 : 0xFF;
        if (drive == 0xFF)
            continue;
        if (bios_boot_sector(b, drive) == 0) {
            b->boot_drive = drive;
            set_lo(c, R_EDX, drive);
            cpu_load_seg_real(c, SEG_DS, 0);
            cpu_load_seg_real(c, SEG_ES, 0);
            cpu_load_seg_real(c, SEG_SS, 0);
            c->r[R_ESP] = 0x7C00;
            c->eflags |= F_IF;
            return 0;
        }
    }
    return 1;
}

/* ---- small services ---- */

static void int15(struct bios *b, struct cpu *c)
{
    uint8_t ah = reg8_hi(c, R_EAX);
    uint32_t ram = b->ram_size;
    bios_ret_flag(b, F_CF, false);
    switch (ah) {
    case 0x24: /* A20 gate */
        switch (reg8_lo(c, R_EAX)) {
        case 0: memmap_set_a20(b->mem, false); set_hi(c, R_EAX, 0); return;
        case 1: memmap_set_a20(b->mem, true); set_hi(c, R_EAX, 0); return;
        case 2: set_hi(c, R_EAX, 0); set_lo(c, R_EAX, memmap_a20(b->mem)); return;
        case 3: set_hi(c, R_EAX, 0); set16(c, R_EBX, 3); return;
        }
        break;
    case 0x4F: /* keyboard intercept: process the key */
        bios_ret_flag(b, F_CF, true);
        return;
    case 0x87: { /* move block through a GDT at ES:SI */
        uint32_t g = bios_seg_lin(c, SEG_ES, c->r[R_ESI]);
        uint32_t src = (bios_rd32(b, g + 0x12) & 0xFFFFFF) | (uint32_t)bios_rd8(b, g + 0x17) << 24;
        uint32_t dst = (bios_rd32(b, g + 0x1A) & 0xFFFFFF) | (uint32_t)bios_rd8(b, g + 0x1F) << 24;
        uint32_t n = (c->r[R_ECX] & 0xFFFF) * 2u;
        for (uint32_t k = 0; k < n; k++)
            memmap_write(b->mem, dst + k, memmap_read(b->mem, src + k, 1), 1);
        set_hi(c, R_EAX, 0);
        return;
    }
    case 0x88: { /* extended memory in KiB */
        uint32_t kb = ram > 0x100000 ? (ram - 0x100000) / 1024 : 0;
        set16(c, R_EAX, (uint16_t)(kb > 0xFFFF ? 0xFFFF : kb));
        return;
    }
    case 0xC0:
        cpu_load_seg_real(c, SEG_ES, 0xF000);
        set16(c, R_EBX, b->config_off);
        set_hi(c, R_EAX, 0);
        return;
    case 0xE8:
        if (reg8_lo(c, R_EAX) == 0x01) { /* E801 */
            uint32_t kb = ram > 0x100000 ? (ram - 0x100000) / 1024 : 0;
            uint32_t low = kb > 0x3C00 ? 0x3C00 : kb;
            uint32_t high = ram > 0x1000000 ? (ram - 0x1000000) / 0x10000 : 0;
            set16(c, R_EAX, (uint16_t)low);
            set16(c, R_ECX, (uint16_t)low);
            set16(c, R_EBX, (uint16_t)high);
            set16(c, R_EDX, (uint16_t)high);
            return;
        }
        if ((c->r[R_EAX] & 0xFFFF) == 0xE820 && c->r[R_EDX] == 0x534D4150 && (c->r[R_ECX] & 0xFFFF) >= 20) {
            const struct { uint32_t base, len, type; } map[] = {
                { 0, 0x9FC00, 1 }, { 0x9FC00, 0x400, 2 }, { 0xE0000, 0x20000, 2 }, /* ACPI tables, ROM */
                { 0x100000, ram - 0x100000, 1 }, { 0xFFFF0000u, 0x10000, 2 },
            };
            uint32_t idx = c->r[R_EBX];
            if (idx >= sizeof(map) / sizeof(map[0]))
                break;
            uint32_t d = bios_seg_lin(c, SEG_ES, c->r[R_EDI]);
            bios_wr32(b, d, map[idx].base);
            bios_wr32(b, d + 4, 0);
            bios_wr32(b, d + 8, map[idx].len);
            bios_wr32(b, d + 12, 0);
            bios_wr32(b, d + 16, map[idx].type);
            c->r[R_EAX] = 0x534D4150;
            c->r[R_ECX] = 20;
            c->r[R_EBX] = idx + 1 < sizeof(map) / sizeof(map[0]) ? idx + 1 : 0;
            return;
        }
        break;
    }
    set_hi(c, R_EAX, 0x86); /* function not supported */
    bios_ret_flag(b, F_CF, true);
}

static void int1a(struct bios *b, struct cpu *c)
{
    uint8_t ah = reg8_hi(c, R_EAX);
    bios_ret_flag(b, F_CF, false);
    switch (ah) {
    case 0x00: {
        uint32_t t = bios_rd32(b, BDA + 0x6C);
        set16(c, R_ECX, (uint16_t)(t >> 16));
        set16(c, R_EDX, (uint16_t)t);
        set_lo(c, R_EAX, bios_rd8(b, BDA + 0x70));
        bios_wr8(b, BDA + 0x70, 0);
        return;
    }
    case 0x01:
        bios_wr32(b, BDA + 0x6C, (c->r[R_ECX] & 0xFFFF) << 16 | (c->r[R_EDX] & 0xFFFF));
        bios_wr8(b, BDA + 0x70, 0);
        return;
    case 0x02:
        set_hi(c, R_ECX, cmos_read(b, 4));
        set_lo(c, R_ECX, cmos_read(b, 2));
        set_hi(c, R_EDX, cmos_read(b, 0));
        set_lo(c, R_EDX, 0);
        return;
    case 0x04:
        set_hi(c, R_ECX, cmos_read(b, 0x32));
        set_lo(c, R_ECX, cmos_read(b, 9));
        set_hi(c, R_EDX, cmos_read(b, 8));
        set_lo(c, R_EDX, cmos_read(b, 7));
        return;
    case 0xB1:
        bios_pcibios_int1a(b, c);
        return;
    case 0x03: case 0x05: case 0x06: case 0x07:
        return; /* setting the RTC or its alarm: accepted */
    }
    bios_ret_flag(b, F_CF, true);
}

static void irq0(struct bios *b)
{
    uint32_t t = bios_rd32(b, BDA + 0x6C) + 1;
    if (t >= 0x1800B0) { /* midnight */
        t = 0;
        bios_wr8(b, BDA + 0x70, 1);
    }
    bios_wr32(b, BDA + 0x6C, t);
    /* diskette motor time-out count */
    uint8_t motor = bios_rd8(b, BDA + 0x40);
    if (motor)
        bios_wr8(b, BDA + 0x40, (uint8_t)(motor - 1));
}

int bios_call(void *opaque, struct cpu *c, int svc)
{
    struct bios *b = opaque;
    switch (svc) {
    case BSVC_POST: post(b, c); return 0;
    case BSVC_BOOT: return boot(b, c);
    case BSVC_NOBOOT:
        bios_tty_puts(b, "No bootable device.\r\n");
        fprintf(stderr, "tarsier: no bootable device (boot order '%s')\n", b->boot_order);
        return 0;
    case BSVC_IRQ0: irq0(b); return 0;
    case BSVC_IRQ1: bios_irq1(b, c); return 0;
    case BSVC_VIDEO: bios_int10(b, c); return 0;
    case BSVC_EQUIP: set16(c, R_EAX, bios_rd16(b, BDA + 0x10)); return 0;
    case BSVC_MEMSIZE: set16(c, R_EAX, bios_rd16(b, BDA + 0x13)); return 0;
    case BSVC_DISK: bios_int13(b, c); return 0;
    case BSVC_SERIAL: case BSVC_SERIAL | BSVC_RETRY: return bios_int14(b, c, svc & BSVC_RETRY);
    case BSVC_SYS: case BSVC_SYS | BSVC_RETRY:
        if (reg8_hi(c, R_EAX) == 0x83 || reg8_hi(c, R_EAX) == 0x86)
            return bios_int15_wait(b, c, svc & BSVC_RETRY);
        if (reg8_hi(c, R_EAX) == 0xC2)
            bios_int15_mouse(b, c);
        else
            int15(b, c);
        return 0;
    case BSVC_IRQ12: return bios_irq12(b, c);
    case BSVC_KBD: return bios_int16(b, c);
    case BSVC_PRINTER: set_hi(c, R_EAX, 0x01); return 0; /* time-out: no printer */
    case BSVC_TIME: int1a(b, c); return 0;
    case BSVC_BIOS32: return bios_bios32_call(b, c);
    case BSVC_PCI32: return bios_pci32_call(b, c);
    }
    return 0;
}
