/*
 * stdvga_pci.h - the PCI side of the VGA: display function 00:02.0, the
 * Bochs/QEMU "standard VGA" identity (1234:1111, class 030000h) with the
 * linear frame buffer as BAR0 and an optional expansion ROM (a video BIOS
 * such as SeaBIOS's vgabios-stdvga.bin) behind the ROM BAR at 30h.
 */
#ifndef TARSIER_STDVGA_PCI_H
#define TARSIER_STDVGA_PCI_H

#include <stddef.h>
#include <stdint.h>

#include "devices/pci.h"
#include "devices/vga.h"

#define STDVGA_VENDOR 0x1234
#define STDVGA_DEVICE 0x1111
#define STDVGA_LFB_BAR 0          /* region 0: BAR0, the frame buffer */
#define STDVGA_ROM_REGION 1       /* region 1: the expansion ROM BAR */
#define STDVGA_ROM_MAX (256u << 10)

struct stdvga_pci {
    struct pci_func pci;
    uint8_t *rom;                 /* rom_size bytes: the image, zero-padded (NULL: no ROM) */
    uint32_t rom_size;            /* the image's length rounded up to a power of two */
};

/* Set up the function over the VGA v; with rom (len bytes, 1 to
 * STDVGA_ROM_MAX) the ROM BAR serves a copy of it.  Returns 0, or -1 when
 * the ROM is too large or cannot be allocated. */
int stdvga_pci_init(struct stdvga_pci *s, struct vga *v, const uint8_t *rom, size_t len);
void stdvga_pci_free(struct stdvga_pci *s);
/* Read a video BIOS image from path for stdvga_pci_init; returns a malloc'd
 * buffer (caller frees) or NULL with a one-line message naming the file. */
uint8_t *stdvga_pci_read_rom(const char *path, size_t *len, char *err, size_t errlen);

extern const struct state_table stdvga_pci_state;

#endif
