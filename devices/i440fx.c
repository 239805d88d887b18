/*
 * i440fx.c - the Intel 82441FX PCI and memory controller (PMC) of the 440FX
 * chipset, PCI 00:00.0, 8086:1237, after the Intel 440FX PCIset datasheet
 * (82441FX PMC configuration registers).
 *
 * The programmable attribute map registers PAM0-PAM6 (59h-5Fh) decide, per
 * 16 KiB block of C0000-EFFFF and for the whole F0000-FFFFF block, whether
 * reads and writes go to DRAM or to the ROM/PCI side; they drive the memory
 * map's shadow control.  Departure: with both enables off a block keeps the
 * board's default (the ROM where one is mapped, else RAM) instead of going to
 * PCI.  Left out: DRAM timing and row boundaries (DRB registers are plain
 * read/write storage), the error reporting registers, SMRAM (72h is stored,
 * no SMM space exists), the PCI arbiter and the CPU-to-PCI buffers.
 */
#include "devices/i440fx.h"

static void pmc_written(struct pci_func *f, uint32_t addr, int size)
{
    if (addr + (uint32_t)size > I440FX_PAM0 && addr <= I440FX_PAM0 + 6)
        i440fx_apply_pam(f->dev);
}

void i440fx_apply_pam(struct i440fx *h)
{
    const uint8_t *c = h->pci.cfg;
    memmap_set_shadow(h->mem, 0xF0000, 0x10000, (c[I440FX_PAM0] >> 4) & 3);
    for (int k = 1; k <= 6; k++) {
        uint32_t base = 0xC0000u + (uint32_t)(k - 1) * 0x8000u;
        memmap_set_shadow(h->mem, base, 0x4000, c[I440FX_PAM0 + k] & 3);
        memmap_set_shadow(h->mem, base + 0x4000, 0x4000, (c[I440FX_PAM0 + k] >> 4) & 3);
    }
}

void i440fx_init(struct i440fx *h, struct memmap *mem, uint32_t ram_size)
{
    struct pci_func *f = &h->pci;
    h->mem = mem;
    pci_func_init(f, 0x8086, 0x1237, 0x060000, 0x02, 0x00);
    f->dev = h;
    f->written = pmc_written;
    pci_set16(f, PCI_COMMAND, 0x0006);        /* memory space and bus master always on */
    pci_set16(f, PCI_STATUS, 0x0280);         /* fast back-to-back, medium DEVSEL# */
    f->wmask[PCI_COMMAND] = 0x40;
    f->wmask[0x50] = 0xEF;                    /* PMCCFG */
    f->wmask[0x51] = 0x80;                    /* DETURBO */
    for (int r = 0x53; r <= 0x58; r++)        /* DBC, DRT, DRAMEC, DRAMC, DRAMT */
        f->wmask[r] = 0xFF;
    f->wmask[I440FX_PAM0] = 0x30;
    for (int k = 1; k <= 6; k++)
        f->wmask[I440FX_PAM0 + k] = 0x33;
    /* DRB0-7: row boundaries in 8 MiB units, all rows ending at the top of RAM */
    uint32_t units = (ram_size + (8u << 20) - 1) >> 23;
    for (int r = 0x60; r <= 0x67; r++) {
        f->wmask[r] = 0xFF;
        f->cfg[r] = (uint8_t)(units > 0xFF ? 0xFF : units);
    }
    f->wmask[0x68] = 0xC0;                    /* FDHC: fixed DRAM hole */
    f->wmask[I440FX_SMRAM] = 0x78;            /* D_OPEN, D_CLS, D_LCK, G_SMRAME */
    f->cfg[I440FX_SMRAM] = 0x02;              /* C_BASE_SEG: A0000 */
    i440fx_apply_pam(h);
}

static const struct state_field i440fx_fields[] = {
    STATE_ARRAY(struct i440fx, pci.cfg, ST_BYTES, 256),
    STATE_END
};
const struct state_table i440fx_state = { "i440fx", 1, i440fx_fields };
