/*
 * stdvga_pci.c - the VGA's PCI display function, with the identity and
 * layout of the Bochs/QEMU standard VGA (vendor 1234h, device 1111h, class
 * 030000h, as documented in QEMU's "standard VGA" specification) and the
 * PCI Local Bus Specification 2.1 (6.2.5.1 base address registers, 6.2.5.2
 * the expansion ROM base address register, 6.3 PCI expansion ROMs).
 *
 * BAR0 is the linear frame buffer: 16 MiB, 32-bit, prefetchable memory,
 * served by vga_lfb_ops wherever the BAR places it while memory decode is
 * on.  The expansion ROM BAR (30h) is implemented only when the board was
 * given a video BIOS image: its size is the image rounded up to a power of
 * two (at least 2 KiB), bit 0 enables decode (with the command register's
 * memory enable), and the bytes are read-only; the firmware copies them to
 * C0000h and runs them.  Without an image the register reads 0.
 * Left out: QEMU's MMIO BAR2 (the dispi and VGA registers in memory space;
 * the dispi interface stays at ports 1CEh/1CFh), interrupts (no INTx#), and
 * gating of the legacy VGA ranges (3B0h-3DFh, A0000h-BFFFFh) by the command
 * register: they always decode, as on the emulated standard VGA.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/stdvga_pci.h"

int stdvga_pci_init(struct stdvga_pci *s, struct vga *v, const uint8_t *rom, size_t len)
{
    struct pci_func *f = &s->pci;
    s->rom = NULL;
    s->rom_size = 0;
    pci_func_init(f, STDVGA_VENDOR, STDVGA_DEVICE, 0x030000, 0x00, 0x00);
    f->dev = s;
    f->wmask[PCI_COMMAND] = PCI_CMD_IO | PCI_CMD_MEM; /* no bus mastering, no parity */
    f->wmask[PCI_COMMAND + 1] = 0;
    f->wmask[0x0C] = 0;                               /* no cache line size register */
    pci_func_bar(f, STDVGA_LFB_BAR, PCI_REGION_MEM, VGA_VRAM_SIZE, &vga_lfb_ops, v, "vga-lfb");
    pci_func_bar_prefetch(f, STDVGA_LFB_BAR);
    if (!rom || len == 0)
        return 0;
    if (len > STDVGA_ROM_MAX)
        return -1;
    uint32_t size = 0x800;
    while (size < len)
        size <<= 1;
    s->rom = calloc(1, size);
    if (!s->rom)
        return -1;
    memcpy(s->rom, rom, len);
    s->rom_size = size;
    pci_func_rom(f, STDVGA_ROM_REGION, size, s->rom, "vga-rom");
    return 0;
}

void stdvga_pci_free(struct stdvga_pci *s)
{
    free(s->rom);
    s->rom = NULL;
    s->rom_size = 0;
}

uint8_t *stdvga_pci_read_rom(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "-vga-bios: cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    /* read one byte past the limit to tell an oversized file (also pipes) */
    uint8_t *buf = malloc(STDVGA_ROM_MAX + 1);
    size_t n = buf ? fread(buf, 1, STDVGA_ROM_MAX + 1, f) : 0;
    int bad = !buf || ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "-vga-bios: cannot read '%s'", path);
        free(buf);
        return NULL;
    }
    if (n == 0 || n > STDVGA_ROM_MAX) {
        if (n)
            snprintf(err, errlen, "-vga-bios: '%s' is larger than %u KiB (the expansion ROM limit)", path,
                     STDVGA_ROM_MAX >> 10);
        else
            snprintf(err, errlen, "-vga-bios: '%s' is empty", path);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static const struct state_field stdvga_pci_fields[] = {
    STATE_ARRAY(struct stdvga_pci, pci.cfg, ST_BYTES, 256),
    STATE_END
};
const struct state_table stdvga_pci_state = { "stdvga-pci", 1, stdvga_pci_fields };
