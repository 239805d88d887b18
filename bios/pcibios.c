/*
 * pcibios.c - the built-in BIOS's PCI support, after the PCI BIOS
 * Specification 2.1 (INT 1Ah AH=B1h functions 01h-03h, 08h-0Eh, the return
 * codes, the 32-bit protected-mode interface) and the Standard BIOS 32-bit
 * Service Directory Proposal 0.4 ("_32_" header, service "$PCI").
 *
 * POST walks bus 0 through configuration mechanism #1, sizes every BAR and
 * assigns I/O from C000h and memory from E0000000h upwards (naturally
 * aligned), enables decoding (and bus mastering for IDE), routes PIRQA-D to
 * IRQ 10, 10, 11, 11 (level-triggered in the ELCR), writes each function's
 * interrupt line, enables the PIIX IDE channels' decode bits, and puts the
 * PIIX4 PM block at 600h with SCI_EN set (ACPI is always on: the FADT has no
 * SMI command port).  Left out: other buses (no bridges exist), expansion
 * ROMs, special cycles (AL=06h answers "not supported").
 */
#include <string.h>

#include "bios/pcibios.h"
#include "cpu/sem.h"

#define PCI_SIG 0x20494350u            /* "PCI " */
#define ST_OK 0x00
#define ST_UNSUPPORTED 0x81
#define ST_BAD_VENDOR 0x83
#define ST_NOT_FOUND 0x86
#define ST_BAD_REGISTER 0x87
#define ST_BUFFER_SMALL 0x89

static const uint8_t pirq_irq[4] = { 10, 10, 11, 11 };

/* ---- configuration space through CF8h/CFCh (the guest's CF8h is kept) ---- */

static uint32_t cfg_read(struct bios *b, uint8_t devfn, uint8_t reg, int size)
{
    uint32_t save = portbus_in(b->io, 0xCF8, 4);
    portbus_out(b->io, 0xCF8, 0x80000000u | (uint32_t)devfn << 8 | (reg & 0xFCu), 4);
    uint32_t v = portbus_in(b->io, (uint16_t)(0xCFC + (reg & 3)), size);
    portbus_out(b->io, 0xCF8, save, 4);
    return v;
}

static void cfg_write(struct bios *b, uint8_t devfn, uint8_t reg, uint32_t val, int size)
{
    uint32_t save = portbus_in(b->io, 0xCF8, 4);
    portbus_out(b->io, 0xCF8, 0x80000000u | (uint32_t)devfn << 8 | (reg & 0xFCu), 4);
    portbus_out(b->io, (uint16_t)(0xCFC + (reg & 3)), val, size);
    portbus_out(b->io, 0xCF8, save, 4);
}

/* Does function devfn exist (function 0 of its device is multi-function if fn > 0)? */
static int func_present(struct bios *b, unsigned devfn)
{
    if ((cfg_read(b, (uint8_t)devfn, 0, 2) & 0xFFFF) == 0xFFFF)
        return 0;
    if (devfn & 7)
        return (cfg_read(b, (uint8_t)(devfn & ~7u), 0x0E, 1) & 0x80) != 0;
    return 1;
}

/* ---- POST ---- */

static uint32_t align_up(uint32_t v, uint32_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static void setup_func(struct bios *b, uint8_t devfn, uint32_t *io, uint32_t *mem)
{
    uint32_t id = cfg_read(b, devfn, 0, 4);
    uint32_t cls = cfg_read(b, devfn, 0x08, 4) >> 8;
    uint16_t cmd = 0;
    if ((cfg_read(b, devfn, 0x0E, 1) & 0x7F) == 0) {
        for (int n = 0; n < 6; n++) {
            uint8_t reg = (uint8_t)(0x10 + 4 * n);
            uint32_t old = cfg_read(b, devfn, reg, 4);
            cfg_write(b, devfn, reg, 0xFFFFFFFFu, 4);
            uint32_t sz = cfg_read(b, devfn, reg, 4);
            cfg_write(b, devfn, reg, old, 4);
            if (sz == 0 || sz == 0xFFFFFFFFu)
                continue;
            if (sz & 1) { /* I/O */
                uint32_t size = ~(sz & 0xFFFCu) + 1;
                size &= 0xFFFF;
                if (!size || size > 0x1000)
                    continue;
                uint32_t base = align_up(*io, size);
                if (base + size > 0x10000)
                    continue;
                cfg_write(b, devfn, reg, base, 4);
                *io = base + size;
                cmd |= 0x01;
            } else {
                uint32_t size = ~(sz & 0xFFFFFFF0u) + 1;
                uint32_t base = align_up(*mem, size);
                if (!size || base < *mem || base + size - 1 >= 0xFEC00000u)
                    continue;
                cfg_write(b, devfn, reg, base, 4);
                *mem = base + size;
                cmd |= 0x02;
                if ((sz & 6) == 4) /* 64-bit BAR: the upper half is 0 */
                    n++;
            }
        }
    }
    if ((cls >> 16) == 0x01) /* mass storage: bus master */
        cmd |= 0x04;
    if (id == 0x70108086u) { /* PIIX3 IDE: decode both channels (IDETIM bit 15) */
        cfg_write(b, devfn, 0x40, 0x8000, 2);
        cfg_write(b, devfn, 0x42, 0x8000, 2);
        cmd |= 0x05;
    }
    if (id == 0x70008086u) /* PIIX3 ISA bridge: the PIRQ routes */
        for (int k = 0; k < 4; k++)
            cfg_write(b, devfn, (uint8_t)(0x60 + k), pirq_irq[k], 1);
    if (id == 0x71138086u) { /* PIIX4 PM: the ACPI register block */
        cfg_write(b, devfn, 0x40, PCIBIOS_PMBA | 1u, 4);
        cfg_write(b, devfn, 0x80, 0x01, 1);
        portbus_out(b->io, PCIBIOS_PMBA + 4, portbus_in(b->io, PCIBIOS_PMBA + 4, 2) | 1u, 2); /* SCI_EN */
    }
    if (cmd)
        cfg_write(b, devfn, 0x04, (cfg_read(b, devfn, 0x04, 2) & 0xFFFF) | cmd, 2);
    uint8_t pin = (uint8_t)cfg_read(b, devfn, 0x3D, 1);
    if (pin >= 1 && pin <= 4)
        cfg_write(b, devfn, 0x3C, pirq_irq[((devfn >> 3) + pin - 1) & 3], 1);
}

void bios_pci_init(struct bios *b)
{
    /* no host bridge answering: not a PCI board */
    if ((cfg_read(b, 0, 0, 2) & 0xFFFF) == 0xFFFF)
        return;
    uint32_t io = PCIBIOS_IO_BASE, mem = PCIBIOS_MEM_BASE;
    for (unsigned devfn = 0; devfn < 256; devfn++)
        if (func_present(b, devfn))
            setup_func(b, (uint8_t)devfn, &io, &mem);
    /* PCI interrupts are level-triggered: ELCR2 bits for IRQ 9 (SCI), 10 and 11 */
    portbus_out(b->io, 0x4D1, portbus_in(b->io, 0x4D1, 1) | 0x0E, 1);
}

uint32_t bios_pci_lfb(struct bios *b)
{
    if ((cfg_read(b, 0, 0, 2) & 0xFFFF) == 0xFFFF)
        return 0;
    for (unsigned devfn = 0; devfn < 256; devfn++) {
        if (!func_present(b, devfn) || (cfg_read(b, (uint8_t)devfn, 0x08, 4) >> 16) != 0x0300)
            continue;
        uint32_t bar = cfg_read(b, (uint8_t)devfn, 0x10, 4);
        if ((bar & 1) || !(cfg_read(b, (uint8_t)devfn, 0x04, 2) & 0x02))
            return 0;
        return bar & 0xFFFFFFF0u;
    }
    return 0;
}

/* ---- the PCI BIOS functions (shared by INT 1Ah and the 32-bit entry) ---- */

static int find(struct bios *b, int by_class, uint32_t key, unsigned index, uint16_t *bdf)
{
    for (unsigned devfn = 0; devfn < 256; devfn++) {
        if (!func_present(b, devfn))
            continue;
        uint32_t v = by_class ? cfg_read(b, (uint8_t)devfn, 0x08, 4) >> 8 : cfg_read(b, (uint8_t)devfn, 0, 4);
        if (v == key && index-- == 0) {
            *bdf = (uint16_t)devfn; /* bus 0 */
            return 1;
        }
    }
    return 0;
}

/* The IRQ routing table of AX=B10Eh into a buffer at linear address lin. */
static uint8_t routing(struct bios *b, struct cpu *c, uint32_t buf_lin, uint32_t data_lin)
{
    uint16_t have = bios_rd16(b, buf_lin);
    unsigned n = 0;
    for (unsigned dev = 1; dev < 32; dev++)
        if (func_present(b, dev << 3))
            n++;
    set16(c, R_EBX, 0); /* no IRQ is reserved for PCI alone */
    bios_wr16(b, buf_lin, (uint16_t)(n * 16));
    if (have < n * 16)
        return ST_BUFFER_SMALL;
    uint32_t at = data_lin;
    for (unsigned dev = 1; dev < 32; dev++) {
        if (!func_present(b, dev << 3))
            continue;
        bios_wr8(b, at, 0);                         /* bus */
        bios_wr8(b, at + 1, (uint8_t)(dev << 3));   /* device */
        for (unsigned pin = 0; pin < 4; pin++) {
            bios_wr8(b, at + 2 + 3 * pin, (uint8_t)(0x60 + ((dev + pin) & 3))); /* link: PIRQRC register */
            bios_wr16(b, at + 3 + 3 * pin, 0xDEB8); /* IRQ 3-5, 7, 9-12, 14, 15 */
        }
        bios_wr8(b, at + 14, 0);                    /* slot: embedded */
        bios_wr8(b, at + 15, 0);
        at += 16;
    }
    return ST_OK;
}

/* Run function AL; returns the status for AH. */
static uint8_t pcibios(struct bios *b, struct cpu *c, int pm32)
{
    uint8_t al = reg8_lo(c, R_EAX);
    uint8_t bus = reg8_hi(c, R_EBX), devfn = reg8_lo(c, R_EBX);
    uint16_t reg = (uint16_t)c->r[R_EDI];
    uint16_t bdf;
    if (al >= 0x08 && al <= 0x0D) {
        int size = al == 0x08 || al == 0x0B ? 1 : al == 0x09 || al == 0x0C ? 2 : 4;
        if (reg > 0xFF || (reg & (size - 1)))
            return ST_BAD_REGISTER;
        if (al <= 0x0A) {
            uint32_t v = bus ? 0xFFFFFFFFu : cfg_read(b, devfn, (uint8_t)reg, size);
            if (size == 1)
                set_lo(c, R_ECX, (uint8_t)v);
            else if (size == 2)
                set16(c, R_ECX, (uint16_t)v);
            else
                c->r[R_ECX] = v;
        } else if (!bus) {
            cfg_write(b, devfn, (uint8_t)reg, c->r[R_ECX], size);
        }
        return ST_OK;
    }
    switch (al) {
    case 0x01:
        c->r[R_EDX] = PCI_SIG;
        set_lo(c, R_EAX, 0x01);   /* configuration mechanism #1 */
        set16(c, R_EBX, 0x0210);  /* version 2.10 */
        set_lo(c, R_ECX, 0);      /* last bus */
        return ST_OK;
    case 0x02:
        if ((c->r[R_EDX] & 0xFFFF) == 0xFFFF)
            return ST_BAD_VENDOR;
        if (!find(b, 0, (c->r[R_ECX] & 0xFFFF) << 16 | (c->r[R_EDX] & 0xFFFF), c->r[R_ESI] & 0xFFFF, &bdf))
            return ST_NOT_FOUND;
        set16(c, R_EBX, bdf);
        return ST_OK;
    case 0x03:
        if (!find(b, 1, c->r[R_ECX] & 0xFFFFFF, c->r[R_ESI] & 0xFFFF, &bdf))
            return ST_NOT_FOUND;
        set16(c, R_EBX, bdf);
        return ST_OK;
    case 0x0E: {
        /* ES:(E)DI -> { WORD size; far pointer to the data } (16:16 or 16:32) */
        uint32_t buf = c->seg[SEG_ES].base + (pm32 ? c->r[R_EDI] : (c->r[R_EDI] & 0xFFFF));
        uint32_t off = pm32 ? bios_rd32(b, buf + 2) : bios_rd16(b, buf + 2);
        uint16_t sel = bios_rd16(b, buf + (pm32 ? 6 : 4));
        uint32_t base;
        if (!pm32 || (c->eflags & F_VM))
            base = (uint32_t)sel << 4;
        else if (sel == c->seg[SEG_ES].sel)
            base = c->seg[SEG_ES].base;
        else if (sel == c->seg[SEG_DS].sel)
            base = c->seg[SEG_DS].base;
        else
            return ST_UNSUPPORTED; /* a selector this HLE BIOS cannot resolve */
        return routing(b, c, buf, base + off);
    }
    case 0x0F: /* set PCI IRQ: the routes are fixed by POST */
    case 0x06: /* special cycle */
    default:
        return ST_UNSUPPORTED;
    }
}

void bios_pcibios_int1a(struct bios *b, struct cpu *c)
{
    uint8_t st = pcibios(b, c, 0);
    set_hi(c, R_EAX, st);
    bios_ret_flag(b, F_CF, st != ST_OK);
}

int bios_pci32_call(struct bios *b, struct cpu *c)
{
    if (reg8_hi(c, R_EAX) != 0xB1) {
        set_hi(c, R_EAX, ST_UNSUPPORTED);
        return 1;
    }
    uint8_t st = pcibios(b, c, 1);
    set_hi(c, R_EAX, st);
    return st != ST_OK;
}

/* The BIOS32 directory: EAX = service name, EBX = 0 -> AL, EBX/ECX/EDX. */
int bios_bios32_call(struct bios *b, struct cpu *c)
{
    if (c->r[R_EAX] == 0x49435024u && (c->r[R_EBX] & 0xFF) == 0) { /* "$PCI" */
        c->r[R_EAX] &= ~0xFFu;
        c->r[R_EBX] = BIOS_ROM_BASE;
        c->r[R_ECX] = BIOS_ROM_SIZE;
        c->r[R_EDX] = PCIBIOS_ROM_OFF + 0x20;
        return 0;
    }
    set_lo(c, R_EAX, c->r[R_EBX] & 0xFF ? 0x81 : 0x80); /* bad function / unknown service */
    return 0;
}

void bios_pci_rom(struct bios *b)
{
    uint8_t *r = b->rom + PCIBIOS_ROM_OFF;
    uint32_t entry = BIOS_ROM_BASE + PCIBIOS_ROM_OFF + 0x10;
    /* "_32_" header: signature, entry point, revision 0, length 1 (paragraphs), checksum */
    memcpy(r, "_32_", 4);
    for (int k = 0; k < 4; k++)
        r[4 + k] = (uint8_t)(entry >> (8 * k));
    r[8] = 0;
    r[9] = 1;
    uint8_t sum = 0;
    for (int k = 0; k < 16; k++)
        sum = (uint8_t)(sum + r[k]);
    r[10] = (uint8_t)-sum;
    /* 32-bit stubs: trap; retf (CF from the service) */
    const uint8_t dir[] = { 0x0F, 0x04, BSVC_BIOS32, 0xCB };
    const uint8_t pci[] = { 0x0F, 0x04, BSVC_PCI32, 0xCB };
    memcpy(r + 0x10, dir, sizeof(dir));
    memcpy(r + 0x20, pci, sizeof(pci));
}
