/*
 * pci.c - PCI bus 0 and configuration mechanism #1, after the PCI Local Bus
 * Specification 2.1 (3.2.2.3.2 configuration mechanism #1, 6.1-6.2.5 the
 * configuration header, base address registers) and the reset control
 * register at CF9h of the Intel 82371SB PIIX3 datasheet.
 *
 * CONFIG_ADDRESS (CF8h) answers only dword accesses; CONFIG_DATA (CFCh-CFFh)
 * accepts bytes, words and dwords at the byte lane the address selects.
 * Only bus 0 exists (no PCI-to-PCI bridges): other buses and absent functions
 * read all ones and ignore writes.  Left out: configuration mechanism #2,
 * special cycles, 64-bit memory BARs.  Expansion ROM BARs (6.2.5.2) decode
 * only with both their enable bit and the command register's memory enable.
 */
#include <string.h>

#include "devices/pci.h"

void pci_bus_init(struct pci_bus *b)
{
    memset(b, 0, sizeof(*b));
}

void pci_func_init(struct pci_func *f, uint16_t vendor, uint16_t device, uint32_t class_code, uint8_t rev,
                   uint8_t header_type)
{
    memset(f->cfg, 0, sizeof(f->cfg));
    memset(f->wmask, 0, sizeof(f->wmask));
    memset(f->w1c, 0, sizeof(f->w1c));
    pci_set16(f, PCI_VENDOR, vendor);
    pci_set16(f, PCI_DEVICE, device);
    f->cfg[PCI_REVISION] = rev;
    f->cfg[PCI_PROGIF] = (uint8_t)class_code;
    f->cfg[PCI_CLASS] = (uint8_t)(class_code >> 8);
    f->cfg[PCI_CLASS + 1] = (uint8_t)(class_code >> 16);
    f->cfg[PCI_HEADER] = header_type;
    f->wmask[PCI_COMMAND] = PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER | 0x40; /* + parity error response */
    f->wmask[PCI_COMMAND + 1] = 0x01;                                          /* SERR# enable */
    f->w1c[PCI_STATUS + 1] = 0xF9;  /* parity, system error, master/target aborts, data parity */
    f->wmask[0x0C] = 0xFF;          /* cache line size */
    f->wmask[0x0D] = 0xFF;          /* latency timer */
    f->wmask[PCI_INT_LINE] = 0xFF;
}

int pci_bus_add(struct pci_bus *b, struct pci_func *f, uint8_t devfn, const char *name)
{
    if (b->fn[devfn])
        return -1;
    f->bus = b;
    f->devfn = devfn;
    f->name = name;
    b->fn[devfn] = f;
    return 0;
}

void pci_func_region(struct pci_func *f, int n, enum pci_region_type type, uint32_t size, uint8_t reg,
                     uint8_t en_reg, uint8_t en_bit, const struct io_ops *ops, void *opaque, const char *name)
{
    struct pci_region *r = &f->region[n];
    memset(r, 0, sizeof(*r));
    r->type = type;
    r->size = size < 16 ? 16 : size;
    r->reg = reg;
    r->en_reg = en_reg;
    r->en_bit = en_bit;
    r->ops = ops;
    r->opaque = opaque;
    r->name = name;
    /* I/O BARs keep all 32 bits writable, as QEMU's do (SeaBIOS sizes them
     * that way); a base above FFFFh just does not decode */
    uint32_t mask = ~(r->size - 1) & (type == PCI_REGION_IO ? 0xFFFFFFFCu : 0xFFFFFFF0u);
    uint32_t fixed = type == PCI_REGION_IO ? 1u : 0u; /* bit 0: I/O space indicator */
    for (int k = 0; k < 4; k++) {
        f->wmask[reg + k] = (uint8_t)(mask >> (8 * k));
        f->cfg[reg + k] = (uint8_t)(fixed >> (8 * k));
    }
}

void pci_func_bar_prefetch(struct pci_func *f, int n)
{
    f->cfg[PCI_BAR0 + 4 * n] |= PCI_BAR_PREFETCH;
}

void pci_func_rom(struct pci_func *f, int n, uint32_t size, uint8_t *bytes, const char *name)
{
    if (size < 0x800 || (size & (size - 1)) || !bytes)
        return; /* not a valid ROM: the BAR stays unimplemented (reads 0) */
    pci_func_region(f, n, PCI_REGION_ROM, size, PCI_ROM_BAR, PCI_ROM_BAR, PCI_ROM_ENABLE, NULL, NULL, name);
    f->region[n].rom = bytes;
    uint32_t mask = (~(size - 1) & 0xFFFFF800u) | PCI_ROM_ENABLE;
    for (int k = 0; k < 4; k++)
        f->wmask[PCI_ROM_BAR + k] = (uint8_t)(mask >> (8 * k));
}

void pci_func_bar(struct pci_func *f, int n, enum pci_region_type type, uint32_t size, const struct io_ops *ops,
                  void *opaque, const char *name)
{
    pci_func_region(f, n, type, size, (uint8_t)(PCI_BAR0 + 4 * n), PCI_COMMAND,
                    type == PCI_REGION_IO ? PCI_CMD_IO : PCI_CMD_MEM, ops, opaque, name);
}

/* Where a region decodes now: 1 with *base, or 0 when it is off. */
static int region_decode(const struct pci_func *f, const struct pci_region *r, uint32_t *base)
{
    if (!(f->cfg[r->en_reg] & r->en_bit))
        return 0;
    if (r->type == PCI_REGION_ROM && !(f->cfg[PCI_COMMAND] & PCI_CMD_MEM))
        return 0;
    uint32_t v = pci_cfg32(f, r->reg) & ~(r->size - 1);
    v &= r->type == PCI_REGION_IO ? 0xFFFFFFFCu : r->type == PCI_REGION_ROM ? 0xFFFFF800u : 0xFFFFFFF0u;
    /* base 0 is "not assigned"; a range must not wrap around its space */
    uint64_t limit = r->type == PCI_REGION_IO ? 0x10000u : 0x100000000ull;
    if (v == 0 || (uint64_t)v + r->size > limit)
        return 0;
    *base = v;
    return 1;
}

void pci_func_update(struct pci_func *f)
{
    struct pci_bus *b = f->bus;
    for (int n = 0; n < PCI_REGIONS; n++) {
        struct pci_region *r = &f->region[n];
        if (r->type == PCI_REGION_NONE)
            continue;
        uint32_t base = 0;
        int on = region_decode(f, r, &base);
        if (r->mapped && on && base == r->base)
            continue;
        if (!r->mapped && !on)
            continue;
        if (r->mapped) {
            if (b && b->map)
                b->map(b->map_opaque, f, r, 0);
            r->mapped = false;
        }
        if (on) {
            r->base = base;
            r->mapped = !b || !b->map || b->map(b->map_opaque, f, r, 1) == 0;
        }
    }
}

uint32_t pci_config_read(struct pci_bus *b, uint8_t devfn, uint8_t reg, int size)
{
    const struct pci_func *f = b->fn[devfn];
    if (!f)
        return size == 4 ? 0xFFFFFFFFu : size == 2 ? 0xFFFFu : 0xFFu;
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= (uint32_t)f->cfg[(uint8_t)(reg + k)] << (8 * k);
    return v;
}

void pci_config_write(struct pci_bus *b, uint8_t devfn, uint8_t reg, uint32_t val, int size)
{
    struct pci_func *f = b->fn[devfn];
    if (!f)
        return;
    int remap = 0;
    for (int k = 0; k < size; k++) {
        uint8_t a = (uint8_t)(reg + k), v = (uint8_t)(val >> (8 * k));
        uint8_t old = f->cfg[a];
        f->cfg[a] = (uint8_t)(((old & ~f->wmask[a]) | (v & f->wmask[a])) & ~(v & f->w1c[a]));
        for (int n = 0; n < PCI_REGIONS; n++) {
            const struct pci_region *r = &f->region[n];
            if (r->type != PCI_REGION_NONE &&
                ((uint8_t)(a - r->reg) < 4 || a == r->en_reg || (r->type == PCI_REGION_ROM && a == PCI_COMMAND)))
                remap = 1;
        }
    }
    if (remap)
        pci_func_update(f);
    if (f->written)
        f->written(f, reg, size);
}

/* ---- the I/O ports ---- */

static uint32_t conf_read(void *opaque, uint32_t off, int size)
{
    struct pci_bus *b = opaque;
    if (off < 4) {
        if (off == 0 && size == 4)
            return b->addr;
        if (off == 1 && size == 1)
            return b->rcr;
        return size == 4 ? 0xFFFFFFFFu : size == 2 ? 0xFFFFu : 0xFFu;
    }
    uint32_t a = b->addr;
    uint8_t reg = (uint8_t)((a & 0xFC) + (off - 4));
    if (!(a & 0x80000000u) || ((a >> 16) & 0xFF) != 0 || (reg & (size - 1)))
        return size == 4 ? 0xFFFFFFFFu : size == 2 ? 0xFFFFu : 0xFFu;
    return pci_config_read(b, (uint8_t)(a >> 8), reg, size);
}

static void conf_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct pci_bus *b = opaque;
    if (off < 4) {
        if (off == 0 && size == 4)
            b->addr = val & 0x80FFFFFCu;
        else if (off == 1 && size == 1) {
            /* RCR: bit 1 selects a hard reset, a 0 -> 1 edge of bit 2 resets */
            if ((val & 0x04) && !(b->rcr & 0x04))
                b->reset_requested = 1;
            b->rcr = (uint8_t)(val & 0x02);
        }
        return;
    }
    uint32_t a = b->addr;
    uint8_t reg = (uint8_t)((a & 0xFC) + (off - 4));
    if (!(a & 0x80000000u) || ((a >> 16) & 0xFF) != 0 || (reg & (size - 1)))
        return;
    pci_config_write(b, (uint8_t)(a >> 8), reg, val, size);
}

const struct io_ops pci_conf_ops = { conf_read, conf_write, IO_SIZE8 | IO_SIZE16 | IO_SIZE32 };

static const struct state_field pci_bus_fields[] = {
    STATE_FIELD(struct pci_bus, addr, ST_U32),
    STATE_FIELD(struct pci_bus, rcr, ST_U8),
    STATE_END
};
const struct state_table pci_bus_state = { "pci", 1, pci_bus_fields };
