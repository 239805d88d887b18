/*
 * piix.c - Intel 82371SB PIIX3 functions 0 and 1, after the Intel 82371FB
 * (PIIX) and 82371SB (PIIX3) PCI ISA IDE Xcelerator datasheet.
 *
 * Function 0, the PCI-to-ISA bridge (8086:7000, multi-function header): the
 * PIRQ route control registers 60h-63h steer PIRQA#-PIRQD# onto ISA IRQs
 * (bit 7 disables a route; IRQ 0, 1, 2, 8 and 13 are reserved); the other
 * registers (ISA clock, XBCS, top of memory, motherboard IRQ/DMA routing,
 * APIC base, SMI control) are plain storage.  The ELCR lives at 4D0h/4D1h in
 * devices/pic.c; the reset control register at CF9h in devices/pci.c.
 * Function 1, the IDE interface (8086:7010, class 0101h, prog-if 80h: both
 * channels in compatibility mode at their legacy ports and IRQ 14/15, bus
 * master capable): BMIBA (BAR4) maps the 16 bus-master registers, which the
 * board takes from the IDE controller; IDETIM/SIDETIM are storage (timings
 * are not modelled, the legacy ports stay decoded).
 * Left out: the ISA DMA and interrupt controllers' PCI sides (legacy DMA and
 * the 8259 pair are devices of their own), USB (function 2), SMI generation.
 */
#include <stdio.h>

#include "devices/piix.h"

void piix_update_irqs(struct piix *p)
{
    uint16_t want = 0;
    for (int k = 0; k < 4; k++) {
        uint8_t route = p->isa.cfg[PIIX_PIRQRC + k];
        int active = (p->pirq_src[k][0] | p->pirq_src[k][1] | p->pirq_src[k][2] | p->pirq_src[k][3]) != 0;
        if (!active || (route & 0x80))
            continue;
        uint8_t irq = route & 0x0F;
        if (irq <= 2 || irq == 8 || irq == 13) {
            if (!(p->warned & 1))
                fprintf(stderr, "tarsier: piix: PIRQ%c routed to reserved IRQ %u, ignored\n", 'A' + k, irq);
            p->warned |= 1;
            continue;
        }
        want |= (uint16_t)(1u << irq);
    }
    uint16_t diff = want ^ p->pci_irqs;
    p->pci_irqs = want;
    for (int n = 0; n < 16; n++)
        if (diff & (1u << n))
            irq_set(&p->irq[n], (want >> n) & 1);
}

void piix_pci_irq(struct piix *p, int dev, int pin, int level)
{
    if (dev < 0 || dev > 31 || pin < 1 || pin > 4)
        return;
    int pirq = (dev + pin - 1) & 3;
    unsigned bit = (unsigned)(dev * 4 + pin - 1);
    uint32_t *w = &p->pirq_src[pirq][bit / 32];
    uint32_t m = 1u << (bit % 32);
    *w = level ? *w | m : *w & ~m;
    piix_update_irqs(p);
}

static void isa_written(struct pci_func *f, uint32_t addr, int size)
{
    if (addr < PIIX_PIRQRC + 4 && addr + (uint32_t)size > PIIX_PIRQRC)
        piix_update_irqs(f->dev);
}

void piix_init(struct piix *p, const struct io_ops *ide_bm, void *ide_opaque)
{
    struct pci_func *f = &p->isa;
    pci_func_init(f, 0x8086, 0x7000, 0x060100, 0x00, 0x80);
    f->dev = p;
    f->written = isa_written;
    pci_set16(f, PCI_COMMAND, 0x0007);
    pci_set16(f, PCI_STATUS, 0x0200);
    f->wmask[PCI_COMMAND] = 0x08;             /* special cycle enable; the rest is fixed */
    static const struct { uint8_t reg, mask, def; } isa_regs[] = {
        { 0x4C, 0xFF, 0x4D }, { 0x4E, 0xFF, 0x03 }, { 0x4F, 0x03, 0x00 },      /* IORT, XBCS */
        { 0x60, 0x8F, 0x80 }, { 0x61, 0x8F, 0x80 }, { 0x62, 0x8F, 0x80 }, { 0x63, 0x8F, 0x80 },
        { 0x69, 0xFE, 0x02 }, { 0x6A, 0xFF, 0x00 },                            /* TOM, MSTAT */
        { 0x70, 0xCF, 0x80 }, { 0x71, 0xCF, 0x80 },                            /* MBIRQ0/1 */
        { 0x76, 0x8F, 0x0C }, { 0x77, 0x8F, 0x0C },                            /* MBDMA0/1 */
        { 0x78, 0xFF, 0x02 }, { 0x79, 0xFF, 0x00 },                            /* PCSC */
        { 0x80, 0x7F, 0x00 }, { 0x82, 0x0F, 0x00 },                            /* APICBASE, DLC */
        { 0xA0, 0xFF, 0x08 }, { 0xA2, 0xFF, 0x00 }, { 0xA3, 0xFF, 0x00 },      /* SMICNTL, SMIEN */
        { 0xA4, 0xFF, 0x00 }, { 0xA5, 0xFF, 0x00 }, { 0xA6, 0xFF, 0x00 }, { 0xA7, 0xFF, 0x00 },
        { 0xA8, 0xFF, 0x0F }, { 0xAA, 0xFF, 0x00 }, { 0xAB, 0xFF, 0x00 },      /* FTMR, SMIREQ */
        { 0xAC, 0xFF, 0x00 }, { 0xAE, 0xFF, 0x00 },                            /* CTLTMR, CTHTMR */
    };
    for (unsigned k = 0; k < sizeof(isa_regs) / sizeof(isa_regs[0]); k++) {
        f->wmask[isa_regs[k].reg] = isa_regs[k].mask;
        f->cfg[isa_regs[k].reg] = isa_regs[k].def;
    }
    f = &p->ide;
    pci_func_init(f, 0x8086, 0x7010, 0x010180, 0x00, 0x00);
    f->dev = p;
    pci_set16(f, PCI_STATUS, 0x0280);
    f->wmask[PCI_COMMAND] = PCI_CMD_IO | PCI_CMD_MASTER;
    f->wmask[0x0C] = 0;                       /* no cache line size register */
    f->wmask[PCI_INT_LINE] = 0;               /* legacy IRQ 14/15: no INTx# */
    for (int r = 0x40; r <= 0x44; r++)        /* IDETIM primary/secondary, SIDETIM */
        f->wmask[r] = 0xFF;
    pci_func_bar(f, PIIX_IDE_BM_BAR, PCI_REGION_IO, 16, ide_bm, ide_opaque, "ide-busmaster");
    for (int k = 0; k < 4; k++)
        p->pirq_src[k][0] = p->pirq_src[k][1] = p->pirq_src[k][2] = p->pirq_src[k][3] = 0;
    p->pci_irqs = 0;
}

static const struct state_field piix_fields[] = {
    STATE_ARRAY(struct piix, isa.cfg, ST_BYTES, 256),
    STATE_ARRAY(struct piix, ide.cfg, ST_BYTES, 256),
    STATE_ARRAY(struct piix, pirq_src[0], ST_U32, 4),
    STATE_ARRAY(struct piix, pirq_src[1], ST_U32, 4),
    STATE_ARRAY(struct piix, pirq_src[2], ST_U32, 4),
    STATE_ARRAY(struct piix, pirq_src[3], ST_U32, 4),
    STATE_FIELD(struct piix, pci_irqs, ST_U16),
    STATE_END
};
const struct state_table piix_state = { "piix", 1, piix_fields };
