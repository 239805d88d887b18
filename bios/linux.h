/*
 * linux.h - the Linux boot-protocol loader used by the built-in BIOS.
 */
#ifndef TARSIER_LINUX_H
#define TARSIER_LINUX_H

#include <stddef.h>

#include "cpu/cpu.h"
#include "machine/memmap.h"

/* Place a bzImage (and an optional initrd and command line) in guest RAM.
 * Returns 0, or -1 with a message naming the file and the reason. */
int linux_load(struct memmap *mem, const char *kernel, const char *initrd, const char *cmdline, char *err,
               size_t errlen);
/* Read a whole kernel/initrd/module file (at most 512 MiB) into a malloc'd
 * buffer; NULL with a message naming WHAT (e.g. "-kernel") and the file. */
uint8_t *loader_read_file(const char *path, size_t *len, const char *what, char *err, size_t errlen);
/* Set the CPU up to enter the kernel's real-mode setup code. */
void linux_enter(struct cpu *c);

#endif
