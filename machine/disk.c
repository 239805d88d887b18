/*
 * disk.c - raw disk images (see disk.h).  The -snapshot overlay is a hash
 * table of modified sectors held in memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "machine/disk.h"

#define OV_BUCKETS 4096

struct ov_sector {
    struct ov_sector *next;
    uint64_t lba;
    uint8_t data[SECTOR_SIZE];
};

struct disk_overlay {
    struct ov_sector *b[OV_BUCKETS];
};

static const struct {
    uint32_t kib;
    uint16_t cyls, heads, spt;
    uint8_t type;
} floppy_geom[] = {
    { 160, 40, 1, 8, 0 },  { 180, 40, 1, 9, 0 },   { 320, 40, 2, 8, 0 },   { 360, 40, 2, 9, 1 },
    { 720, 80, 2, 9, 3 },  { 1200, 80, 2, 15, 2 }, { 1440, 80, 2, 18, 4 }, { 1680, 80, 2, 21, 4 },
    { 2880, 80, 2, 36, 5 },
};

struct disk *disk_open(const char *path, enum disk_kind kind, bool readonly, bool snapshot, char *err,
                       size_t errlen)
{
    int fd = open(path, readonly || snapshot ? O_RDONLY : O_RDWR);
    if (fd < 0 && !readonly && !snapshot && (errno == EACCES || errno == EROFS)) {
        snprintf(err, errlen, "'%s' is not writable (use readonly=on or -snapshot)", path);
        return NULL;
    }
    if (fd < 0) {
        snprintf(err, errlen, "cannot open disk image '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "disk image '%s' is not a regular file", path);
        close(fd);
        return NULL;
    }
    uint64_t size = (uint64_t)st.st_size;
    if (kind == DISK_CDROM && (size < CD_SECTOR_SIZE || size % CD_SECTOR_SIZE)) {
        snprintf(err, errlen, "CD image '%s' is %llu bytes, not a non-zero multiple of 2048", path,
                 (unsigned long long)size);
        close(fd);
        return NULL;
    }
    if (size == 0 || size % SECTOR_SIZE) {
        snprintf(err, errlen, "disk image '%s' is %llu bytes, not a non-zero multiple of 512", path,
                 (unsigned long long)size);
        close(fd);
        return NULL;
    }
    struct disk *d = calloc(1, sizeof(*d));
    if (!d) {
        close(fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->fd = fd;
    d->path = strdup(path);
    d->kind = kind;
    d->sectors = size / SECTOR_SIZE;
    d->readonly = readonly || kind == DISK_CDROM;
    d->snapshot = snapshot;
    if (kind == DISK_FLOPPY) {
        uint32_t kib = (uint32_t)(size / 1024);
        unsigned k;
        for (k = 0; k < sizeof(floppy_geom) / sizeof(floppy_geom[0]); k++)
            if (floppy_geom[k].kib == kib && size % 1024 == 0)
                break;
        if (k == sizeof(floppy_geom) / sizeof(floppy_geom[0])) {
            snprintf(err, errlen, "floppy image '%s' is %llu bytes: not a known floppy size (160 KiB .. 2.88 MiB)",
                     path, (unsigned long long)size);
            disk_close(d);
            return NULL;
        }
        d->cyls = floppy_geom[k].cyls;
        d->heads = floppy_geom[k].heads;
        d->spt = floppy_geom[k].spt;
        d->floppy_type = floppy_geom[k].type ? floppy_geom[k].type : 1;
    } else if (kind == DISK_HD) {
        /* LBA-assisted translation as PC BIOSes do: 63 sectors, heads 16..255 */
        uint64_t n = d->sectors;
        uint16_t heads = 16;
        while (heads < 255 && n / (heads * 63ull) > 1024)
            heads = heads >= 128 ? 255 : (uint16_t)(heads * 2);
        d->heads = heads;
        d->spt = 63;
        uint64_t cyl = n / (heads * 63ull);
        d->cyls = (uint16_t)(cyl > 1024 ? 1024 : cyl ? cyl : 1);
    }
    if (snapshot) {
        d->ov = calloc(1, sizeof(*d->ov));
        if (!d->ov) {
            disk_close(d);
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
    }
    return d;
}

static struct ov_sector *ov_find(struct disk_overlay *ov, uint64_t lba)
{
    for (struct ov_sector *s = ov->b[lba % OV_BUCKETS]; s; s = s->next)
        if (s->lba == lba)
            return s;
    return NULL;
}

size_t disk_overlay_each(const struct disk *d, void (*fn)(void *opaque, uint64_t lba, const uint8_t *data),
                         void *opaque)
{
    size_t n = 0;
    for (unsigned k = 0; d->ov && k < OV_BUCKETS; k++)
        for (const struct ov_sector *s = d->ov->b[k]; s; s = s->next, n++)
            if (fn)
                fn(opaque, s->lba, s->data);
    return n;
}

void disk_overlay_clear(struct disk *d)
{
    for (unsigned k = 0; d->ov && k < OV_BUCKETS; k++) {
        struct ov_sector *s = d->ov->b[k];
        while (s) {
            struct ov_sector *n = s->next;
            free(s);
            s = n;
        }
        d->ov->b[k] = NULL;
    }
}

void disk_close(struct disk *d)
{
    if (!d)
        return;
    if (d->fd >= 0) {
        if (!d->readonly && !d->snapshot)
            fsync(d->fd);
        close(d->fd);
    }
    if (d->ov) {
        disk_overlay_clear(d);
        free(d->ov);
    }
    free(d->path);
    free(d);
}

int disk_read(struct disk *d, uint64_t lba, uint32_t count, void *buf)
{
    if (lba >= d->sectors || count > d->sectors - lba)
        return -1;
    uint8_t *p = buf;
    for (uint32_t k = 0; k < count; k++, p += SECTOR_SIZE) {
        struct ov_sector *s = d->ov ? ov_find(d->ov, lba + k) : NULL;
        if (s) {
            memcpy(p, s->data, SECTOR_SIZE);
            continue;
        }
        ssize_t r = pread(d->fd, p, SECTOR_SIZE, (off_t)((lba + k) * SECTOR_SIZE));
        if (r != SECTOR_SIZE)
            return -1;
    }
    return 0;
}

int disk_write(struct disk *d, uint64_t lba, uint32_t count, const void *buf)
{
    if (d->readonly || lba >= d->sectors || count > d->sectors - lba)
        return -1;
    const uint8_t *p = buf;
    for (uint32_t k = 0; k < count; k++, p += SECTOR_SIZE) {
        if (d->ov) {
            struct ov_sector *s = ov_find(d->ov, lba + k);
            if (!s) {
                s = malloc(sizeof(*s));
                if (!s)
                    return -1;
                s->lba = lba + k;
                s->next = d->ov->b[(lba + k) % OV_BUCKETS];
                d->ov->b[(lba + k) % OV_BUCKETS] = s;
            }
            memcpy(s->data, p, SECTOR_SIZE);
            continue;
        }
        ssize_t r = pwrite(d->fd, p, SECTOR_SIZE, (off_t)((lba + k) * SECTOR_SIZE));
        if (r != SECTOR_SIZE)
            return -1;
    }
    return 0;
}

int disk_flush(struct disk *d)
{
    if (d->readonly || d->snapshot)
        return 0;
    return fsync(d->fd) ? -1 : 0;
}
