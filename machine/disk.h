/*
 * disk.h - disk-image backends: raw images read and written in 512-byte
 * sectors, read-only media, and -snapshot mode (writes kept in memory).
 * Floppy geometry is derived from the image size (160 KiB to 2.88 MiB); hard
 * disks get a BIOS-style translated CHS geometry.  Writes reach the image
 * before disk_close returns (fsync), so nothing is lost at exit.
 */
#ifndef TARSIER_DISK_H
#define TARSIER_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SECTOR_SIZE 512
#define CD_SECTOR_SIZE 2048      /* CD images (DISK_CDROM): read-only, a multiple of 2048 bytes */

enum disk_kind { DISK_FLOPPY, DISK_HD, DISK_CDROM };

struct disk_overlay;

struct disk {
    int fd;
    char *path;
    enum disk_kind kind;
    uint64_t sectors;        /* 512-byte sectors (CD-ROMs: 2048-byte sectors * 4) */
    bool readonly;
    bool snapshot;           /* writes go to the overlay, never to the file */
    struct disk_overlay *ov;
    uint16_t cyls, heads, spt;   /* CHS geometry (BIOS view) */
    uint8_t floppy_type;     /* CMOS type: 1 360K, 2 1.2M, 3 720K, 4 1.44M, 5 2.88M; 0 other */
    bool changed;            /* media change line (floppies) */
};

/* Open an image.  Returns NULL with a message in err on failure (missing
 * file, size not a multiple of 512, unknown floppy size, ...). */
struct disk *disk_open(const char *path, enum disk_kind kind, bool readonly, bool snapshot, char *err,
                       size_t errlen);
void disk_close(struct disk *d);
/* Read or write count sectors at lba; return 0 or -1 (out of range, I/O error,
 * write to read-only media). */
int disk_read(struct disk *d, uint64_t lba, uint32_t count, void *buf);
int disk_write(struct disk *d, uint64_t lba, uint32_t count, const void *buf);
int disk_flush(struct disk *d);
/* The -snapshot overlay (machine snapshots): call fn for each sector held in
 * it (in no particular order), or drop every sector.  Returns the count. */
size_t disk_overlay_each(const struct disk *d, void (*fn)(void *opaque, uint64_t lba, const uint8_t *data),
                         void *opaque);
void disk_overlay_clear(struct disk *d);

#endif
