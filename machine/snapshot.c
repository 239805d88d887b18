/*
 * snapshot.c - machine snapshots (see snapshot.h; the format is in
 * docs/snapshot.md).
 *
 * File: the 8-byte magic, u32 format version, u32 section count, the
 * sections, then a u32 CRC-32 of everything before it.  A section is a
 * 16-byte NUL-padded name, u32 version, u32 reserved (0), u64 length and that
 * many bytes.  All integers little-endian.  Sections: "config" (what the
 * machine must match), "clock", "memmap" (A20 and shadow RAM; PCI BAR
 * placements follow from the restored configuration spaces), "cpu", "board"
 * (COM1's recent output and queued scripted input), one per
 * device state table (named as machine_devices() names them), "ram" and
 * "vram" (zlib), "disks" (what is in each slot) and "overlay-SLOT" for each
 * -snapshot disk (the sectors written so far, zlib).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cpu/block.h"
#include "machine/disk.h"
#include "machine/machine.h"
#include "machine/snapshot.h"
#include "machine/state.h"

#define NAME_LEN 16
#define HDR_LEN (NAME_LEN + 16)
#define MAX_SECTIONS 64
#define MODEL_LEN 32

/* ---- a growing output buffer ---- */

struct out {
    uint8_t *p;
    size_t len, cap;
    int failed;
};

static uint8_t *out_room(struct out *o, size_t n)
{
    if (o->failed)
        return NULL;
    if (o->len + n > o->cap) {
        size_t cap = o->cap ? o->cap : 1 << 20;
        while (cap < o->len + n)
            cap *= 2;
        uint8_t *q = realloc(o->p, cap);
        if (!q) {
            o->failed = 1;
            return NULL;
        }
        o->p = q;
        o->cap = cap;
    }
    uint8_t *r = o->p + o->len;
    o->len += n;
    return r;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int k = 0; k < n; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static uint64_t get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int k = 0; k < n; k++)
        v |= (uint64_t)p[k] << (8 * k);
    return v;
}

static void out_u(struct out *o, uint64_t v, int n)
{
    uint8_t *p = out_room(o, (size_t)n);
    if (p)
        put_le(p, v, n);
}

/* Start a section; returns the offset of its length field (patched by end). */
static size_t sec_begin(struct out *o, const char *name, uint32_t version)
{
    uint8_t *p = out_room(o, HDR_LEN);
    if (!p)
        return 0;
    memset(p, 0, HDR_LEN);
    strncpy((char *)p, name, NAME_LEN);
    put_le(p + NAME_LEN, version, 4);
    return o->len - 8;
}

static void sec_end(struct out *o, size_t lenpos)
{
    if (!o->failed)
        put_le(o->p + lenpos, o->len - lenpos - 8, 8);
}

static void sec_table(struct out *o, const char *name, const struct state_table *t, const void *obj)
{
    size_t at = sec_begin(o, name, t->version);
    uint8_t *p = out_room(o, state_size(t));
    if (p)
        state_save(t, obj, p);
    sec_end(o, at);
}

static void sec_zlib(struct out *o, const char *name, const uint8_t *data, size_t len)
{
    size_t at = sec_begin(o, name, 1);
    out_u(o, len, 8);
    uLongf zl = compressBound((uLong)len);
    uint8_t *p = out_room(o, zl);
    if (p && compress2(p, &zl, data, (uLong)len, 1) != Z_OK)
        o->failed = 1;
    if (!o->failed)
        o->len -= compressBound((uLong)len) - zl; /* give back what compression saved */
    sec_end(o, at);
}

/* ---- the machine's parts ---- */

/* The board's own state: COM1's recent output (what wait-serial searches)
 * and the input queued for COM1's receiver (type-serial) */
static const struct state_field board_fields[] = {
    STATE_FIELD(struct machine, serial_len, ST_U32),
    STATE_ARRAY(struct machine, serial_log, ST_BYTES, MACHINE_SERIAL_LOG),
    STATE_ARRAY(struct machine, serial_in, ST_BYTES, MACHINE_SERIAL_IN),
    STATE_FIELD(struct machine, serial_in_head, ST_U32),
    STATE_FIELD(struct machine, serial_in_len, ST_U32),
    STATE_END
};
static const struct state_table board_state = { "board", 1, board_fields };

static void config_bytes(struct machine *m, struct out *o)
{
    out_u(o, m->mem.ram_size, 4);
    out_u(o, m->clock.ns_per_insn, 4);
    uint8_t *p = out_room(o, MODEL_LEN);
    if (p) {
        memset(p, 0, MODEL_LEN);
        strncpy((char *)p, m->cpu.model->name, MODEL_LEN - 1);
    }
    out_u(o, (uint64_t)m->clock.nev, 4);
    for (int k = 0; k < m->clock.nev; k++) {
        const char *n = m->clock.ev[k].name ? m->clock.ev[k].name : "";
        uint8_t *q = out_room(o, strlen(n) + 1);
        if (q)
            memcpy(q, n, strlen(n) + 1);
    }
}

/* The machine's disk slots: fd0, fd1, then the four IDE slots. */
#define NSLOTS 6
static const char *const slot_name[NSLOTS] = { "fd0", "fd1", "ide0", "ide1", "ide2", "ide3" };

static struct disk *slot_disk(struct machine *m, int k)
{
    return k < 2 ? m->fd[k] : m->ide_disk[k - 2];
}

/* per slot: u8 present, u8 kind, u8 -snapshot, u64 sectors */
static void disks_bytes(struct machine *m, struct out *o)
{
    for (int k = 0; k < NSLOTS; k++) {
        const struct disk *d = slot_disk(m, k);
        out_u(o, d != NULL, 1);
        out_u(o, d ? d->kind : 0, 1);
        out_u(o, d && d->snapshot, 1);
        out_u(o, d ? d->sectors : 0, 8);
    }
}

static void put_sector(void *opaque, uint64_t lba, const uint8_t *data)
{
    struct out *o = opaque;
    out_u(o, lba, 8);
    uint8_t *p = out_room(o, SECTOR_SIZE);
    if (p)
        memcpy(p, data, SECTOR_SIZE);
}

static void build(struct machine *m, struct out *o)
{
    uint8_t *mg = out_room(o, 8);
    if (mg)
        memcpy(mg, SNAPSHOT_MAGIC, 8);
    out_u(o, SNAPSHOT_VERSION, 4);
    size_t count_at = o->len;
    out_u(o, 0, 4);
    unsigned n = 0;

    size_t at = sec_begin(o, "config", 1);
    config_bytes(m, o);
    sec_end(o, at);
    n++;

    at = sec_begin(o, "clock", 1);
    out_u(o, m->clock.now, 8);
    for (int k = 0; k < m->clock.nev; k++)
        out_u(o, m->clock.ev[k].when, 8);
    sec_end(o, at);
    n++;

    at = sec_begin(o, "memmap", 1);
    out_u(o, m->mem.a20_mask, 4);
    uint8_t *p = out_room(o, MEMMAP_SHADOW_BLOCKS);
    if (p)
        memcpy(p, m->mem.shadow, MEMMAP_SHADOW_BLOCKS);
    sec_end(o, at);
    n++;

    sec_table(o, "cpu", &cpu_state, &m->cpu);
    sec_table(o, "board", &board_state, m);
    n += 2;
    struct machine_device d[MAX_SECTIONS];
    int nd = machine_devices(m, d, MAX_SECTIONS);
    for (int k = 0; k < nd && k < MAX_SECTIONS; k++, n++)
        sec_table(o, d[k].name, d[k].state, d[k].obj);
    at = sec_begin(o, "disks", 1);
    disks_bytes(m, o);
    sec_end(o, at);
    n++;
    /* -snapshot disks: the sectors written so far (the overlay), compressed */
    for (int k = 0; k < NSLOTS; k++) {
        struct disk *d = slot_disk(m, k);
        if (!d || !d->ov)
            continue;
        struct out raw = { 0 };
        disk_overlay_each(d, put_sector, &raw);
        char name[NAME_LEN];
        snprintf(name, sizeof(name), "overlay-%s", slot_name[k]);
        if (raw.failed)
            o->failed = 1;
        else
            sec_zlib(o, name, raw.p ? raw.p : (const uint8_t *)"", raw.len);
        free(raw.p);
        n++;
    }
    sec_zlib(o, "ram", m->mem.ram, m->mem.ram_size);
    sec_zlib(o, "vram", m->vga.vram, VGA_VRAM_SIZE);
    n += 2;
    if (!o->failed)
        put_le(o->p + count_at, n, 4);
    out_u(o, crc32(0, o->p, (uInt)(o->failed ? 0 : o->len)), 4);
}

int snapshot_build(struct machine *m, uint8_t **buf, size_t *len)
{
    struct out o = { 0 };
    build(m, &o);
    if (o.failed) {
        free(o.p);
        return -1;
    }
    *buf = o.p;
    *len = o.len;
    return 0;
}

int snapshot_save(struct machine *m, const char *path, char *err, size_t errlen)
{
    struct out o = { 0 };
    if (snapshot_build(m, &o.p, &o.len)) {
        snprintf(err, errlen, "snapshot %s: out of memory", path);
        return -1;
    }
    char tmp[4096];
    if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
        free(o.p);
        snprintf(err, errlen, "snapshot: path too long");
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    size_t done = 0;
    while (fd >= 0 && done < o.len) {
        ssize_t w = write(fd, o.p + done, o.len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    int bad = fd < 0 || done != o.len || fsync(fd) != 0;
    int e = errno;
    if (fd >= 0 && close(fd) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (!bad && rename(tmp, path) != 0) {
        bad = 1;
        e = errno;
    }
    free(o.p);
    if (bad) {
        if (fd >= 0)
            unlink(tmp);
        snprintf(err, errlen, "snapshot %s: cannot write: %s", path, strerror(e));
        return -1;
    }
    return 0;
}

/* ---- loading ---- */

struct sec {
    char name[NAME_LEN + 1];
    uint32_t version;
    const uint8_t *p;
    size_t len;
};

static const struct sec *find(const struct sec *s, int n, const char *name)
{
    for (int k = 0; k < n; k++)
        if (!strcmp(s[k].name, name))
            return &s[k];
    return NULL;
}

#define FAIL(...)                                          \
    do {                                                   \
        int n_ = snprintf(err, errlen, "snapshot %s: ", path); \
        if (n_ >= 0 && (size_t)n_ < errlen)                \
            snprintf(err + n_, errlen - (size_t)n_, __VA_ARGS__); \
        goto fail;                                         \
    } while (0)

/* A zlib section of unknown length (at most max bytes): malloc'ed data. */
static uint8_t *unzip_any(const struct sec *s, size_t max, size_t *len)
{
    if (s->len < 8 || get_le(s->p, 8) > max)
        return NULL;
    *len = (size_t)get_le(s->p, 8);
    uint8_t *b = malloc(*len ? *len : 1);
    uLongf got = (uLongf)*len;
    if (b && (uncompress(b, &got, s->p + 8, (uLong)(s->len - 8)) != Z_OK || got != *len)) {
        free(b);
        return NULL;
    }
    return b;
}

static int unzip(const struct sec *s, uint8_t *dst, size_t want)
{
    if (s->len < 8 || get_le(s->p, 8) != want)
        return -1;
    uLongf got = (uLongf)want;
    return uncompress(dst, &got, s->p + 8, (uLong)(s->len - 8)) == Z_OK && got == want ? 0 : -1;
}

int snapshot_load_buf(struct machine *m, const uint8_t *buf, size_t len, const char *path, char *err,
                      size_t errlen)
{
    struct sec s[MAX_SECTIONS];
    int ns = 0;
    uint8_t *ram = NULL, *vram = NULL, *ov[NSLOTS] = { NULL };
    size_t ovlen[NSLOTS] = { 0 };
    struct out want = { 0 };
    if (len < 20 || memcmp(buf, SNAPSHOT_MAGIC, 8))
        FAIL("not a tarsier snapshot");
    if (get_le(buf + 8, 4) != SNAPSHOT_VERSION)
        FAIL("format version %u, this tarsier reads %u", (unsigned)get_le(buf + 8, 4), SNAPSHOT_VERSION);
    if (crc32(0, buf, (uInt)(len - 4)) != get_le(buf + len - 4, 4))
        FAIL("checksum mismatch (truncated or damaged file)");
    uint32_t count = (uint32_t)get_le(buf + 12, 4);
    if (count > MAX_SECTIONS)
        FAIL("%u sections (at most %d)", count, MAX_SECTIONS);
    size_t pos = 16, end = len - 4;
    for (uint32_t k = 0; k < count; k++) {
        if (end - pos < HDR_LEN)
            FAIL("section %u truncated", k);
        struct sec *x = &s[ns++];
        memcpy(x->name, buf + pos, NAME_LEN);
        x->name[NAME_LEN] = 0;
        x->version = (uint32_t)get_le(buf + pos + NAME_LEN, 4);
        uint64_t l = get_le(buf + pos + NAME_LEN + 8, 8);
        pos += HDR_LEN;
        if (l > end - pos)
            FAIL("section '%s' runs past the end", x->name);
        x->p = buf + pos;
        x->len = (size_t)l;
        pos += (size_t)l;
    }
    if (pos != end)
        FAIL("%zu stray bytes after the sections", end - pos);

    /* the machine must be built like the one saved */
    const struct sec *cfg = find(s, ns, "config");
    config_bytes(m, &want);
    if (want.failed)
        FAIL("out of memory");
    if (!cfg || cfg->len < 40)
        FAIL("no configuration section");
    if (get_le(cfg->p, 4) != m->mem.ram_size)
        FAIL("saved with %u MiB of RAM, this machine has %u MiB (use -m)", (unsigned)(get_le(cfg->p, 4) >> 20),
             m->mem.ram_size >> 20);
    if (strncmp((const char *)cfg->p + 8, m->cpu.model->name, MODEL_LEN))
        FAIL("saved with CPU model '%.31s', this machine is '%s' (use -cpu)", (const char *)cfg->p + 8,
             m->cpu.model->name);
    if (cfg->len != want.len || memcmp(cfg->p, want.p, want.len))
        FAIL("saved on a machine with other devices or timers (options differ)");

    const struct sec *clk = find(s, ns, "clock"), *mm = find(s, ns, "memmap");
    if (!clk || clk->len != 8 + 8 * (size_t)m->clock.nev)
        FAIL("bad or missing clock section");
    if (!mm || mm->len != 4 + MEMMAP_SHADOW_BLOCKS)
        FAIL("bad or missing memory map section");
    const struct sec *cs = find(s, ns, "cpu");
    if (!cs || cs->len != state_size(&cpu_state) || cs->version != cpu_state.version)
        FAIL("bad or missing CPU state");
    const struct sec *bs = find(s, ns, "board");
    if (!bs || bs->len != state_size(&board_state) || bs->version != board_state.version)
        FAIL("bad or missing board state");
    if (get_le(bs->p + 4 + MACHINE_SERIAL_LOG + MACHINE_SERIAL_IN, 4) >= MACHINE_SERIAL_IN ||
        get_le(bs->p + 8 + MACHINE_SERIAL_LOG + MACHINE_SERIAL_IN, 4) > MACHINE_SERIAL_IN ||
        get_le(bs->p, 4) > MACHINE_SERIAL_LOG)
        FAIL("bad serial queue in the board state");
    struct machine_device d[MAX_SECTIONS];
    int nd = machine_devices(m, d, MAX_SECTIONS);
    for (int k = 0; k < nd && k < MAX_SECTIONS; k++) {
        const struct sec *x = find(s, ns, d[k].name);
        if (!x)
            FAIL("no state for device '%s'", d[k].name);
        if (x->version != d[k].state->version)
            FAIL("device '%s' saved as version %u, this tarsier has version %u", d[k].name, x->version,
                 d[k].state->version);
        if (x->len != state_size(d[k].state))
            FAIL("device '%s': %zu bytes of state, expected %zu", d[k].name, x->len, state_size(d[k].state));
    }
    const struct sec *dk = find(s, ns, "disks");
    if (!dk || dk->len != NSLOTS * 11)
        FAIL("bad or missing disk section");
    for (int k = 0; k < NSLOTS; k++) {
        const uint8_t *q = dk->p + 11 * k;
        const struct disk *dd = slot_disk(m, k);
        uint64_t sectors = get_le(q + 3, 8);
        if (q[0] != (dd != NULL) || (dd && (q[1] != dd->kind || sectors != dd->sectors)))
            FAIL("%s: saved with %s, this machine has %s", slot_name[k],
                 q[0] ? (q[1] == DISK_CDROM ? "a CD" : "a disk") : "no disk", dd ? "another image" : "none");
        if (dd && q[2] != dd->snapshot)
            FAIL("%s: saved %s -snapshot, this machine runs %s it", slot_name[k], q[2] ? "with" : "without",
                 dd->snapshot ? "with" : "without");
        if (!dd || !dd->snapshot)
            continue;
        char name[NAME_LEN + 1];
        snprintf(name, sizeof(name), "overlay-%s", slot_name[k]);
        const struct sec *x = find(s, ns, name);
        uint64_t cap = dd->sectors * (8 + SECTOR_SIZE);
        if (!x || !(ov[k] = unzip_any(x, cap < (1ull << 34) ? (size_t)cap : (size_t)1 << 34, &ovlen[k])) ||
            ovlen[k] % (8 + SECTOR_SIZE))
            FAIL("%s: bad or missing -snapshot overlay", slot_name[k]);
        for (size_t e = 0; e < ovlen[k]; e += 8 + SECTOR_SIZE)
            if (get_le(ov[k] + e, 8) >= dd->sectors)
                FAIL("%s: overlay sector beyond the disk", slot_name[k]);
    }
    ram = malloc(m->mem.ram_size);
    vram = malloc(VGA_VRAM_SIZE);
    if (!ram || !vram)
        FAIL("out of memory");
    const struct sec *r = find(s, ns, "ram"), *v = find(s, ns, "vram");
    if (!r || unzip(r, ram, m->mem.ram_size))
        FAIL("bad or missing RAM image");
    if (!v || unzip(v, vram, VGA_VRAM_SIZE))
        FAIL("bad or missing video memory image");
    uint32_t a20 = (uint32_t)get_le(mm->p, 4);
    if (a20 != m->mem.bus_mask && a20 != (m->mem.bus_mask & ~0x100000u))
        FAIL("bad A20 mask %08x", a20);

    /* everything checked: apply */
    for (int k = 0; k < NSLOTS; k++) {
        struct disk *dd = slot_disk(m, k);
        if (!ov[k] || !dd)
            continue;
        disk_overlay_clear(dd);
        for (size_t e = 0; e < ovlen[k]; e += 8 + SECTOR_SIZE)
            disk_write(dd, get_le(ov[k] + e, 8), 1, ov[k] + e + 8);
    }
    memcpy(m->mem.ram, ram, m->mem.ram_size);
    memcpy(m->vga.vram, vram, VGA_VRAM_SIZE);
    m->mem.a20_mask = a20;
    memcpy(m->mem.shadow, mm->p + 4, MEMMAP_SHADOW_BLOCKS);
    m->clock.now = get_le(clk->p, 8);
    for (int k = 0; k < m->clock.nev; k++)
        m->clock.ev[k].when = get_le(clk->p + 8 + 8 * (size_t)k, 8);
    state_load(&cpu_state, &m->cpu, cs->p);
    state_load(&board_state, m, bs->p);
    for (int k = 0; k < nd && k < MAX_SECTIONS; k++)
        state_load(d[k].state, (void *)d[k].obj, find(s, ns, d[k].name)->p);
    machine_after_load(m);
    for (int k = 0; k < NSLOTS; k++)
        free(ov[k]);
    free(ram);
    free(vram);
    free(want.p);
    return 0;
fail:
    for (int k = 0; k < NSLOTS; k++)
        free(ov[k]);
    free(ram);
    free(vram);
    free(want.p);
    return -1;
}

int snapshot_load(struct machine *m, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "snapshot %s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            size_t nc = cap ? cap * 2 : 1 << 20;
            uint8_t *q = realloc(buf, nc);
            if (!q) {
                free(buf);
                fclose(f);
                snprintf(err, errlen, "snapshot %s: out of memory", path);
                return -1;
            }
            buf = q;
            cap = nc;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        snprintf(err, errlen, "snapshot %s: read error", path);
        return -1;
    }
    int rc = snapshot_load_buf(m, buf, len, path, err, errlen);
    free(buf);
    return rc;
}
