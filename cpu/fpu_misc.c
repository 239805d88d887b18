/*
 * fpu_misc.c - D9 F0-FF: F2XM1 FYL2X FPTAN FPATAN FXTRACT FPREM1 FDECSTP
 * FINCSTP FPREM FYL2XP1 FSQRT FSINCOS FRNDINT FSCALE FSIN FCOS (Intel SDM
 * Vol. 2 instruction pages for the stack effects and condition codes).
 */
#include "cpu/cpu.h"
#include "cpu/fpu.h"
#include "cpu/fpu_priv.h"

static struct fx80 st(struct fpu *f, int i) { return f->st[fpu_phys(f, i)]; }

static void set_top(struct fpu *f, int t)
{
    f->sw = (uint16_t)((f->sw & ~FSW_TOP) | (unsigned)(t & 7) << 11);
}

static void pop(struct fpu *f)
{
    f->tw |= (uint16_t)(3u << (2 * fpu_phys(f, 0)));
    set_top(f, fpu_top(f) + 1);
}

static void push(struct fpu *f, struct fx80 v)
{
    set_top(f, fpu_top(f) - 1);
    fpu_set_st(f, 0, v);
}

static void set_c2(struct fpu *f, int v)
{
    f->sw = (uint16_t)((f->sw & ~FSW_C2) | (v ? FSW_C2 : 0));
}

/* ST(0) = fn(ST(0)) */
static void unary(struct cpu *c, int k)
{
    struct fpu *f = &c->fpu;
    if (fpu_empty(f, 0)) {
        if (fpu_stack_fault(c, 0))
            fpu_set_st(f, 0, fx_indefinite());
        return;
    }
    struct fpstat s = { f->cw, 0, 0, 0, 0 };
    struct fx80 x = st(f, 0), r;
    int oor = 0;
    switch (k) {
    case 0x0: r = fx_2xm1(&s, x); break;
    case 0xA: r = fx_sqrt(&s, x); break;
    case 0xC: r = fx_round_int(&s, x); break;
    case 0xE: r = fx_sin(&s, x, &oor); break;
    default: r = fx_cos(&s, x, &oor); break;
    }
    if (oor) {
        set_c2(f, 1);
        f->sw &= (uint16_t)~FSW_C1;
        return;
    }
    if (!fpu_commit_flags(c, &s))
        return;
    if (k >= 0xE)
        set_c2(f, 0);
    fpu_set_st(f, 0, r);
}

/* ST(1) = fn(ST(0), ST(1)), pop */
static void binary_pop(struct cpu *c, int k)
{
    struct fpu *f = &c->fpu;
    struct fx80 r;
    if (fpu_empty(f, 0) || fpu_empty(f, 1)) {
        if (!fpu_stack_fault(c, 0))
            return;
        r = fx_indefinite();
    } else {
        struct fpstat s = { f->cw, 0, 0, 0, 0 };
        struct fx80 x = st(f, 0), y = st(f, 1);
        if (k == 0x1)
            r = fx_yl2x(&s, x, y);
        else if (k == 0x9)
            r = fx_yl2xp1(&s, x, y);
        else
            r = fx_atan2(&s, y, x);
        if (!fpu_commit_flags(c, &s))
            return;
    }
    fpu_set_st(f, 1, r);
    pop(f);
}

/* FPREM, FPREM1, FSCALE: ST(0) = fn(ST(0), ST(1)) */
static void binary_keep(struct cpu *c, int k)
{
    struct fpu *f = &c->fpu;
    struct fx80 r;
    uint16_t cc = 0;
    /* FPREM/FPREM1 stopped by a stack fault or an invalid or denormal
     * operand, masked or not, clear C2 (and C1) and keep C0 C3 (measured on
     * the host) */
    if (fpu_empty(f, 0) || fpu_empty(f, 1)) {
        int masked = fpu_stack_fault(c, 0);
        if (k != 0xD)
            set_c2(f, 0);
        if (!masked)
            return;
        r = fx_indefinite();
    } else {
        struct fpstat s = { f->cw, 0, 0, 0, 0 };
        if (k == 0xD)
            r = fx_scale(&s, st(f, 0), st(f, 1));
        else
            r = fx_rem(&s, st(f, 0), st(f, 1), k == 0x5, &cc);
        if (!fpu_commit_flags(c, &s)) {
            if (k != 0xD)
                set_c2(f, 0);
            return;
        }
        /* a NaN result (NaN or invalid operands) leaves C0 and C3 alone and
         * clears C1 and C2 (measured on the host) */
        if (k != 0xD)
            f->sw = fx_is_nan(r) ? (uint16_t)(f->sw & ~(FSW_C1 | FSW_C2))
                                 : (uint16_t)((f->sw & ~FSW_CC) | cc);
    }
    fpu_set_st(f, 0, r);
}

/* FXTRACT, FPTAN, FSINCOS: ST(0) = a, then push b */
static void two_results(struct cpu *c, int k)
{
    struct fpu *f = &c->fpu;
    if (fpu_empty(f, 0) || !fpu_empty(f, 7)) {
        int over = !fpu_empty(f, 0);
        if (!fpu_stack_fault(c, over))
            return;
        fpu_set_st(f, 0, fx_indefinite());
        push(f, fx_indefinite());
        return;
    }
    struct fpstat s = { f->cw, 0, 0, 0, 0 };
    struct fx80 x = st(f, 0), a, b;
    int oor = 0;
    if (k == 0x4) {
        b = fx_xtract(&s, x, &a);
    } else if (k == 0x2) {
        a = fx_tan(&s, x, &oor);
        b = fx_make(0x3FFF, 1ull << 63);
        if (fx_is_nan(a) || fx_classify(x) == FXC_UNSUPPORTED)
            b = a;
    } else {
        fx_sincos(&s, x, &a, &b, &oor);
    }
    if (oor) {
        set_c2(f, 1);
        f->sw &= (uint16_t)~FSW_C1;
        return;
    }
    if (!fpu_commit_flags(c, &s))
        return;
    if (k != 0x4)
        set_c2(f, 0);
    fpu_set_st(f, 0, a);
    push(f, b);
}

void fpu_exec_misc(struct cpu *c, int k)
{
    struct fpu *f = &c->fpu;
    switch (k) {
    case 0x0: case 0xA: case 0xC: case 0xE: case 0xF: unary(c, k); break;
    case 0x1: case 0x3: case 0x9: binary_pop(c, k); break;
    case 0x2: case 0x4: case 0xB: two_results(c, k); break;
    case 0x5: case 0x8: case 0xD: binary_keep(c, k); break;
    case 0x6:
        set_top(f, fpu_top(f) - 1);
        f->sw &= (uint16_t)~FSW_C1;
        break;
    default: /* 0x7 */
        set_top(f, fpu_top(f) + 1);
        f->sw &= (uint16_t)~FSW_C1;
        break;
    }
}
