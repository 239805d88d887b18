/*
 * pcibios.h - the built-in BIOS's PCI side: POST enumeration and resource
 * assignment, the PCI BIOS (INT 1Ah AH=B1h and the 32-bit entry found
 * through the BIOS32 service directory) and the ACPI tables (acpi.c).
 */
#ifndef TARSIER_PCIBIOS_H
#define TARSIER_PCIBIOS_H

#include "bios/bios.h"

/* Where POST puts things (documented in docs/architecture.md). */
#define PCIBIOS_IO_BASE 0xC000u       /* first I/O BAR address */
#define PCIBIOS_MEM_BASE 0xE0000000u  /* first memory BAR address */
#define PCIBIOS_PMBA 0x0600u          /* PIIX4 PM I/O block */
#define PCIBIOS_ROM_OFF 0xD800u       /* ROM offset of the BIOS32 header and entries */
#define ACPI_TABLES_BASE 0xE0000u     /* RSDP, FACS, RSDT, FADT, DSDT in the E segment */
#define ACPI_TABLES_SIZE 0x1000u

/* ROM part: the "_32_" BIOS32 service directory header and the 32-bit stubs. */
void bios_pci_rom(struct bios *b);
/* POST: enumerate bus 0, assign BARs, route PIRQs, enable the PM block. */
void bios_pci_init(struct bios *b);
/* The linear frame buffer address of the display function (class 0300h,
 * BAR0) as POST or the OS placed it; 0 when there is none or its memory
 * decode is off. */
uint32_t bios_pci_lfb(struct bios *b);
/* INT 1Ah AH=B1h from real or v86 mode (CF in the IRET image). */
void bios_pcibios_int1a(struct bios *b, struct cpu *c);
/* The 32-bit entries: return nonzero for CF=1. */
int bios_bios32_call(struct bios *b, struct cpu *c);
int bios_pci32_call(struct bios *b, struct cpu *c);
/* POST: build the ACPI tables at ACPI_TABLES_BASE (acpi.c). */
void bios_acpi_build(struct bios *b);

#endif
