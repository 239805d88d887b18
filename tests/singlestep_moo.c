/*
 * singlestep_moo.c - reader of the SingleStepTests MOO files (gzip): the
 * header, and per TEST chunk its name, instruction bytes, INIT and FINA
 * states (registers, RAM bytes), exception and hash.  Corrupt or truncated
 * data is reported through fail_input.  See docs/singlestep.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "tests/singlestep.h"

/* ================================================================ MOO reader */

int moo_open(struct moo *m, const char *path)
{
    memset(m, 0, sizeof(*m));
    m->path = path;
    gzFile g = gzopen(path, "rb");
    if (!g)
        return fail_input("%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 22;
    m->buf = malloc(cap);
    for (;;) {
        if (!m->buf) {
            gzclose(g);
            return fail_input("%s: out of memory", path);
        }
        if (m->len == cap) {
            if (cap >= (1u << 30)) {
                gzclose(g);
                return fail_input("%s: decompresses to more than 1 GiB", path);
            }
            uint8_t *nb = realloc(m->buf, cap * 2);
            if (!nb) {
                free(m->buf);
                m->buf = NULL;
                continue;
            }
            m->buf = nb;
            cap *= 2;
        }
        int r = gzread(g, m->buf + m->len, (unsigned)(cap - m->len));
        if (r < 0) {
            int e;
            const char *msg = gzerror(g, &e);
            fail_input("%s: corrupt gzip data: %s", path, msg);
            gzclose(g);
            return -1;
        }
        if (r == 0)
            break;
        m->len += (size_t)r;
    }
    /* a truncated gzip stream reads as EOF without error in some zlib
     * versions; gzclose reports it */
    int rc = gzclose(g);
    if (rc != Z_OK && rc != Z_BUF_ERROR)
        return fail_input("%s: gzip stream error (%d)", path, rc);
    if (rc == Z_BUF_ERROR)
        return fail_input("%s: truncated gzip stream", path);
    if (m->len < 8 || memcmp(m->buf, "MOO ", 4))
        return fail_input("%s: not a MOO file (no 'MOO ' header chunk)", path);
    uint32_t hl = le32(m->buf + 4);
    if (hl < 12 || 8 + (size_t)hl > m->len)
        return fail_input("%s: truncated MOO header", path);
    m->count = le32(m->buf + 12);
    memcpy(m->cpu, m->buf + 16, 4);
    m->pos = 8 + hl;
    return 0;
}

void moo_close(struct moo *m)
{
    free(m->buf);
    m->buf = NULL;
}

static int parse_state(const struct moo *m, const uint8_t *p, uint32_t len, struct state *s, uint32_t idx)
{
    memset(s, 0, sizeof(*s));
    uint32_t q = 0;
    while (q < len) {
        if (len - q < 8)
            return fail_input("%s: test %u: truncated state sub-chunk", m->path, idx);
        const uint8_t *id = p + q;
        uint32_t l = le32(p + q + 4);
        if (l > len - q - 8)
            return fail_input("%s: test %u: sub-chunk '%.4s' overruns its state chunk", m->path, idx, id);
        const uint8_t *d = p + q + 8;
        if (!memcmp(id, "REGS", 4)) {
            if (l < 2)
                return fail_input("%s: test %u: short REGS chunk", m->path, idx);
            s->mask = le16(d);
            uint32_t o = 2;
            for (int k = 0; k < RG_COUNT; k++) {
                if (!(s->mask & (1u << k)))
                    continue;
                if (o + 2 > l)
                    return fail_input("%s: test %u: REGS chunk shorter than its mask", m->path, idx);
                s->regs[k] = le16(d + o);
                o += 2;
            }
            if (s->mask >> RG_COUNT)
                return fail_input("%s: test %u: REGS mask %04x names unknown registers", m->path, idx, s->mask);
        } else if (!memcmp(id, "RAM ", 4)) {
            if (l < 4)
                return fail_input("%s: test %u: short RAM chunk", m->path, idx);
            uint32_t n = le32(d);
            if (n > (l - 4) / 5)
                return fail_input("%s: test %u: RAM chunk holds fewer than its %u entries", m->path, idx, n);
            s->ram = d + 4;
            s->nram = n;
        }
        /* QUEU, RMSK, RG32, EA32: not needed for 16-bit real mode */
        q += 8 + l;
    }
    return 0;
}

int moo_next(struct moo *m, struct test *t)
{
    while (m->pos < m->len) {
        if (m->len - m->pos < 8)
            return fail_input("%s: truncated chunk header at byte %zu", m->path, m->pos);
        const uint8_t *id = m->buf + m->pos;
        uint32_t l = le32(id + 4);
        if (l > m->len - m->pos - 8)
            return fail_input("%s: chunk '%.4s' at byte %zu overruns the file (truncated?)", m->path, id, m->pos);
        const uint8_t *p = id + 8;
        m->pos += 8 + (size_t)l;
        if (memcmp(id, "TEST", 4))
            continue; /* META and unknown chunks */
        memset(t, 0, sizeof(*t));
        if (l < 4)
            return fail_input("%s: short TEST chunk", m->path);
        t->idx = le32(p);
        int have_init = 0, have_fina = 0, have_bytes = 0;
        uint32_t q = 4;
        while (q < l) {
            if (l - q < 8)
                return fail_input("%s: test %u: truncated sub-chunk header", m->path, t->idx);
            const uint8_t *sid = p + q;
            uint32_t sl = le32(p + q + 4);
            if (sl > l - q - 8)
                return fail_input("%s: test %u: sub-chunk '%.4s' overruns the test", m->path, t->idx, sid);
            const uint8_t *d = p + q + 8;
            if (!memcmp(sid, "NAME", 4)) {
                if (sl < 4 || le32(d) > sl - 4)
                    return fail_input("%s: test %u: bad NAME chunk", m->path, t->idx);
                t->name = (const char *)d + 4;
                t->name_len = le32(d);
            } else if (!memcmp(sid, "BYTS", 4)) {
                if (sl < 4 || le32(d) > sl - 4)
                    return fail_input("%s: test %u: bad BYTS chunk", m->path, t->idx);
                t->bytes = d + 4;
                t->nbytes = le32(d);
                have_bytes = 1;
            } else if (!memcmp(sid, "INIT", 4)) {
                if (parse_state(m, d, sl, &t->init, t->idx))
                    return -1;
                have_init = 1;
            } else if (!memcmp(sid, "FINA", 4)) {
                if (parse_state(m, d, sl, &t->fina, t->idx))
                    return -1;
                have_fina = 1;
            } else if (!memcmp(sid, "EXCP", 4)) {
                if (sl < 5)
                    return fail_input("%s: test %u: short EXCP chunk", m->path, t->idx);
                t->has_excp = 1;
                t->excp_vec = d[0];
                t->excp_flags_addr = le32(d + 1);
            } else if (!memcmp(sid, "HASH", 4)) {
                if (sl < 20)
                    return fail_input("%s: test %u: short HASH chunk", m->path, t->idx);
                t->hash = d;
            }
            q += 8 + sl;
        }
        if (!have_init || !have_fina || !have_bytes)
            return fail_input("%s: test %u: missing %s chunk", m->path, t->idx,
                              !have_init ? "INIT" : !have_fina ? "FINA" : "BYTS");
        if ((t->init.mask & 0x3FFF) != 0x3FFF)
            return fail_input("%s: test %u: INIT does not give every register", m->path, t->idx);
        return 1;
    }
    return 0;
}
