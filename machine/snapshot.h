/*
 * snapshot.h - saving and restoring the whole machine state (docs/snapshot.md).
 *
 * A snapshot holds the CPU, every device's state table, the virtual clock and
 * its pending events, the memory map's dynamic state (A20, shadow RAM, PCI
 * BAR placements), RAM and video memory.  It does not hold disk contents: the
 * disks must be the same (unchanged) images when it is loaded, as with
 * QEMU's migration on shared storage.  Loading needs a machine built with the
 * same configuration (RAM size, CPU model, devices); everything is checked
 * before anything is changed, so a bad file leaves the machine as it was.
 */
#ifndef TARSIER_SNAPSHOT_H
#define TARSIER_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

struct machine;

#define SNAPSHOT_MAGIC "TARSNAP\x1a"
#define SNAPSHOT_VERSION 1

/* Write the machine's state to path atomically (a temporary file, fsync,
 * rename).  Returns 0, or -1 with a one-line message in err. */
int snapshot_save(struct machine *m, const char *path, char *err, size_t errlen);
/* The snapshot bytes in memory (malloc'ed; the caller frees).  Returns 0 or
 * -1 when out of memory. */
int snapshot_build(struct machine *m, uint8_t **buf, size_t *len);
/* Restore the machine from path.  Returns 0, or -1 with a one-line message
 * in err and the machine unchanged. */
int snapshot_load(struct machine *m, const char *path, char *err, size_t errlen);
/* The same on a snapshot already in memory (tests; path names it in errors). */
int snapshot_load_buf(struct machine *m, const uint8_t *buf, size_t len, const char *path, char *err,
                      size_t errlen);

#endif
