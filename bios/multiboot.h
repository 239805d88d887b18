/*
 * multiboot.h - the Multiboot v1 loader used by the built-in BIOS.
 */
#ifndef TARSIER_MULTIBOOT_H
#define TARSIER_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "machine/memmap.h"

struct multiboot_entry {
    uint32_t entry; /* physical entry point */
    uint32_t info;  /* physical address of the information structure (EBX) */
};

/* Offset of a valid Multiboot header in the first 8 KiB of K, or -1. */
int multiboot_find_header(const uint8_t *k, size_t len);
/* Place the kernel K (read from PATH), its modules ("file args,file2...",
 * may be NULL) and command line in guest RAM and build the information
 * structure.  Returns 0, or -1 with a message naming the file and the reason. */
int multiboot_load(struct memmap *mem, const uint8_t *k, size_t klen, const char *path, const char *modules,
                   const char *cmdline, struct multiboot_entry *out, char *err, size_t errlen);
/* Enter the kernel: 32-bit flat protected mode, EAX = 2BADB002h, EBX = info. */
void multiboot_enter(struct cpu *c, struct memmap *mem, const struct multiboot_entry *e);

#endif
