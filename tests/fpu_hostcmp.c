/*
 * fpu_hostcmp.c - tarsier's x87 transcendental instructions (FSIN FCOS
 * FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1) against the host processor's
 * x87, bit for bit, on random operands; as a sanity check also the exactly
 * specified FADD FSUB FMUL FDIV FSQRT FRNDINT FPREM FPREM1 FSCALE FXTRACT.
 * x86-64 hosts only (inline asm; libquadmath).  See docs/x87.md.
 *
 * Both sides start from the same state (FNINIT, FLDCW with random RC and PC,
 * all exceptions masked; ST(1) = b, ST(0) = a) and run one instruction; the
 * host's state is read with FNSAVE, tarsier's comes from fpu_exec_misc (the
 * D9 F0-FF instructions) or the fx_* arithmetic.  Compared: the status word
 * (exception flags, SF, ES, B, TOP, C1, and C2 for the trigonometric
 * instructions, all of C0-C3 for FPREM/FPREM1), the full tag word and every
 * non-empty register.
 *
 * Every difference is put in a bucket:
 *   - exact operations: any difference is unexplained;
 *   - transcendentals: for each differing result the size in ulps and the
 *     correctly rounded value under RC, from a binary128 reference
 *     (libquadmath sinq, cosq, tanq, atan2q, expm1q, log2q, log1pq).  FSIN,
 *     FCOS, FSINCOS and FPTAN are functions of the argument reduced by the
 *     66-bit pi of the hardware (Intel SDM Vol. 1 8.3.10): the reference
 *     reduces x - k*P66*2^-65 exactly in integers, as fpu_trans.c does, and
 *     evaluates the libquadmath function on the reduced argument.
 *     Explained: tarsier returns the correctly rounded value (the host does
 *     not), or the reference lies too close to a rounding boundary to decide
 *     ("undecided"); a C1-only difference is explained when tarsier's C1
 *     (= rounded up) agrees with the reference.  Anything else - tarsier not
 *     correctly rounded, other flags, NaN or stack differences - is
 *     unexplained.
 *
 * This file: the host and tarsier sides of each operation and the driver;
 * the operands and the reference are in fpu_hostcmp_ref.c (fpu_hostcmp.h).
 *
 * Usage: fpu_hostcmp [-n N] [-s SEED] [-o OP,OP,...] [-v]
 *   -n N   operands per operation (default 1000000)
 *   -o     only these operations (names as printed, lower case)
 *   -v     print every unexplained difference
 * Exit status: 0 no unexplained difference, 1 unexplained differences.
 */
#include <quadmath.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "cpu/fpu.h"
#include "cpu/fpu_priv.h"
#include "tests/fpu_hostcmp.h"

#if !defined(__x86_64__)
#error "fpu_hostcmp needs an x86-64 host"
#endif

/* ---- the host ---- */

#define HOSTOP(name, insn)                                                                         \
    static void name(const struct fx80 *a, const struct fx80 *b, const uint16_t *cw, uint8_t *img) \
    {                                                                                              \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn                \
                         "\n\tfnsave %[s]\n\t"                                                     \
                         : [s] "=m"(*(uint8_t(*)[108])img)                                         \
                         : [a] "m"(*a), [b] "m"(*b), [cw] "m"(*cw)                                 \
                         : "memory");                                                              \
    }
HOSTOP(h_fsin, "fsin")
HOSTOP(h_fcos, "fcos")
HOSTOP(h_fsincos, "fsincos")
HOSTOP(h_fptan, "fptan")
HOSTOP(h_fpatan, "fpatan")
HOSTOP(h_f2xm1, "f2xm1")
HOSTOP(h_fyl2x, "fyl2x")
HOSTOP(h_fyl2xp1, "fyl2xp1")
HOSTOP(h_fadd, "fadd %%st(1), %%st")
HOSTOP(h_fsub, "fsub %%st(1), %%st")
HOSTOP(h_fmul, "fmul %%st(1), %%st")
HOSTOP(h_fdiv, "fdiv %%st(1), %%st")
HOSTOP(h_fsqrt, "fsqrt")
HOSTOP(h_frndint, "frndint")
HOSTOP(h_fprem, "fprem")
HOSTOP(h_fprem1, "fprem1")
HOSTOP(h_fscale, "fscale")
HOSTOP(h_fxtract, "fxtract")

static const struct op ops[] = {
    { "fsin", h_fsin, 0xE, G_TRIG, FSW_C1 | FSW_C2, 1 },
    { "fcos", h_fcos, 0xF, G_TRIG, FSW_C1 | FSW_C2, 1 },
    { "fsincos", h_fsincos, 0xB, G_TRIG, FSW_C1 | FSW_C2, 1 },
    { "fptan", h_fptan, 0x2, G_TRIG, FSW_C1 | FSW_C2, 1 },
    { "fpatan", h_fpatan, 0x3, G_ATAN, FSW_C1, 1 },
    { "f2xm1", h_f2xm1, 0x0, G_2XM1, FSW_C1, 1 },
    { "fyl2x", h_fyl2x, 0x1, G_YL2X, FSW_C1, 1 },
    { "fyl2xp1", h_fyl2xp1, 0x9, G_YL2XP1, FSW_C1, 1 },
    { "fadd", h_fadd, -1, G_ARITH, FSW_C1, 0 },
    { "fsub", h_fsub, -2, G_ARITH, FSW_C1, 0 },
    { "fmul", h_fmul, -3, G_ARITH, FSW_C1, 0 },
    { "fdiv", h_fdiv, -4, G_ARITH, FSW_C1, 0 },
    { "fsqrt", h_fsqrt, 0xA, G_SQRT, FSW_C1, 0 },
    { "frndint", h_frndint, 0xC, G_ARITH, FSW_C1, 0 },
    { "fprem", h_fprem, 0x8, G_REM, FSW_CC, 0 },
    { "fprem1", h_fprem1, 0x5, G_REM, FSW_CC, 0 },
    { "fscale", h_fscale, 0xD, G_SCALE, FSW_C1, 0 },
    { "fxtract", h_fxtract, 0x4, G_ARITH, FSW_C1, 0 },
};
#define NOPS (int)(sizeof(ops) / sizeof(ops[0]))

/* ---- tarsier ---- */

/* The compared state: status word, full tag word, ST(0)..ST(7). */
struct st {
    uint16_t sw, tw;
    struct fx80 r[8];
};

static void from_fnsave(const uint8_t *img, struct st *o)
{
    o->sw = (uint16_t)(img[4] | img[5] << 8);
    o->tw = (uint16_t)(img[8] | img[9] << 8);
    for (int i = 0; i < 8; i++) {
        const uint8_t *p = img + 28 + 10 * i;
        uint64_t sig = 0;
        for (int k = 7; k >= 0; k--)
            sig = sig << 8 | p[k];
        o->r[i] = fx_make((uint16_t)(p[8] | p[9] << 8), sig);
    }
}

static void tarsier_op(struct cpu *c, const struct op *op, struct fx80 a, struct fx80 b, uint16_t cw, struct st *o)
{
    struct fpu *f = &c->fpu;
    memset(f, 0, sizeof(*f));
    f->cw = cw;
    f->sw = 6u << 11;
    f->tw = 0xFFFF;
    fpu_set_st(f, 1, b);
    fpu_set_st(f, 0, a);
    if (op->misc >= 0) {
        fpu_exec_misc(c, op->misc);
    } else {
        struct fpstat s = { cw, 0, 0, 0, 0 };
        struct fx80 r;
        switch (op->misc) {
        case -1: r = fx_add(&s, a, b); break;
        case -2: r = fx_sub(&s, a, b); break;
        case -3: r = fx_mul(&s, a, b); break;
        default: r = fx_div(&s, a, b); break;
        }
        fpu_commit_flags(c, &s);
        fpu_set_st(f, 0, r);
    }
    o->sw = f->sw;
    o->tw = fpu_tag_word(f);
    for (int i = 0; i < 8; i++)
        o->r[i] = f->st[(((f->sw >> 11) & 7) + i) & 7];
}

static __int128 ord80(struct fx80 v)
{
    int e = v.se & 0x7FFF;
    __int128 mag = e ? ((__int128)e << 63) | (__int128)(v.sig & ~(1ull << 63)) : (__int128)v.sig;
    return v.se & 0x8000 ? -mag : mag;
}

static int same(struct fx80 a, struct fx80 b) { return a.se == b.se && a.sig == b.sig; }
static int is_nan(struct fx80 v) { return (v.se & 0x7FFF) == 0x7FFF && (v.sig << 1); }

/* ---- driver ---- */

struct tally {
    long n, identical, d1, d2, dmore, c1only, t_cr, h_cr, neither, undecided, unexplained;
};

static void show(const char *what, const struct op *op, uint16_t cw, struct fx80 a, struct fx80 b,
                 const struct st *h, const struct st *t)
{
    printf("%s %s cw=%04x a=%04x:%016llx b=%04x:%016llx\n   host    sw=%04x tw=%04x st0=%04x:%016llx "
           "st1=%04x:%016llx\n   tarsier sw=%04x tw=%04x st0=%04x:%016llx st1=%04x:%016llx\n",
           what, op->name, cw, a.se, (unsigned long long)a.sig, b.se, (unsigned long long)b.sig, h->sw, h->tw,
           h->r[0].se, (unsigned long long)h->r[0].sig, h->r[1].se, (unsigned long long)h->r[1].sig, t->sw, t->tw,
           t->r[0].se, (unsigned long long)t->r[0].sig, t->r[1].se, (unsigned long long)t->r[1].sig);
}

int main(int argc, char **argv)
{
    long n = 1000000;
    uint64_t seed = 1;
    int verbose = 0;
    const char *only = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "n:s:o:v")) != -1) {
        switch (opt) {
        case 'n': n = strtol(optarg, NULL, 0); break;
        case 's': seed = strtoull(optarg, NULL, 0); break;
        case 'o': only = optarg; break;
        case 'v': verbose = 1; break;
        default:
            fprintf(stderr, "usage: fpu_hostcmp [-n N] [-s SEED] [-o OP,...] [-v]\n");
            return 2;
        }
    }
    static struct cpu cpu;
    static struct tally tal[NOPS];
    uint8_t img[108];
    time_t t0 = time(NULL);
    long shown = 0;
    for (int oi = 0; oi < NOPS; oi++) {
        const struct op *op = &ops[oi];
        if (only) {
            char key[16];
            snprintf(key, sizeof(key), ",%s,", op->name);
            char list[256];
            snprintf(list, sizeof(list), ",%s,", only);
            if (!strstr(list, key))
                continue;
        }
        gen_seed(seed * 0x100000001B3ull + (uint64_t)oi * 0x9E3779B97F4A7C15ull);
        struct tally *ty = &tal[oi];
        for (long it = 0; it < n; it++) {
            struct fx80 a, b;
            gen(op->gen, &a, &b);
            static const uint16_t pcs[3] = { 0, 2, 3 };
            uint16_t cw = (uint16_t)(0x037F & ~0x0300u) | (uint16_t)(pcs[rnd(3)] << 8) | (uint16_t)(rnd(4) << 10);
            struct st h, t;
            op->host(&a, &b, &cw, img);
            from_fnsave(img, &h);
            tarsier_op(&cpu, op, a, b, cw, &t);
            ty->n++;
            uint16_t swmask = (uint16_t)(~FSW_CC | op->ccmask);
            int regs_equal = 1;
            for (int i = 0; i < 8; i++)
                if (((h.tw >> (2 * ((((h.sw >> 11) & 7) + i) & 7))) & 3) != 3 && !same(h.r[i], t.r[i]))
                    regs_equal = 0;
            if (!((h.sw ^ t.sw) & swmask) && h.tw == t.tw && regs_equal) {
                ty->identical++;
                continue;
            }
            int explained = 0;
            char note[256] = "";
            if (op->trans && h.tw == t.tw && !((h.sw ^ t.sw) & swmask & ~FSW_C1)) {
                /* result values: classify each differing register */
                explained = 1;
                int maxd = 0, any = 0, tcr = 1;
                for (int i = 0; i < 8 && explained; i++) {
                    int empty = ((h.tw >> (2 * ((((h.sw >> 11) & 7) + i) & 7))) & 3) == 3;
                    if (empty)
                        continue;
                    __float128 ref, rlo;
                    int have = reference(op, a, b, i, &ref, &rlo);
                    if (same(h.r[i], t.r[i])) {
                        /* same value: C1 may still differ; check tarsier's against the reference */
                        /* C1 is the rounding of the last result computed: ST(1) (sin) for FSINCOS,
                         * ST(1) (tan) for FPTAN, ST(0) otherwise */
                        if (have && ((h.sw ^ t.sw) & FSW_C1) && i == (op->misc == 0x2 || op->misc == 0xB)) {
                            __float128 tv = to_q(t.r[i]);
                            __float128 diff = (tv - ref) - rlo; /* tv - true value */
                            int up = ref + rlo < 0 ? diff < 0 : diff > 0;
                            __float128 frac;
                            round80(ref, rlo, (cw >> 10) & 3, &frac);
                            __float128 lim = rlo != 0 ? 0 : 0x1p-40Q;
                            int close = have != 2 && (frac <= lim || frac >= 1 - lim);
                            if (verbose) {
                                char buf[64];
                                quadmath_snprintf(buf, sizeof(buf), "%.36Qa", ref + rlo);
                                snprintf(note, sizeof(note), "   C1: reference %s (position %.3g)\n", buf, (double)frac);
                            }
                            if (close)
                                ty->undecided++;
                            else if (up != !!(t.sw & FSW_C1))
                                explained = 0;
                        }
                        continue;
                    }
                    if (!have || is_nan(h.r[i]) || is_nan(t.r[i]) || ((h.r[i].se ^ t.r[i].se) & 0x8000)) {
                        explained = 0;
                        break;
                    }
                    __int128 d = ord80(h.r[i]) - ord80(t.r[i]);
                    if (d < 0)
                        d = -d;
                    if (d > maxd)
                        maxd = d > 1000 ? 1000 : (int)d;
                    any = 1;
                    __float128 frac;
                    struct fx80 cr = round80(ref, rlo, (cw >> 10) & 3, &frac);
                    __float128 margin = ((cw >> 10) & 3) == RC_NEAREST ? frac - 0.5Q : frac < 0.5Q ? frac : 1 - frac;
                    if (margin < 0)
                        margin = -margin;
                    int tok = same(cr, t.r[i]), hok = same(cr, h.r[i]);
                    if (verbose) {
                        char buf[64];
                        quadmath_snprintf(buf, sizeof(buf), "%.36Qa", ref);
                        snprintf(note, sizeof(note), "   st%d: %lld ulp; reference %s rounds to %04x:%016llx "
                                 "(position %.3g between neighbours)\n", i, (long long)d, buf, cr.se,
                                 (unsigned long long)cr.sig, (double)frac);
                    }
                    /* binary128 reference: ~2^-48 ulp; split (x + series) references are exact to far more */
                    if (have != 2 && (rlo != 0 ? margin <= 0 : margin < 0x1p-40Q)) {
                        ty->undecided++;
                        tcr = 0;
                        if (verbose && ty->undecided < 20) {
                            show("UNDECIDED", op, cw, a, b, &h, &t);
                            printf("%s", note);
                        }
                    } else if (tok && !hok) {
                        /* the host is not correctly rounded: explained */
                    } else if (hok && !tok) {
                        ty->h_cr++;
                        explained = 0;
                        tcr = 0;
                    } else {
                        ty->neither++;
                        explained = 0;
                        tcr = 0;
                    }
                }
                if (explained && !any)
                    ty->c1only++;
                if (any) {
                    if (maxd == 1) {
                        ty->d1++;
                        ty->t_cr += tcr;
                    } else if (maxd == 2) {
                        ty->d2++;
                    } else {
                        ty->dmore++;
                    }
                }
            }
            if (!explained) {
                ty->unexplained++;
                if (verbose || shown < 20) {
                    shown++;
                    show("UNEXPLAINED", op, cw, a, b, &h, &t);
                    printf("%s", note);
                }
            }
        }
    }
    char model[256] = "?";
    FILE *ci = fopen("/proc/cpuinfo", "r");
    if (ci) {
        char line[256];
        while (fgets(line, sizeof(line), ci))
            if (!strncmp(line, "model name", 10)) {
                char *p = strchr(line, ':');
                snprintf(model, sizeof(model), "%s", p ? p + 2 : line);
                model[strcspn(model, "\n")] = 0;
                break;
            }
        fclose(ci);
    }
    printf("fpu_hostcmp: seed %llu, host \"%s\", %lds\n", (unsigned long long)seed, model, (long)(time(NULL) - t0));
    printf("| operation | operands | identical | differ | 1 ulp | 2 ulp | >2 ulp | C1 only | 1 ulp: tarsier CR, host not | "
           "host CR, tarsier not | neither CR | undecided | unexplained |\n");
    printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    long bad = 0;
    for (int oi = 0; oi < NOPS; oi++) {
        const struct tally *ty = &tal[oi];
        if (!ty->n)
            continue;
        printf("| %s | %ld | %ld | %ld | %ld | %ld | %ld | %ld | %ld | %ld | %ld | %ld | %ld |\n", ops[oi].name, ty->n,
               ty->identical, ty->n - ty->identical, ty->d1, ty->d2, ty->dmore, ty->c1only, ty->t_cr, ty->h_cr,
               ty->neither, ty->undecided, ty->unexplained);
        bad += ty->unexplained;
    }
    return bad ? 1 : 0;
}
