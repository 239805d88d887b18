/*
 * gen_fpu.c - x87 and MMX instruction classes of the differential tester's
 * generator, and the random initial x87/MMX state (see docs/difftest.md).
 *
 * x87 and MMX instructions have the same encoding in 64-bit mode; only the
 * memory-operand rules of gen.c apply (0x67, SIB absolute).  The generator
 * never emits the transcendental instructions (FSIN FCOS FSINCOS FPTAN FPATAN
 * F2XM1 FYL2X FYL2XP1: tests/fpu_hostcmp.c compares them), FISTTP (SSE3) or
 * FNSAVE/FRSTOR (the harness's own state transfer).
 *
 * Condition codes: e->cpoison holds the status-word bits C0-C3 the SDM
 * leaves undefined after the last instruction that wrote them (instruction
 * pages of Vol. 2, "FPU Flags Affected"); an instruction that stores the
 * status word (FNSTSW, FNSTENV) is preceded by FXAM, which defines all four,
 * and cmask[k] records the comparable status-word bits before instruction k.
 */
#include <string.h>

#include "gen_int.h"

#define FC0 0x0100u
#define FC1 0x0200u
#define FC2 0x0400u
#define FC3 0x4000u
#define FCC (FC0 | FC1 | FC2 | FC3)
#define FC023 (FC0 | FC2 | FC3)

void gen_skip_mem(struct em *e, uint32_t addr, uint32_t len)
{
    struct dt_seq *s = e->s;
    if (s->nskip < DT_MAX_SKIP) {
        s->skip_addr[s->nskip] = addr;
        s->skip_len[s->nskip++] = (uint8_t)len;
    }
}

/* Condition-code effect of the instruction just emitted: w defined, u undefined. */
static void cc(struct em *e, uint16_t w, uint16_t u)
{
    e->cpoison = (uint16_t)((e->cpoison & ~w) | u);
}

static void begin_fp(struct em *e, int kind)
{
    begin(e, kind);
    e->s->has_fpu = 1;
}

/* FXAM: defines C0-C3 (never raises an exception). */
static void need_cc(struct em *e)
{
    if (!e->cpoison)
        return;
    begin_fp(e, K_FCOM);
    bb(e, 0xD9);
    bb(e, 0xE5);
    e->cpoison = 0;
}

/* ---- values ---- */

static void put80(uint8_t *p, uint16_t se, uint64_t sig)
{
    for (int k = 0; k < 8; k++)
        p[k] = (uint8_t)(sig >> (8 * k));
    p[8] = (uint8_t)se;
    p[9] = (uint8_t)(se >> 8);
}

static int clz64(uint64_t v)
{
    int n = 0;
    while (n < 64 && !(v >> (63 - n)))
        n++;
    return n;
}

/* A random 80-bit value from every operand class. */
static void rand_fx80(struct em *e, uint8_t *out)
{
    uint64_t r = dt_rand64(e->r), sig;
    uint16_t sign = (uint16_t)(rnd(e, 2) << 15), exp;
    switch (rnd(e, 24)) {
    case 0: exp = 0; sig = 0; break;                                              /* zero */
    case 1: exp = 0; sig = (r >> rnd(e, 64)) & ~(1ull << 63); sig |= !sig; break; /* denormal */
    case 2: /* pseudo-denormal (rare) or denormal */
        exp = 0;
        sig = chance(e, 30) ? r | 1ull << 63 : (r >> 1) | 1;
        break;
    case 3: exp = 0x7FFF; sig = 1ull << 63; break;                                 /* infinity */
    case 4: exp = 0x7FFF; sig = 3ull << 62 | (r >> (2 + rnd(e, 62))); break;       /* QNaN */
    case 5: exp = 0x7FFF; sig = 1ull << 63 | ((r >> (2 + rnd(e, 60))) | 1); break; /* SNaN */
    case 6: exp = 0x7FFF; sig = 3ull << 62; sign = 0x8000; break;                  /* indefinite */
    case 7: /* unnormal, pseudo-NaN/infinity (rare) */
        exp = chance(e, 20) ? 0x7FFF : (uint16_t)(1 + rnd(e, 0x7FFE));
        sig = r >> (1 + rnd(e, 63));
        break;
    case 8: case 9: case 10: { /* small integers, half-integers, powers of two +- 1 */
        int64_t v = (int64_t)rnd(e, 2001) - 1000;
        if (chance(e, 30))
            v = (int64_t)(UINT64_C(1) << rnd(e, 64));
        if (chance(e, 30))
            v = (int64_t)((uint64_t)v + rnd(e, 3) - 1); /* wraps, no signed overflow */
        uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
        if (v < 0)
            sign = 0x8000;
        if (!m) {
            exp = 0;
            sig = 0;
            break;
        }
        int n = clz64(m);
        sig = m << n;
        exp = (uint16_t)(16383 + 63 - n);
        if (chance(e, 30) && exp > 1) { /* x.5 */
            exp--;
            sig |= 1ull << (n > 0 ? n - 1 : 0);
        }
        break;
    }
    case 11: /* integer-conversion limits: 2^15, 2^31, 2^63, 10^18 and neighbours */
        switch (rnd(e, 4)) {
        case 0: exp = 16383 + 15; sig = 1ull << 63; break;
        case 1: exp = 16383 + 31; sig = 1ull << 63; break;
        case 2: exp = 16383 + 63; sig = 1ull << 63; break;
        default: exp = 16383 + 59; sig = 0xDE0B6B3A76400000ull; break; /* 10^18 */
        }
        if (chance(e, 50))
            sig += rnd(e, 3) - 1;
        if (!(sig >> 63)) {
            sig = ~0ull;
            exp--;
        }
        break;
    case 12: /* near the ends of the exponent range */
        exp = chance(e, 50) ? (uint16_t)(1 + rnd(e, 80)) : (uint16_t)(0x7FFE - rnd(e, 80));
        sig = r | 1ull << 63;
        break;
    case 13: /* near the ends of the single/double ranges */
        exp = (uint16_t)((chance(e, 50) ? (chance(e, 50) ? 16383 - 126 : 16383 + 127)
                                        : (chance(e, 50) ? 16383 - 1022 : 16383 + 1023)) +
                         (int)rnd(e, 60) - 30);
        sig = r | 1ull << 63;
        if (chance(e, 50))
            sig &= ~0ull << (chance(e, 50) ? 40 : 11);
        break;
    default: /* normal: random exponent near 1, or anywhere */
        exp = chance(e, 80) ? (uint16_t)(16383 + (int)rnd(e, 140) - 70) : (uint16_t)(1 + rnd(e, 0x7FFE));
        sig = r | 1ull << 63;
        if (chance(e, 25))
            sig &= ~0ull << (chance(e, 50) ? 40 : 11); /* exactly representable in single/double */
        break;
    }
    put80(out, (uint16_t)(sign | exp), sig);
}

static uint16_t rand_cw(struct em *e)
{
    static const uint16_t pcs[4] = { 0, 2, 3, 3 };
    uint16_t mask = 0x3F;
    if (e->fpu_exc && chance(e, 40))
        mask = (uint16_t)(rnd(e, 64) | (chance(e, 50) ? 0x20 : 0)); /* PE unmasked is frequent: keep it rare */
    return (uint16_t)(0x0040 | mask | pcs[rnd(e, 4)] << 8 | rnd(e, 4) << 10 | (chance(e, 10) ? 0x1000 : 0));
}

/* A status word consistent with cw: sticky flags of masked exceptions only. */
static uint16_t rand_sw(struct em *e, uint16_t cw)
{
    uint16_t fl = (uint16_t)(rnd(e, 64) & cw & 0x3F & (chance(e, 50) ? 0x3F : 0));
    if ((fl & 1) && chance(e, 50))
        fl |= 0x40; /* SF with IE */
    return (uint16_t)(fl | (rnd(e, 16) * FC0 & FCC) | (chance(e, 50) ? FC3 : 0) | rnd(e, 8) << 11);
}

void gen_fpu_init_state(struct em *e)
{
    uint8_t *im = e->s->fpu;
    memset(im, 0, DT_FPU_IMAGE);
    e->fpu_exc = chance(e, e->o->fpu_unmasked_pct);
    uint16_t cw = rand_cw(e), sw = rand_sw(e, cw), tw = 0;
    for (int p = 0; p < 8; p++)
        if (chance(e, 35))
            tw |= (uint16_t)(3u << (2 * p));
    if (chance(e, 10))
        tw = 0xFFFF; /* FNINIT-like */
    im[0] = (uint8_t)cw;
    im[1] = (uint8_t)(cw >> 8);
    im[4] = (uint8_t)sw;
    im[5] = (uint8_t)(sw >> 8);
    im[8] = (uint8_t)tw;
    im[9] = (uint8_t)(tw >> 8);
    for (int i = 0; i < 8; i++)
        rand_fx80(e, im + 28 + 10 * i);
    e->cpoison = 0;
}

/* ---- preludes: special values in memory (MOV m, imm) ---- */

static void pre_store(struct em *e, uint32_t addr, uint32_t v, int size)
{
    struct rm m = rm_abs(addr);
    begin_fp(e, K_FPRE);
    prefixes(e, &m, size, 0);
    bb(e, 0xC7);
    modrm(e, 0, &m);
    bimm(e, v, size);
}

static uint32_t special_f32(struct em *e)
{
    static const uint32_t v[] = { 0x00000000u, 0x80000000u, 0x7F800000u, 0xFF800000u, 0x7FC00000u,
                                  0xFFC00000u, 0x7FA00001u, 0x00000001u, 0x807FFFFFu, 0x00800000u,
                                  0x3F800000u, 0x3F000000u, 0xBFC00000u, 0x4B000000u, 0x7F7FFFFFu };
    uint32_t r = (uint32_t)dt_rand64(e->r);
    return chance(e, 70) ? v[rnd(e, sizeof(v) / sizeof(v[0]))] : r;
}

static uint32_t special_f64_hi(struct em *e)
{
    static const uint32_t v[] = { 0x00000000u, 0x80000000u, 0x7FF00000u, 0xFFF00000u, 0x7FF80000u,
                                  0x7FF40000u, 0x000FFFFFu, 0x00100000u, 0x3FF00000u, 0x3FE00000u,
                                  0x43300000u, 0x7FEFFFFFu, 0xC0000000u };
    return v[rnd(e, sizeof(v) / sizeof(v[0]))];
}

/* Store a special value of the given load form at addr (sometimes). */
static void pre_value(struct em *e, uint32_t addr, int form)
{
    switch (form) {
    case 0: /* m32 real */
        pre_store(e, addr, special_f32(e), 4);
        break;
    case 1: /* m64 real */
        pre_store(e, addr, chance(e, 50) ? 0 : (uint32_t)dt_rand64(e->r), 4);
        pre_store(e, addr + 4, special_f64_hi(e) | (chance(e, 30) ? rnd(e, 16) : 0), 4);
        break;
    case 2: { /* m80 */
        uint8_t v[10];
        rand_fx80(e, v);
        pre_store(e, addr, (uint32_t)v[0] | v[1] << 8 | v[2] << 16 | (uint32_t)v[3] << 24, 4);
        pre_store(e, addr + 4, (uint32_t)v[4] | v[5] << 8 | v[6] << 16 | (uint32_t)v[7] << 24, 4);
        pre_store(e, addr + 8, (uint32_t)v[8] | v[9] << 8, 2);
        break;
    }
    default: { /* packed BCD: 18 valid digits and a sign byte */
        uint32_t w[3] = { 0, 0, 0 };
        int ndig = (int)rnd(e, 19);
        for (int d = 0; d < ndig; d++)
            w[d / 8] |= rnd(e, 10) << (4 * (d % 8));
        w[2] |= chance(e, 50) ? 0x8000u : 0;
        pre_store(e, addr, w[0], 4);
        pre_store(e, addr + 4, w[1], 4);
        pre_store(e, addr + 8, w[2], 2);
        break;
    }
    }
}

/* An x87 instruction with a memory operand: esc (D8-DF), /reg. */
static void fmem(struct em *e, int kind, uint8_t esc, int reg, const struct rm *m, int opsize16)
{
    begin_fp(e, kind);
    prefixes(e, m, opsize16 ? 2 : 0, 0);
    bb(e, esc);
    modrm(e, reg, m);
}

static void freg(struct em *e, int kind, uint8_t esc, uint8_t modrm_byte)
{
    begin_fp(e, kind);
    bb(e, esc);
    bb(e, modrm_byte);
}

/* ---- the x87 class ---- */

static void x_load(struct em *e)
{
    static const struct { uint8_t esc; int reg, size, pre; } f[7] = {
        { 0xD9, 0, 4, 0 }, { 0xDD, 0, 8, 1 }, { 0xDB, 5, 10, 2 }, /* FLD m32 m64 m80 */
        { 0xDF, 0, 2, -1 }, { 0xDB, 0, 4, -1 }, { 0xDF, 5, 8, -1 }, /* FILD m16 m32 m64 */
        { 0xDF, 4, 10, 3 },                                      /* FBLD */
    };
    int k = (int)rnd(e, 7);
    uint32_t a = DT_DATA_BASE + 0x40 + rnd(e, 0xEC0 - 16);
    if (f[k].pre == 3 || (f[k].pre >= 0 && chance(e, 50)))
        pre_value(e, a, f[k].pre);
    struct rm m = rm_mem_at(e, a, 0);
    fmem(e, K_FLD, f[k].esc, f[k].reg, &m, 0);
    cc(e, FC1, FC023);
}

static void x_store(struct em *e)
{
    static const struct { uint8_t esc; int reg; } f[11] = {
        { 0xD9, 2 }, { 0xD9, 3 }, { 0xDD, 2 }, { 0xDD, 3 }, { 0xDB, 7 }, /* FST(P) m32 m64, FSTP m80 */
        { 0xDF, 2 }, { 0xDF, 3 }, { 0xDB, 2 }, { 0xDB, 3 }, { 0xDF, 7 }, /* FIST(P) m16 m32, FISTP m64 */
        { 0xDF, 6 },                                                   /* FBSTP */
    };
    int k = (int)rnd(e, 11);
    struct rm m = rm_mem(e, 0x40, 0xF00 - 16, 0);
    fmem(e, K_FST, f[k].esc, f[k].reg, &m, 0);
    cc(e, FC1, FC023);
}

static void x_arith(struct em *e)
{
    int op = (int)rnd(e, 8), form = (int)rnd(e, 7), i = (int)rnd(e, 8);
    if (form < 3) {
        /* D8 m32real, DC m64real, DA m32int, DE m16int */
        static const uint8_t esc[4] = { 0xD8, 0xDC, 0xDA, 0xDE };
        int k = (int)rnd(e, 4);
        uint32_t a = DT_DATA_BASE + 0x40 + rnd(e, 0xEC0 - 16);
        if (k < 2 && chance(e, 40))
            pre_value(e, a, k);
        struct rm m = rm_mem_at(e, a, 0);
        fmem(e, op == 2 || op == 3 ? K_FCOM : K_FARITH, esc[k], op, &m, 0);
    } else if (form < 5) {
        freg(e, op == 2 || op == 3 ? K_FCOM : K_FARITH, 0xD8, (uint8_t)(0xC0 | op << 3 | i)); /* st0, st(i) */
    } else if (form == 5) {
        if ((op == 2 || op == 3) && chance(e, 70))
            op ^= 4; /* DC D0/D8 are the undocumented FCOM2/FCOMP3: keep them rare */
        freg(e, op == 2 || op == 3 ? K_FCOM : K_FARITH, 0xDC, (uint8_t)(0xC0 | op << 3 | i)); /* st(i), st0 */
    } else {
        if (op == 3)
            op = chance(e, 70) ? 3 : 2;
        if (op == 3)
            freg(e, K_FCOM, 0xDE, 0xD9); /* FCOMPP */
        else if (op == 2)
            freg(e, K_FCOM, 0xDE, (uint8_t)(0xD0 | i)); /* FCOMP5 alias */
        else
            freg(e, K_FARITH, 0xDE, (uint8_t)(0xC0 | op << 3 | i)); /* ...P st(i), st0 */
    }
    if (e->s->kind[e->cur] == K_FCOM)
        cc(e, FCC, 0);
    else
        cc(e, FC1, FC023);
}

static void x_compare(struct em *e)
{
    int i = (int)rnd(e, 8);
    switch (rnd(e, 9)) {
    case 0: freg(e, K_FCOM, 0xDD, (uint8_t)(0xE0 | i)); cc(e, FCC, 0); break; /* FUCOM */
    case 1: freg(e, K_FCOM, 0xDD, (uint8_t)(0xE8 | i)); cc(e, FCC, 0); break; /* FUCOMP */
    case 2: freg(e, K_FCOM, 0xDA, 0xE9); cc(e, FCC, 0); break;                /* FUCOMPP */
    case 3: freg(e, K_FCOM, 0xD9, 0xE4); cc(e, FCC, 0); break;                /* FTST */
    case 4: freg(e, K_FCOM, 0xD9, 0xE5); cc(e, FCC, 0); break;                /* FXAM */
    case 5: case 6: {                                                        /* F(U)COMI(P) */
        static const uint8_t f[4][2] = { { 0xDB, 0xE8 }, { 0xDB, 0xF0 }, { 0xDF, 0xE8 }, { 0xDF, 0xF0 } };
        int k = (int)rnd(e, 4);
        freg(e, K_FCOM, f[k][0], (uint8_t)(f[k][1] | i));
        fx(e, ZF | PF | CF | OF | SF | AF, 0, 0);
        cc(e, 0, FC1); /* SDM: C1 = 0; the AMD host leaves it unchanged */
        break;
    }
    default: { /* FCMOVcc */
        static const uint32_t reads[4] = { CF, ZF, CF | ZF, PF };
        int c4 = (int)rnd(e, 4), neg = (int)rnd(e, 2);
        need(e, reads[c4]);
        freg(e, K_FCOM, neg ? 0xDB : 0xDA, (uint8_t)(0xC0 | c4 << 3 | i));
        cc(e, 0, FCC); /* SDM: C1 = 0 on underflow, else not said; the AMD host leaves it */
        break;
    }
    }
}

static void x_stack(struct em *e)
{
    int i = (int)rnd(e, 8);
    switch (rnd(e, 8)) {
    case 0: freg(e, K_FSTACK, 0xD9, (uint8_t)(0xC0 | i)); cc(e, FC1, FC023); break;  /* FLD st(i) */
    case 1: freg(e, K_FSTACK, 0xD9, (uint8_t)(0xC8 | i)); cc(e, FC1, FC023); break;  /* FXCH */
    case 2: freg(e, K_FSTACK, 0xDD, (uint8_t)(0xD0 | i)); cc(e, FC1, FC023); break;  /* FST st(i) */
    case 3: freg(e, K_FSTACK, 0xDD, (uint8_t)(0xD8 | i)); cc(e, FC1, FC023); break;  /* FSTP st(i) */
    case 4: freg(e, K_FSTACK, 0xDD, (uint8_t)(0xC0 | i)); cc(e, 0, FCC); break;      /* FFREE */
    case 5: freg(e, K_FSTACK, 0xD9, (uint8_t)(0xF6 + rnd(e, 2))); cc(e, FC1, FC023); break; /* FDECSTP FINCSTP */
    case 6: { /* undocumented aliases: FXCH4 DD C8, FXCH7 DF C8, FSTP8 DF D0, FSTP9 DF D8, FFREEP DF C0.
               * Not FSTP1 (D9 D8+i): the AMD host runs it as "FSTPNCE", which with an
               * empty ST(0) raises no stack underflow and stores nothing (docs/difftest.md) */
        static const uint8_t f[6][2] = { { 0xDD, 0xC8 }, { 0xDD, 0xC8 }, { 0xDF, 0xC8 },
                                         { 0xDF, 0xD0 }, { 0xDF, 0xD8 }, { 0xDF, 0xC0 } };
        int k = (int)rnd(e, 6);
        freg(e, K_FSTACK, f[k][0], (uint8_t)(f[k][1] | i));
        cc(e, k == 5 ? 0 : FC1, k == 5 ? FCC : FC023);
        break;
    }
    default: freg(e, K_FSTACK, 0xD9, (uint8_t)(0xE8 + rnd(e, 7))); cc(e, FC1, FC023); break; /* constants */
    }
}

static void x_unary(struct em *e)
{
    /* FCHS FABS FSQRT FRNDINT FSCALE FXTRACT FPREM FPREM1 FNOP */
    static const uint8_t f[9] = { 0xE0, 0xE1, 0xFA, 0xFC, 0xFD, 0xF4, 0xF8, 0xF5, 0xD0 };
    int k = (int)rnd(e, 9);
    freg(e, K_FUNARY, 0xD9, f[k]);
    if (k == 6 || k == 7)
        cc(e, FCC, 0);
    else if (k == 8)
        cc(e, 0, FCC);
    else
        cc(e, FC1, FC023);
}

static void x_control(struct em *e)
{
    switch (rnd(e, 10)) {
    case 0: case 1: { /* FLDCW from a prepared word */
        uint32_t a = DT_DATA_BASE + 0x40 + rnd(e, 0xEC0);
        pre_store(e, a, rand_cw(e), 2);
        struct rm m = rm_mem_at(e, a, 0);
        fmem(e, K_FCTRL, 0xD9, 5, &m, 0);
        cc(e, 0, FCC);
        break;
    }
    case 2: { /* FNSTCW m16 */
        struct rm m = rm_mem(e, 0x40, 0xF00, 0);
        fmem(e, K_FCTRL, 0xD9, 7, &m, 0);
        cc(e, 0, FCC);
        break;
    }
    case 3: case 4: { /* FNSTSW m16 / AX */
        need_cc(e);
        if (rnd(e, 2)) {
            struct rm m = rm_mem(e, 0x40, 0xF00, 0);
            fmem(e, K_FCTRL, 0xDD, 7, &m, 0);
        } else {
            freg(e, K_FCTRL, 0xDF, 0xE0);
        }
        cc(e, 0, FCC);
        break;
    }
    case 5: freg(e, K_FCTRL, 0xDB, 0xE2); cc(e, 0, FCC); break; /* FNCLEX */
    case 6: /* FNINIT (rare) or FWAIT */
        if (chance(e, 20)) {
            freg(e, K_FCTRL, 0xDB, 0xE3);
            cc(e, FCC, 0);
        } else {
            begin_fp(e, K_FCTRL);
            bb(e, 0x9B);
            cc(e, 0, FCC);
        }
        break;
    case 7: /* the 8087/287 leftovers FENI FDISI FSETPM: no-ops */
        freg(e, K_FCTRL, 0xDB, (uint8_t)(chance(e, 33) ? 0xE4 : 0xE0 + rnd(e, 2)));
        break;
    default: { /* FNSTENV, then edit the image and FLDENV it */
        if (e->s->nskip >= DT_MAX_SKIP) {
            freg(e, K_FCTRL, 0xDB, 0xE2);
            cc(e, 0, FCC);
            break;
        }
        /* in a region no other operand reads (0x1C00-0x1F00: above the stack
         * window and the string buffers), since the pointer fields differ */
        int o16 = chance(e, 20);
        uint32_t a = DT_DATA_BASE + 0x1C00 + rnd(e, 0x300 - 32);
        need_cc(e);
        struct rm m = rm_mem_at(e, a, 0);
        fmem(e, K_FENV, 0xD9, 6, &m, o16);
        /* instruction and data pointers: the host's differ (64-bit mode, its selectors) */
        gen_skip_mem(e, a + (o16 ? 6 : 12), o16 ? 8 : 16);
        cc(e, 0, FCC);
        if (chance(e, 70)) {
            int step = o16 ? 2 : 4;
            if (chance(e, 50)) {
                uint16_t cw = rand_cw(e);
                pre_store(e, a, cw, 2);
                if (chance(e, 70))
                    pre_store(e, a + step, rand_sw(e, cw), 2);
            }
            if (chance(e, 50))
                pre_store(e, a + 2 * step, (uint32_t)dt_rand64(e->r) & 0xFFFF, 2);
            m = rm_mem_at(e, a, 0);
            fmem(e, K_FENV, 0xD9, 4, &m, o16);
            cc(e, FCC, 0);
        }
        break;
    }
    }
}

void g_x87(struct em *e)
{
    int w = (int)rnd(e, 100);
    if (w < 18)
        x_load(e);
    else if (w < 32)
        x_store(e);
    else if (w < 58)
        x_arith(e);
    else if (w < 70)
        x_compare(e);
    else if (w < 80)
        x_stack(e);
    else if (w < 90)
        x_unary(e);
    else
        x_control(e);
}

/* ---- MMX ---- */

void g_mmx(struct em *e)
{
    /* mm, mm/m64 forms (0F xx /r) */
    static const uint8_t ops[] = {
        0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, /* punpck, pack, pcmpgt */
        0x74, 0x75, 0x76,                                                       /* pcmpeq */
        0xD1, 0xD2, 0xD3, 0xD5, 0xD8, 0xD9, 0xDB, 0xDC, 0xDD, 0xDF,             /* psrl, pmullw, psubus, pand... */
        0xE1, 0xE2, 0xE5, 0xE8, 0xE9, 0xEB, 0xEC, 0xED, 0xEF,                   /* psra, pmulhw, psubs, por... */
        0xF1, 0xF2, 0xF3, 0xF5, 0xF8, 0xF9, 0xFA, 0xFC, 0xFD, 0xFE,             /* psll, pmaddwd, psub, padd */
    };
    int mm = (int)rnd(e, 8), src = (int)rnd(e, 8);
    int form = (int)rnd(e, 10);
    if (form < 5) {
        uint8_t op = ops[rnd(e, sizeof(ops))];
        struct rm m = chance(e, 35) ? rm_mem(e, 0x40, 0xF00 - 8, 0) : rm_reg(src);
        begin_fp(e, K_MMX);
        prefixes(e, &m, 0, 0);
        bb(e, 0x0F);
        bb(e, op);
        modrm(e, mm, &m);
    } else if (form == 5) { /* shifts by immediate: 71/72 /2 /4 /6, 73 /2 /6 */
        static const uint8_t f[8][2] = { { 0x71, 2 }, { 0x71, 4 }, { 0x71, 6 }, { 0x72, 2 },
                                         { 0x72, 4 }, { 0x72, 6 }, { 0x73, 2 }, { 0x73, 6 } };
        int k = (int)rnd(e, 8);
        begin_fp(e, K_MMX);
        bb(e, 0x0F);
        bb(e, f[k][0]);
        bb(e, (uint8_t)(0xC0 | f[k][1] << 3 | mm));
        bb(e, (uint8_t)(chance(e, 80) ? rnd(e, 70) : rnd(e, 256)));
    } else if (form < 9) { /* MOVD/MOVQ, both directions, registers and memory */
        int k = (int)rnd(e, 4); /* 0 movd mm,r/m32  1 movd r/m32,mm  2 movq mm,mm/m64  3 movq mm/m64,mm */
        struct rm m;
        if (chance(e, 45))
            m = rm_mem(e, 0x40, 0xF00 - 8, 0);
        else
            m = rm_reg(k == 1 ? wreg(e) : k == 0 ? (int)rnd(e, 8) : src);
        begin_fp(e, K_MMXMOV);
        prefixes(e, &m, 0, 0);
        bb(e, 0x0F);
        bb(e, (uint8_t)(k == 0 ? 0x6E : k == 1 ? 0x7E : k == 2 ? 0x6F : 0x7F));
        modrm(e, mm, &m);
    } else { /* EMMS */
        begin_fp(e, K_MMX);
        bb(e, 0x0F);
        bb(e, 0x77);
    }
}
