/*
 * pci.h - PCI bus 0 with configuration mechanism #1 (ports CF8h-CFFh) and a
 * registry of functions.  Each function owns a 256-byte configuration space
 * with per-byte write masks (read-only IDs, class and header type; writable
 * command, latency, interrupt line; write-1-to-clear status bits) and up to
 * six I/O or memory regions.  A region is decoded from a base register
 * (a BAR at 10h-24h, or a device-specific one such as the PIIX4 PMBA) and
 * enabled by one configuration bit (the command register's I/O or memory
 * enable for BARs); whenever the decoded base or the enable changes, the bus
 * asks the board to unmap the old range and map the new one.
 */
#ifndef TARSIER_PCI_H
#define TARSIER_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/io.h"
#include "machine/state.h"

#define PCI_REGIONS 6
#define PCI_DEVFN(dev, fn) ((uint8_t)(((dev) << 3) | (fn)))

/* configuration space offsets */
#define PCI_VENDOR 0x00
#define PCI_DEVICE 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION 0x08
#define PCI_PROGIF 0x09
#define PCI_CLASS 0x0A  /* sub-class at 0Ah, base class at 0Bh */
#define PCI_HEADER 0x0E
#define PCI_BAR0 0x10
#define PCI_ROM_BAR 0x30  /* expansion ROM base address (type 0 header) */
#define PCI_INT_LINE 0x3C
#define PCI_INT_PIN 0x3D

#define PCI_CMD_IO 0x01
#define PCI_CMD_MEM 0x02
#define PCI_CMD_MASTER 0x04

#define PCI_BAR_PREFETCH 0x08  /* memory BAR bit 3: prefetchable */
#define PCI_ROM_ENABLE 0x01    /* expansion ROM BAR bit 0: address decode enable */

/* ROM: memory space, read-only bytes, decoded when both the ROM BAR's enable
 * bit and the command register's memory enable are set */
enum pci_region_type { PCI_REGION_NONE, PCI_REGION_IO, PCI_REGION_MEM, PCI_REGION_ROM };

struct pci_func;

/* One decoded address range of a function. */
struct pci_region {
    enum pci_region_type type;
    uint32_t size;              /* power of two */
    uint8_t reg;                /* config offset of the 32-bit base register */
    uint8_t en_reg, en_bit;     /* the config bit that enables decoding */
    const struct io_ops *ops;   /* what the board maps there (NULL: nothing answers) */
    void *opaque;
    uint8_t *rom;               /* PCI_REGION_ROM: size bytes (owned by the device) */
    const char *name;
    /* the board's current mapping (derived from cfg; rebuilt after a load) */
    bool mapped;
    uint32_t base;
    bool warned;                /* the board reported a refused mapping */
};

struct pci_func {
    uint8_t cfg[256];
    uint8_t wmask[256];         /* bits the guest may write */
    uint8_t w1c[256];           /* bits a guest write of 1 clears */
    struct pci_region region[PCI_REGIONS];
    /* the device's own registers: called after a write changed cfg[addr..addr+size) */
    void (*written)(struct pci_func *f, uint32_t addr, int size);
    void *dev;                  /* the device that embeds this function */
    struct pci_bus *bus;
    uint8_t devfn;
    const char *name;
};

struct pci_bus {
    uint32_t addr;              /* CF8h CONFIG_ADDRESS */
    uint8_t rcr;                /* CF9h reset control register (PIIX) */
    uint8_t reset_requested;    /* RCR: a reset was requested (the board resets) */
    struct pci_func *fn[256];   /* by devfn */
    /* the board maps (map=1, at r->base) or unmaps (map=0) a region; returns
     * 0, or -1 when the range cannot be mapped (it then stays unmapped) */
    int (*map)(void *opaque, struct pci_func *f, struct pci_region *r, int map);
    void *map_opaque;
};

extern const struct io_ops pci_conf_ops;   /* CF8h-CFFh, 8 ports */
extern const struct state_table pci_bus_state;

void pci_bus_init(struct pci_bus *b);
/* Set up a function's identity: IDs, class code (base << 16 | sub << 8 | prog-if),
 * revision and header type; the standard writable bits. */
void pci_func_init(struct pci_func *f, uint16_t vendor, uint16_t device, uint32_t class_code, uint8_t rev,
                   uint8_t header_type);
/* Put a function on the bus at devfn; returns 0, or -1 when the slot is taken. */
int pci_bus_add(struct pci_bus *b, struct pci_func *f, uint8_t devfn, const char *name);
/* A standard BAR n (10h + 4n) of a power-of-two size (I/O: decoded below 10000h). */
void pci_func_bar(struct pci_func *f, int n, enum pci_region_type type, uint32_t size, const struct io_ops *ops,
                  void *opaque, const char *name);
/* A 32-bit memory BAR n that is prefetchable (bit 3 set, read-only). */
void pci_func_bar_prefetch(struct pci_func *f, int n);
/* The expansion ROM BAR at 30h, as region n: bytes holds size bytes, size a
 * power of two of at least 2 KiB (else nothing is set up).  A function
 * without one reads 0 there. */
void pci_func_rom(struct pci_func *f, int n, uint32_t size, uint8_t *bytes, const char *name);
/* A region decoded from another base register and enable bit (e.g. PMBA). */
void pci_func_region(struct pci_func *f, int n, enum pci_region_type type, uint32_t size, uint8_t reg,
                     uint8_t en_reg, uint8_t en_bit, const struct io_ops *ops, void *opaque, const char *name);
/* Bring the board's mappings in line with the configuration space (after a
 * write, a reset or a snapshot load). */
void pci_func_update(struct pci_func *f);

/* Configuration access as the host bridge performs it (also used by the BIOS
 * and tests): size 1, 2 or 4, reg aligned to size. */
uint32_t pci_config_read(struct pci_bus *b, uint8_t devfn, uint8_t reg, int size);
void pci_config_write(struct pci_bus *b, uint8_t devfn, uint8_t reg, uint32_t val, int size);

static inline uint16_t pci_cfg16(const struct pci_func *f, int off)
{
    return (uint16_t)(f->cfg[off] | f->cfg[off + 1] << 8);
}
static inline uint32_t pci_cfg32(const struct pci_func *f, int off)
{
    return (uint32_t)pci_cfg16(f, off) | (uint32_t)pci_cfg16(f, off + 2) << 16;
}
static inline void pci_set16(struct pci_func *f, int off, uint16_t v)
{
    f->cfg[off] = (uint8_t)v;
    f->cfg[off + 1] = (uint8_t)(v >> 8);
}

#endif
