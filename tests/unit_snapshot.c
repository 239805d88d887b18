/*
 * unit_snapshot.c - machine snapshots (machine/snapshot.c).  Time is virtual
 * and deterministic, so a machine restored from a snapshot taken at T1 and
 * run to T2 must be, byte for byte, the machine that ran on from T1 to T2:
 * every state table, the clock's events, RAM and video memory.  FreeDOS
 * boots from its floppy with the built-in BIOS (argv[1]: the image) and the
 * snapshot is taken while it boots; a keystroke typed after the restore
 * reaches the restored guest.  Bad files are refused with the machine
 * untouched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "machine/disk.h"
#include "machine/snapshot.h"
#include "testlib.h"

static const char *image;
static char path[256];

static struct machine *freedos_cfg(uint32_t ram_mb, bool snapshot)
{
    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_mb = ram_mb;
    cfg.builtin_bios = true;
    cfg.fda = image;
    cfg.fd_readonly[0] = !snapshot;
    cfg.snapshot = snapshot;
    return testlib_create(&cfg);
}

static struct machine *freedos(uint32_t ram_mb)
{
    return freedos_cfg(ram_mb, false);
}

static void run_to(struct machine *m, double s)
{
    int st = machine_run_until(m, (uint64_t)(s * 1e9));
    ck_assert_int_eq(st, MACHINE_RUNNING);
}

/* The whole machine as bytes (the snapshot itself serves as the digest). */
static uint8_t *image_of(struct machine *m, size_t *len)
{
    uint8_t *b = NULL;
    ck_assert_int_eq(snapshot_build(m, &b, len), 0);
    return b;
}

static bool screen_has(struct machine *m, const char *text)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    machine_text_dump(m, f);
    fclose(f);
    bool ok = strstr(buf, text) != NULL;
    free(buf);
    return ok;
}

START_TEST(test_replay_equals_run_on)
{
    char err[256];
    struct machine *a = freedos(16);
    run_to(a, 0.02); /* the BIOS has loaded the boot sector; DOS is loading */
    ck_assert_int_eq(snapshot_save(a, path, err, sizeof(err)), 0);
    size_t n0;
    uint8_t *at_save = image_of(a, &n0);
    run_to(a, 2.0);
    ck_assert_msg(screen_has(a, "A:\\>"), "FreeDOS did not reach its prompt");
    size_t na;
    uint8_t *ia = image_of(a, &na);

    struct machine *b = freedos(16);
    ck_assert_msg(snapshot_load(b, path, err, sizeof(err)) == 0, "%s", err);
    size_t n1;
    uint8_t *reloaded = image_of(b, &n1);
    ck_assert_uint_eq(n1, n0);
    ck_assert_msg(!memcmp(reloaded, at_save, n0), "save -> load -> save differs");
    run_to(b, 2.0);
    size_t nb;
    uint8_t *ib = image_of(b, &nb);
    ck_assert_uint_eq(na, nb);
    ck_assert_msg(!memcmp(ia, ib, na), "the restored machine diverged from the one that ran on");
    ck_assert(screen_has(b, "A:\\>"));

    /* both take the same keystrokes the same way */
    struct machine *ms[2] = { a, b };
    for (int k = 0; k < 2; k++) {
        kbc_key(&ms[k]->kbc, 0x2A, 1); /* 'v' (set 2 make code), pressed and released */
        kbc_key(&ms[k]->kbc, 0x2A, 0);
        run_to(ms[k], 2.5);
    }
    free(ia);
    free(ib);
    ia = image_of(a, &na);
    ib = image_of(b, &nb);
    ck_assert_msg(na == nb && !memcmp(ia, ib, na), "diverged after typing");
    ck_assert(screen_has(b, "A:\\>v"));
    free(ia);
    free(ib);
    free(at_save);
    free(reloaded);
    machine_destroy(a);
    machine_destroy(b);
}
END_TEST

static int load_bytes(struct machine *m, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    return snapshot_load_buf(m, buf, len, "test.snap", err, errlen);
}

START_TEST(test_bad_snapshots)
{
    char err[256];
    struct machine *a = freedos(16);
    run_to(a, 0.02);
    size_t n;
    uint8_t *good = image_of(a, &n);
    struct machine *b = freedos(16);
    run_to(b, 0.01);
    size_t nb;
    uint8_t *before = image_of(b, &nb);
    uint8_t *bad = malloc(n);

    /* truncated anywhere: refused, machine untouched */
    size_t cuts[] = { 0, 7, 19, 40, n / 2, n - 5, n - 1 };
    for (size_t k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++) {
        ck_assert_int_eq(load_bytes(b, good, cuts[k], err, sizeof(err)), -1);
        ck_assert_msg(strstr(err, "test.snap") != NULL, "%s", err);
    }
    /* one flipped bit anywhere: the checksum catches it */
    for (size_t off = 8; off < n; off += n / 97 + 1) {
        memcpy(bad, good, n);
        bad[off] ^= 0x10;
        ck_assert_int_eq(load_bytes(b, bad, n, err, sizeof(err)), -1);
    }
    memcpy(bad, good, n);
    bad[n / 3] ^= 1;
    ck_assert_int_eq(load_bytes(b, bad, n, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "checksum") != NULL, "%s", err);
    memcpy(bad, good, n);
    memcpy(bad, "NOTASNAP", 8);
    ck_assert_int_eq(load_bytes(b, bad, n, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "not a tarsier snapshot") != NULL, "%s", err);
    size_t n2;
    uint8_t *after = image_of(b, &n2);
    ck_assert_msg(n2 == nb && !memcmp(after, before, nb), "a refused snapshot changed the machine");
    free(after);

    /* another RAM size: refused with the reason */
    struct machine *c = freedos(32);
    ck_assert_int_eq(load_bytes(c, good, n, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "16 MiB of RAM") && strstr(err, "32 MiB"), "%s", err);
    /* a missing file */
    ck_assert_int_eq(snapshot_load(c, "/nonexistent/x.snap", err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "cannot open") != NULL, "%s", err);
    /* the good one still loads */
    ck_assert_msg(load_bytes(b, good, n, err, sizeof(err)) == 0, "%s", err);
    free(good);
    free(bad);
    free(before);
    machine_destroy(a);
    machine_destroy(b);
    machine_destroy(c);
}
END_TEST

/* A -snapshot disk's written sectors travel with the snapshot; a machine
 * whose disks differ refuses it. */
START_TEST(test_disk_overlay)
{
    char err[256];
    struct machine *a = freedos_cfg(16, true);
    run_to(a, 0.02);
    uint8_t sec[SECTOR_SIZE], back[SECTOR_SIZE], orig[SECTOR_SIZE];
    ck_assert_int_eq(disk_read(a->fd[0], 100, 1, orig), 0);
    for (int k = 0; k < SECTOR_SIZE; k++)
        sec[k] = (uint8_t)(k * 7 + 3);
    ck_assert_int_eq(disk_write(a->fd[0], 100, 1, sec), 0);
    ck_assert_int_eq(disk_write(a->fd[0], 1439, 1, sec), 0);
    size_t n;
    uint8_t *snap = image_of(a, &n);

    struct machine *b = freedos_cfg(16, true);
    ck_assert_int_eq(disk_write(b->fd[0], 5, 1, sec), 0); /* replaced by the snapshot's overlay */
    ck_assert_msg(snapshot_load_buf(b, snap, n, "t", err, sizeof(err)) == 0, "%s", err);
    ck_assert_int_eq(disk_read(b->fd[0], 100, 1, back), 0);
    ck_assert(!memcmp(back, sec, SECTOR_SIZE));
    ck_assert_int_eq(disk_read(b->fd[0], 1439, 1, back), 0);
    ck_assert(!memcmp(back, sec, SECTOR_SIZE));
    ck_assert_int_eq(disk_read(b->fd[0], 5, 1, back), 0);
    ck_assert(memcmp(back, sec, SECTOR_SIZE) != 0);
    ck_assert_uint_eq(disk_overlay_each(b->fd[0], NULL, NULL), 2);
    /* and the restored machine runs on as the saved one */
    run_to(a, 1.5);
    run_to(b, 1.5);
    size_t na, nb;
    uint8_t *ia = image_of(a, &na), *ib = image_of(b, &nb);
    ck_assert(na == nb && !memcmp(ia, ib, na));
    free(ia);
    free(ib);

    /* the same image without -snapshot: refused, with the reason */
    struct machine *c = freedos(16);
    ck_assert_int_eq(snapshot_load_buf(c, snap, n, "t", err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "fd0: saved with -snapshot") != NULL, "%s", err);
    ck_assert_int_eq(disk_read(c->fd[0], 100, 1, back), 0);
    ck_assert(!memcmp(back, orig, SECTOR_SIZE));
    /* no floppy at all */
    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_mb = 16;
    cfg.builtin_bios = true;
    struct machine *d = testlib_create(&cfg);
    ck_assert_int_eq(snapshot_load_buf(d, snap, n, "t", err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "fd0: saved with a disk, this machine has none") != NULL, "%s", err);
    free(snap);
    machine_destroy(a);
    machine_destroy(b);
    machine_destroy(c);
    machine_destroy(d);
}
END_TEST

/* Crafted files: random bytes changed in the state sections and the
 * checksum fixed up, so that the loader takes them.  Whatever the values,
 * loading and running on must not crash the host (the sanitizer build
 * checks every access). */
START_TEST(test_crafted_state)
{
    char err[256];
    struct machine *a = freedos(16);
    run_to(a, 0.3);
    size_t n;
    uint8_t *good = image_of(a, &n);
    /* the bytes of the state sections (not the config, the COM1 log or the
     * memory images), walked through the section headers */
    size_t spans[64][2];
    int nspans = 0;
    size_t total = 0;
    for (size_t pos = 16; pos + 32 <= n - 4 && nspans < 64;) {
        size_t len = 0;
        for (int k = 0; k < 8; k++)
            len |= (size_t)good[pos + 24 + (size_t)k] << (8 * k);
        const char *name = (const char *)good + pos;
        if (strcmp(name, "config") && strcmp(name, "board") && strcmp(name, "ram") && strcmp(name, "vram")) {
            spans[nspans][0] = pos + 32;
            spans[nspans][1] = len;
            total += len;
            nspans++;
        }
        pos += 32 + len;
    }
    ck_assert_int_gt(nspans, 15);
    uint8_t *bad = malloc(n);
    uint32_t seed = 12345;
    int loaded = 0;
    for (int round = 0; round < 100; round++) {
        memcpy(bad, good, n);
        int flips = 1 + round % 8;
        for (int k = 0; k < flips; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 4) % total;
            int sp = 0;
            while (at >= spans[sp][1])
                at -= spans[sp++][1];
            at += spans[sp][0];
            seed = seed * 1103515245u + 12345u;
            bad[at] = (uint8_t)(seed >> 16);
        }
        uint32_t crc = (uint32_t)crc32(0, bad, (unsigned)(n - 4));
        for (int k = 0; k < 4; k++)
            bad[n - 4 + (size_t)k] = (uint8_t)(crc >> (8 * k));
        struct machine *b = freedos(16);
        if (snapshot_load_buf(b, bad, n, "crafted", err, sizeof(err)) == 0) {
            loaded++;
            machine_run_until(b, machine_now(b) + 20000000); /* 20 ms; any status */
            kbc_key(&b->kbc, 0x1C, 1);
            machine_run_until(b, machine_now(b) + 20000000);
        }
        machine_destroy(b);
    }
    ck_assert_int_gt(loaded, 50); /* most got through to the devices */
    free(bad);
    free(good);
    machine_destroy(a);
}
END_TEST

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: unit_snapshot FREEDOS.IMG\n");
        return 2;
    }
    image = argv[1];
    snprintf(path, sizeof(path), "/tmp/tarsier-unit-snapshot-%ld.snap", (long)getpid());
    int rc = testlib_main("snapshot", "snapshot", 120, (const TTest *const[]){ test_replay_equals_run_on,
                                                                              test_bad_snapshots, test_disk_overlay,
                                                                              test_crafted_state,
                                                                              NULL });
    unlink(path);
    return rc;
}
