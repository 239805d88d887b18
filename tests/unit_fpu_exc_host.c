/*
 * unit_fpu_exc_host.c - random x87 instructions against the host processor's
 * own x87 with random exception masks (x86-64 hosts only).
 *
 * Every case is one instruction (register and memory forms of the
 * arithmetic, compares, FCOMI, loads and stores with conversion, FPREM,
 * FSCALE (half of them scaled to the edges of the biased range), FXTRACT,
 * FSQRT, FRNDINT, FCMOV, stack moves) run from the same random state on both
 * sides: the eight registers from every operand class (some empty), TOP, a
 * control word with random RC/PC and random unmasked exceptions, sticky
 * flags and C0-C3, EFLAGS and a memory operand of the instruction's type.
 * The host runs FRSTOR; the instruction; FNSAVE (non-waiting, so a pending
 * unmasked exception is recorded and never delivered) in generated code.
 * The whole status word (flags, ES, B, C0-C3, TOP), the tag word, the
 * non-empty registers, the 16-byte memory operand and the arithmetic flags
 * must agree.  This is the instruction-level companion of tests/difftest.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit_fpu_exc.h"

#if defined(__x86_64__)
#include <sys/mman.h>

/* ---- random state ---- */

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}
static uint32_t rnd(uint64_t *s, uint32_t n) { return (uint32_t)((rng(s) >> 32) % n); }

/* An 80-bit value from every class. */
static void rand80(uint64_t *rs, uint8_t *p)
{
    uint64_t sig = rng(rs);
    uint16_t sign = (uint16_t)(rnd(rs, 2) << 15), e;
    switch (rnd(rs, 16)) {
    case 0: e = 0; sig = 0; break;
    case 1: e = 0; sig = (sig >> rnd(rs, 64)) & ~(1ull << 63); sig |= !sig; break;
    case 2: e = 0; sig |= 1ull << 63; break; /* pseudo-denormal */
    case 3: e = 0x7FFF; sig = 1ull << 63; break;
    case 4: e = 0x7FFF; sig |= 3ull << 62; break;
    case 5: e = 0x7FFF; sig = (sig & ~(1ull << 62)) | 1ull << 63 | 1; break;
    case 6: e = (uint16_t)(1 + rnd(rs, 0x7FFE)); sig &= ~(1ull << 63); break; /* unnormal */
    case 7: e = (uint16_t)(1 + rnd(rs, 70)); sig |= 1ull << 63; break;
    case 8: e = (uint16_t)(0x7FFE - rnd(rs, 70)); sig |= 1ull << 63; break;
    case 9: /* near the single/double ranges, few significant bits */
        e = (uint16_t)((rnd(rs, 2) ? 16383 - 126 : 16383 - 1022) + (int)rnd(rs, 40) - 20);
        if (rnd(rs, 2))
            e = (uint16_t)((rnd(rs, 2) ? 16383 + 127 : 16383 + 1023) + (int)rnd(rs, 6) - 3);
        sig = (sig | 1ull << 63) & (~0ull << (rnd(rs, 2) ? 40 : 11));
        break;
    case 10: e = (uint16_t)(16383 + rnd(rs, 66)); sig = (sig | 1ull << 63) & (~0ull << rnd(rs, 64)); break;
    default: e = (uint16_t)(16383 + (int)rnd(rs, 130) - 65); sig |= 1ull << 63;
        if (rnd(rs, 3) == 0)
            sig &= ~0ull << rnd(rs, 64);
        break;
    }
    put80(p, (uint16_t)(sign | e), sig);
}

static void rand_mem(uint64_t *rs, uint8_t *m, int kind)
{
    uint64_t r = rng(rs);
    for (int k = 0; k < 16; k++)
        m[k] = (uint8_t)rng(rs);
    switch (kind) {
    case 0: { /* m32 real */
        static const uint32_t sp[] = { 0, 0x80000000u, 0x7F800000u, 0xFF800000u, 0x7FC00000u, 0x7FA00001u,
                                       0x00000001u, 0x007FFFFFu, 0x00800000u, 0x3F800000u, 0x7F7FFFFFu };
        uint32_t v = (uint32_t)r;
        if (rnd(rs, 2))
            v = sp[rnd(rs, 11)] ^ (rnd(rs, 2) ? 0x80000000u : 0);
        else if (rnd(rs, 3) == 0)
            v &= 0x807FFFFFu; /* denormal */
        memcpy(m, &v, 4);
        break;
    }
    case 1: { /* m64 real */
        static const uint64_t sp[] = { 0, 0x7FF0000000000000ull, 0x7FF8000000000000ull, 0x7FF4000000000001ull,
                                       1, 0x000FFFFFFFFFFFFFull, 0x0010000000000000ull, 0x3FF0000000000000ull,
                                       0x7FEFFFFFFFFFFFFFull };
        uint64_t v = r;
        if (rnd(rs, 2))
            v = sp[rnd(rs, 9)] ^ (rnd(rs, 2) ? 1ull << 63 : 0);
        else if (rnd(rs, 3) == 0)
            v &= 0x800FFFFFFFFFFFFFull;
        memcpy(m, &v, 8);
        break;
    }
    case 2: rand80(rs, m); break;
    case 3: { /* integers: small or random */
        int64_t v = (int64_t)r;
        if (rnd(rs, 2))
            v = (int64_t)rnd(rs, 2001) - 1000;
        if (rnd(rs, 4) == 0)
            v = 0;
        memcpy(m, &v, 8);
        break;
    }
    default: /* packed BCD, valid */
        for (int k = 0; k < 9; k++)
            m[k] = (uint8_t)(rnd(rs, 10) | rnd(rs, 10) << 4);
        m[9] = rnd(rs, 2) ? 0x80 : 0;
        break;
    }
}

/* Memory-operand kinds of the memory forms (escape, reg): -1 none. */
static int mem_kind(int esc, int reg)
{
    switch (esc) {
    case 0: return 0;
    case 4: return 1;
    case 2: case 6: return 3;
    case 1: return reg == 0 ? 0 : 3;
    case 5: return reg == 0 ? 1 : 3;
    case 3: return reg == 5 ? 2 : 3;
    default: return reg == 4 ? 4 : 3;
    }
}

/* One random instruction (no transcendentals, no control instructions). */
static const char *rand_insn(uint64_t *rs, uint8_t *b, int *len, int *kind)
{
    int i = (int)rnd(rs, 8);
    *len = 2;
    *kind = -1;
    switch (rnd(rs, 15)) {
    case 0: case 1: { /* memory arithmetic D8/DC/DA/DE */
        static const uint8_t esc[4] = { 0xD8, 0xDC, 0xDA, 0xDE };
        int e = (int)rnd(rs, 4), reg = (int)rnd(rs, 8);
        b[0] = esc[e];
        b[1] = (uint8_t)(reg << 3 | 7);
        *kind = mem_kind(b[0] & 7, reg);
        return "arith mem";
    }
    case 2: case 3: { /* loads/stores */
        static const uint8_t ops[][2] = { { 0xD9, 0 }, { 0xD9, 2 }, { 0xD9, 3 }, { 0xDD, 0 }, { 0xDD, 2 },
                                          { 0xDD, 3 }, { 0xDB, 5 }, { 0xDB, 7 }, { 0xDB, 0 }, { 0xDB, 2 },
                                          { 0xDB, 3 }, { 0xDF, 0 }, { 0xDF, 2 }, { 0xDF, 3 }, { 0xDF, 4 },
                                          { 0xDF, 5 }, { 0xDF, 6 }, { 0xDF, 7 } };
        int k = (int)rnd(rs, 18);
        b[0] = ops[k][0];
        b[1] = (uint8_t)(ops[k][1] << 3 | 7);
        *kind = mem_kind(b[0] & 7, ops[k][1]);
        return "load/store";
    }
    case 4: case 5: case 6: { /* register arithmetic */
        static const uint8_t esc[3] = { 0xD8, 0xDC, 0xDE };
        b[0] = esc[rnd(rs, 3)];
        b[1] = (uint8_t)(0xC0 | rnd(rs, 8) << 3 | (unsigned)i);
        if (b[0] == 0xDE && (b[1] & 0xF8) == 0xD0)
            b[1] = (uint8_t)(0xC0 | i); /* FCOMP5 alias -> FADDP */
        if (b[0] == 0xDE && (b[1] & 0xF8) == 0xD8)
            b[1] = 0xD9; /* FCOMPP */
        return "arith reg";
    }
    case 7: { /* D9 F0-FF without the transcendentals, and FCHS FABS FTST FXAM */
        static const uint8_t ops[] = { 0xF4, 0xF5, 0xF8, 0xFA, 0xFC, 0xFD, 0xE0, 0xE1, 0xE4, 0xE5, 0xF6, 0xF7 };
        b[0] = 0xD9;
        b[1] = ops[rnd(rs, sizeof(ops))];
        return "d9 misc";
    }
    case 8: /* FPREM FPREM1 FSCALE more often */
        b[0] = 0xD9;
        b[1] = (uint8_t)(rnd(rs, 3) == 0 ? 0xFD : rnd(rs, 2) ? 0xF8 : 0xF5);
        return "d9 misc";
    case 9: case 10: { /* compares */
        static const uint8_t ops[][2] = { { 0xDD, 0xE0 }, { 0xDD, 0xE8 }, { 0xDB, 0xE8 }, { 0xDB, 0xF0 },
                                          { 0xDF, 0xE8 }, { 0xDF, 0xF0 }, { 0xD8, 0xD0 }, { 0xD8, 0xD8 } };
        int k = (int)rnd(rs, 8);
        b[0] = ops[k][0];
        b[1] = (uint8_t)(ops[k][1] | i);
        if (rnd(rs, 6) == 0) {
            b[0] = 0xDA;
            b[1] = 0xE9; /* FUCOMPP */
        }
        return "compare";
    }
    case 11: { /* FLD ST(i), FXCH, FST/FSTP ST(i) */
        static const uint8_t ops[][2] = { { 0xD9, 0xC0 }, { 0xD9, 0xC8 }, { 0xDD, 0xD0 }, { 0xDD, 0xD8 } };
        int k = (int)rnd(rs, 4);
        b[0] = ops[k][0];
        b[1] = (uint8_t)(ops[k][1] | i);
        return "stack";
    }
    case 12: /* FCMOVcc */
        b[0] = (uint8_t)(rnd(rs, 2) ? 0xDA : 0xDB);
        b[1] = (uint8_t)(0xC0 | rnd(rs, 4) << 3 | (unsigned)i);
        return "fcmov";
    default: { /* memory arithmetic once more */
        static const uint8_t esc[2] = { 0xD8, 0xDC };
        int reg = (int)rnd(rs, 8);
        b[0] = esc[rnd(rs, 2)];
        b[1] = (uint8_t)(reg << 3 | 7);
        *kind = mem_kind(b[0] & 7, reg);
        return "arith mem";
    }
    }
}

static void rand_case(uint64_t *rs, struct fcase *fc, int unmask_pct)
{
    memset(fc, 0, sizeof(*fc));
    int kind;
    fc->name = rand_insn(rs, fc->insn, &fc->len, &kind);
    uint16_t mask = 0x3F;
    if ((int)rnd(rs, 100) < unmask_pct) {
        mask = (uint16_t)rnd(rs, 64);
        if (rnd(rs, 2))
            mask |= 0x20;
    }
    static const uint16_t pcs[4] = { 0, 2, 3, 3 };
    fc->in.cw = (uint16_t)(0x40 | mask | pcs[rnd(rs, 4)] << 8 | rnd(rs, 4) << 10);
    uint16_t sticky = (uint16_t)(rnd(rs, 64) & mask & (rnd(rs, 2) ? 0x3F : 0));
    fc->in.sw = (uint16_t)(sticky | (rnd(rs, 16) * 0x100 & 0x700) | (rnd(rs, 2) ? 0x4000 : 0) | rnd(rs, 8) << 11);
    uint16_t tw = 0;
    for (int p = 0; p < 8; p++)
        if (rnd(rs, 100) < 25)
            tw |= (uint16_t)(3u << (2 * p));
    fc->in.tw = tw; /* FRSTOR trusts only "empty" on the host too; others recomputed */
    for (int k = 0; k < 8; k++)
        rand80(rs, fc->in.st[k]);
    if (kind >= 0)
        rand_mem(rs, fc->mem, kind);
    else
        for (int k = 0; k < 16; k++)
            fc->mem[k] = (uint8_t)rng(rs);
    fc->eflags = 0x202 | (uint32_t)(rng(rs) & 0x8D5);
    if (fc->insn[0] == 0xD9 && fc->insn[1] == 0xFD && rnd(rs, 2)) {
        /* FSCALE to the edges of the range, with and without the 24576 bias */
        static const int32_t edge[4] = { -16382 - 24576, 16383 + 24576, -16382, 16383 };
        uint8_t *a = fc->in.st[0], *b = fc->in.st[1];
        int32_t ea = (int32_t)((a[8] | a[9] << 8) & 0x7FFF) - 16383;
        int64_t n = edge[rnd(rs, 4)] + (int32_t)rnd(rs, 141) - 70 - ea;
        uint64_t m = (uint64_t)(n < 0 ? -n : n) | 1;
        int z = 0;
        while (!(m >> 63)) {
            m <<= 1;
            z++;
        }
        put80(b, (uint16_t)((n < 0 ? 0x8000 : 0) | (16383 + 63 - z)), m);
        fc->in.tw &= (uint16_t)~(3u << (2 * (((fc->in.sw >> 11) + 1) & 7)));
    }
}

/* ---- the host ---- */

typedef uint64_t (*host_fn)(void *mem, const void *in, void *out, uint64_t flags);
static uint8_t *host_page;

void host_run(const struct fcase *fc, struct fout *o)
{
    if (!host_page) {
        host_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (host_page == MAP_FAILED) {
            perror("mmap");
            abort();
        }
    }
    uint8_t *p = host_page;
    int n = 0;
    p[n++] = 0x51; p[n++] = 0x9D;             /* push rcx; popfq */
    p[n++] = 0xDD; p[n++] = 0x26;             /* frstor [rsi] */
    memcpy(p + n, fc->insn, (size_t)fc->len);
    n += fc->len;
    p[n++] = 0xDD; p[n++] = 0x32;             /* fnsave [rdx] */
    p[n++] = 0x9C; p[n++] = 0x58;             /* pushfq; pop rax */
    p[n++] = 0xC3;
    memcpy(o->mem, fc->mem, 16);
    host_fn fn;
    void *vp = host_page;
    memcpy(&fn, &vp, sizeof(fn));
    o->eflags = (uint32_t)fn(o->mem, &fc->in, &o->f, fc->eflags);
    __asm__ volatile("fninit");
}

/* Returns a mask of what differs: 1 sw, 2 tags, 4 registers, 8 memory, 16 eflags, 32 fault. */
int fcase_compare(const struct fcase *fc, const struct fout *h, const struct fout *t)
{
    int d = 0;
    uint16_t ign = 0;
    /* docs/difftest.md class 8: C1 after FCOMI/FUCOMI(P) (SDM: 0; the AMD host
     * leaves it) and FCMOVcc (SDM: only "0 on underflow"; C0 C2 C3 undefined) */
    if ((fc->insn[0] == 0xDB || fc->insn[0] == 0xDF) && (fc->insn[1] & 0xE0) == 0xE0 && (fc->insn[1] & 0xF8) != 0xE0)
        ign = 0x0200;
    if ((fc->insn[0] == 0xDA || fc->insn[0] == 0xDB) && (fc->insn[1] & 0xE0) == 0xC0)
        ign = 0x4700;
    if ((h->f.sw ^ t->f.sw) & ~ign)
        d |= 1;
    if (h->f.tw != t->f.tw)
        d |= 2;
    for (int i = 0; i < 8; i++) {
        int p = (((h->f.sw >> 11) & 7) + i) & 7;
        if (((h->f.tw >> (2 * p)) & 3) != 3 && memcmp(h->f.st[i], t->f.st[i], 10))
            d |= 4;
    }
    if (memcmp(h->mem, t->mem, 16))
        d |= 8;
    if ((h->eflags ^ t->eflags) & 0x8D5)
        d |= 16;
    if (t->f.fop == 0xFFFF)
        d |= 32;
    return d;
}

static void print80(const char *tag, const uint8_t *b)
{
    uint64_t sig;
    memcpy(&sig, b, 8);
    printf(" %s=%04x:%016llx", tag, b[8] | b[9] << 8, (unsigned long long)sig);
}

void fcase_report(const struct fcase *fc, const struct fout *h, const struct fout *t, int d)
{
    printf("DIFF %02x %02x (%s) what=%x cw=%04x sw=%04x tw=%04x fl=%03x mem=", fc->insn[0], fc->insn[1], fc->name, d,
           fc->in.cw, fc->in.sw, fc->in.tw, fc->eflags);
    for (int k = 0; k < 10; k++)
        printf("%02x", fc->mem[k]);
    printf("\n   in ");
    print80("st0", fc->in.st[0]);
    print80("st1", fc->in.st[1]);
    printf(" st%d", fc->insn[1] & 7);
    print80("", fc->in.st[fc->insn[1] & 7]);
    printf("\n   host    sw=%04x tw=%04x fl=%03x", h->f.sw, h->f.tw, h->eflags & 0x8D5);
    print80("st0", h->f.st[0]);
    print80("st1", h->f.st[1]);
    printf(" mem=");
    for (int k = 0; k < 10; k++)
        printf("%02x", h->mem[k]);
    printf("\n   tarsier sw=%04x tw=%04x fl=%03x", t->f.sw, t->f.tw, t->eflags & 0x8D5);
    print80("st0", t->f.st[0]);
    print80("st1", t->f.st[1]);
    printf(" mem=");
    for (int k = 0; k < 10; k++)
        printf("%02x", t->mem[k]);
    printf("\n");
}

/* Runs n cases; returns the number of differences (printing up to max). */
long run_cases(uint64_t seed, long n, int unmask_pct, int max)
{
    struct machine *m = tmachine();
    uint64_t rs = seed | 1;
    long bad = 0;
    for (long k = 0; k < n; k++) {
        struct fcase fc;
        struct fout h, t;
        rand_case(&rs, &fc, unmask_pct);
        host_run(&fc, &h);
        tarsier_run(m, &fc, &t);
        int d = fcase_compare(&fc, &h, &t);
        if (d && bad++ < max)
            fcase_report(&fc, &h, &t, d);
    }
    machine_destroy(m);
    return bad;
}

START_TEST(test_host_unmasked)
{
    long bad = run_cases(0x5DEECE66Dull, 200000, 60, 5);
    ck_assert_msg(bad == 0, "%ld differences from the host x87 with unmasked exceptions", bad);
}
END_TEST

START_TEST(test_host_masked)
{
    long bad = run_cases(0x2545F4914F6CDD1Dull, 100000, 0, 5);
    ck_assert_msg(bad == 0, "%ld differences from the host x87 (exceptions masked)", bad);
}
END_TEST
void fpu_exc_add_host_tests(TCase *t)
{
    tcase_add_test(t, test_host_masked);
    tcase_add_test(t, test_host_unmasked);
}
#endif
