/*
 * fpu_trans.c - the x87 transcendental instructions FSIN FCOS FSINCOS FPTAN
 * FPATAN F2XM1 FYL2X FYL2XP1, computed in the project's own 128-bit binary
 * floating point ("hp": 128-bit significand, 32-bit exponent) and rounded
 * once to 64 bits under RC (precision control does not apply, SDM 8.1.5.2).
 *
 * Argument reduction for FSIN/FCOS/FSINCOS/FPTAN is exact against the 66-bit
 * approximation of pi the P6 uses (SDM Vol. 1 8.3.10): r = x - k * pi66/2 in
 * 256-bit integers, so results near multiples of pi carry the same error as
 * the hardware's.  Series are summed to ~2^-120 relative; the final rounding
 * is then correct except in rare near-halfway cases.  Measured agreement with
 * the host processor is in docs/x87.md.
 */
#include "cpu/fpu.h"
#include "cpu/fpu_int.h"

struct hp {
    uint64_t hi, lo;  /* value = (hi + lo / 2^64) * 2^(exp - 63); hi bit 63 set unless zero */
    int32_t exp;
    int sign;
};

static struct hp hp_zero(void) { struct hp r = { 0, 0, 0, 0 }; return r; }

static struct hp hp_norm(struct hp a)
{
    if (!a.hi && !a.lo)
        return hp_zero();
    int n = a.hi ? fx_clz64(a.hi) : 64 + fx_clz64(a.lo);
    fx_shl128(&a.hi, &a.lo, n);
    a.exp -= n;
    return a;
}

static struct hp hp_make(int sign, int32_t exp, uint64_t hi, uint64_t lo)
{
    struct hp r = { hi, lo, exp, sign };
    return hp_norm(r);
}

static struct hp hp_from_fx(struct fx80 a)
{
    int32_t e;
    uint64_t m;
    fx_unpack(a, &e, &m);
    return hp_make(fx_sign(a), e, m, 0);
}

static struct hp hp_from_int(int64_t v)
{
    uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    return hp_make(v < 0, 63, m, 0);
}

static struct hp hp_const(uint16_t se, uint64_t hi, uint64_t lo)
{
    return hp_make(se >> 15, (se & 0x7FFF) - 16383, hi, lo);
}

static struct hp hp_neg(struct hp a)
{
    a.sign ^= 1;
    return a;
}

static struct hp hp_add(struct hp a, struct hp b)
{
    if (!a.hi)
        return b;
    if (!b.hi)
        return a;
    if (a.exp < b.exp || (a.exp == b.exp && (a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo)))) {
        struct hp t = a; a = b; b = t;
    }
    /* one guard bit on top for the carry */
    uint64_t ah = a.hi, al = a.lo, bh = b.hi, bl = b.lo;
    fx_shr128_jam(&ah, &al, 1);
    fx_shr128_jam(&bh, &bl, 1 + (a.exp - b.exp));
    uint64_t rh, rl;
    if (a.sign == b.sign) {
        rl = al + bl;
        rh = ah + bh + (rl < al);
    } else {
        rl = al - bl;
        rh = ah - bh - (al < bl);
    }
    return hp_make(a.sign, a.exp + 1, rh, rl);
}

static struct hp hp_sub(struct hp a, struct hp b) { return hp_add(a, hp_neg(b)); }

static struct hp hp_mul(struct hp a, struct hp b)
{
    if (!a.hi || !b.hi)
        return hp_zero();
    uint64_t h1, l1, h2, l2, h3, l3;
    fx_mul64(a.hi, b.hi, &h1, &l1);
    fx_mul64(a.hi, b.lo, &h2, &l2);
    fx_mul64(a.lo, b.hi, &h3, &l3);
    uint64_t lo = l1 + h2;
    uint64_t hi = h1 + (lo < l1);
    uint64_t lo2 = lo + h3;
    hi += lo2 < lo;
    return hp_make(a.sign ^ b.sign, a.exp + b.exp + 1, hi, lo2);
}

/* a / d for a small positive integer d */
static struct hp hp_div_u32(struct hp a, uint32_t d)
{
    uint32_t w[5] = { (uint32_t)(a.hi >> 32), (uint32_t)a.hi, (uint32_t)(a.lo >> 32), (uint32_t)a.lo, 0 };
    uint64_t rem = 0;
    for (int k = 0; k < 5; k++) {
        uint64_t cur = rem << 32 | w[k];
        w[k] = (uint32_t)(cur / d);
        rem = cur % d;
    }
    /* the quotient has 160 bits at scale 2^-32 below a; keep the top 128 after normalising */
    uint64_t hi = (uint64_t)w[0] << 32 | w[1], lo = (uint64_t)w[2] << 32 | w[3];
    int n = hi ? fx_clz64(hi) : 64;
    struct hp r = hp_make(a.sign, a.exp, hi, lo);
    if (n > 0 && n < 32) {
        r.lo |= (uint64_t)w[4] >> (32 - n);
    }
    return r;
}

static struct hp hp_div(struct hp a, struct hp b)
{
    if (!a.hi)
        return a;
    /* restoring division: 128 quotient bits */
    uint64_t rh = a.hi, rl = a.lo, top = 0, qh = 0, ql = 0;
    int32_t e = a.exp - b.exp;
    if (rh < b.hi || (rh == b.hi && rl < b.lo)) {
        top = rh >> 63;
        rh = rh << 1 | rl >> 63;
        rl <<= 1;
        e--;
    }
    for (int k = 0; k < 128; k++) {
        qh = qh << 1 | ql >> 63;
        ql <<= 1;
        if (top || rh > b.hi || (rh == b.hi && rl >= b.lo)) {
            uint64_t nl = rl - b.lo;
            rh = rh - b.hi - (rl < b.lo);
            rl = nl;
            top = 0;
            ql |= 1;
        }
        top = rh >> 63;
        rh = rh << 1 | rl >> 63;
        rl <<= 1;
    }
    /* sticky bit: a nonzero remainder means the true quotient is larger */
    if (top || rh || rl)
        ql |= 1;
    return hp_make(a.sign ^ b.sign, e, qh, ql);
}

static struct hp hp_sqrt(struct hp a)
{
    if (!a.hi)
        return a;
    struct fpstat s = { 0x037F, 0, 0, 0, 0 };
    struct fx80 x = fx_round_pack(&s, 0, a.exp, a.hi, a.lo, 64);
    struct hp y = hp_from_fx(fx_sqrt(&s, x));
    y = hp_add(y, hp_div(a, y));
    y.exp--;
    return y;
}

static struct fx80 hp_round(struct fpstat *s, struct hp a)
{
    if (!a.hi)
        return fx_make((uint16_t)(a.sign << 15), 0);
    return fx_round_pack(s, a.sign, a.exp, a.hi, a.lo | 1, 64);
}

/* constants to 128 bits */
static struct hp hp_pi(void) { return hp_const(0x4000, 0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull); }
static struct hp hp_ln2(void) { return hp_const(0x3FFE, 0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull); }
static struct hp hp_log2e(void) { return hp_const(0x3FFF, 0xB8AA3B295C17F0BBull, 0xBE87FED0691D3E88ull); }
static struct hp hp_one(void) { return hp_make(0, 0, 1ull << 63, 0); }

static int hp_negligible(struct hp term, struct hp sum)
{
    return !term.hi || term.exp < sum.exp - 124;
}

/* sin (want_cos = 0) or cos of |r| <= ~pi/4 */
static struct hp series_sincos(struct hp r, int want_cos)
{
    struct hp r2 = hp_mul(r, r);
    struct hp term = want_cos ? hp_one() : r, sum = term;
    for (uint32_t n = want_cos ? 1 : 2; n < 80; n += 2) {
        term = hp_neg(hp_div_u32(hp_mul(term, r2), n * (n + 1)));
        sum = hp_add(sum, term);
        if (hp_negligible(term, sum))
            break;
    }
    return sum;
}

/* Reduce x (finite, |x| < 2^63) by the P6's 66-bit pi/2: returns r and k mod 4. */
static struct hp reduce(struct fx80 x, int *quad)
{
    int32_t e;
    uint64_t m;
    fx_unpack(x, &e, &m);
    int sign = fx_sign(x);
    *quad = 0;
    if (e < 0 || !m) {
        return hp_make(sign, e, m, 0);
    }
    /* P66 = round(pi * 2^64), 66 bits: pi/2 = P66 * 2^-65 */
    const uint64_t ph = 3, pl = 0x243F6A8885A308D3ull;
    struct hp q = hp_mul(hp_make(0, e, m, 0), hp_div(hp_one(), hp_make(0, 0, 0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull)));
    /* k = nearest integer to |x| / (pi/2) */
    uint64_t k;
    if (q.exp < 0) {
        k = q.exp == -1 ? 1 : 0;
    } else {
        uint64_t ih = q.hi, il = q.lo;
        fx_shr128_jam(&ih, &il, 63 - q.exp);
        k = ih + ((q.exp < 63 ? q.hi << (q.exp + 1) : q.lo) >> 63);
        (void)il;
    }
    /* exact r = |x| - k * P66 * 2^-65, as 256-bit integers at scale 2^-128 */
    uint64_t xa[4] = { 0, 0, 0, 0 }, kp[4] = { 0, 0, 0, 0 };
    /* |x| * 2^128 = m * 2^(e + 65) */
    int sh = e + 65;
    xa[sh / 64] = m << (sh % 64);
    if (sh % 64)
        xa[sh / 64 + 1] = m >> (64 - sh % 64);
    /* k * P66 * 2^63 */
    uint64_t h0, l0;
    fx_mul64(k, pl, &h0, &l0);
    uint64_t hh, ll;
    fx_mul64(k, ph, &hh, &ll);
    uint64_t t1 = h0 + ll;
    uint64_t c2 = hh + (t1 < h0);
    /* (c2:t1:l0) << 63 */
    kp[0] = l0 << 63;
    kp[1] = l0 >> 1 | t1 << 63;
    kp[2] = t1 >> 1 | c2 << 63;
    kp[3] = c2 >> 1;
    uint64_t r[4], borrow = 0;
    for (int j = 0; j < 4; j++) {
        uint64_t d = xa[j] - kp[j];
        uint64_t b1 = xa[j] < kp[j];
        r[j] = d - borrow;
        borrow = b1 | (d < borrow);
    }
    int rneg = (int)(r[3] >> 63);
    if (rneg) {
        uint64_t carry = 1;
        for (int j = 0; j < 4; j++) {
            r[j] = ~r[j] + carry;
            carry = carry && r[j] == 0;
        }
    }
    /* to hp: find the top word */
    int top = 3;
    while (top > 0 && !r[top])
        top--;
    uint64_t hi = r[top], lo = top ? r[top - 1] : 0, lo2 = top > 1 ? r[top - 2] : 0;
    int n = fx_clz64(hi);
    if (n && n < 64) {
        hi = hi << n | lo >> (64 - n);
        lo = lo << n | lo2 >> (64 - n);
    }
    /* value = r * 2^-128; hi's bit 63 sits at bit position 64*top + 63 - n */
    int32_t ex = 64 * top + 63 - n - 128;
    *quad = (int)((sign ? 0 - k : k) & 3); /* x = (+-k) pi/2 + r */
    return hp_make(sign ^ rneg, ex, hi, lo);
}

static int trig_special(struct fpstat *s, struct fx80 a, struct fx80 *res, int *oor)
{
    enum fx_class k = fx_classify(a);
    *oor = 0;
    if (k == FXC_UNSUPPORTED || k == FXC_INF) {
        s->ex |= FSW_IE;
        *res = fx_indefinite();
        return 1;
    }
    if (k == FXC_QNAN || k == FXC_SNAN) {
        *res = fx_propagate_nan(s, a, a);
        return 1;
    }
    if (k == FXC_DENORMAL)
        s->ex |= FSW_DE;
    if (fx_exp(a) >= 16383 + 63) {
        *oor = 1;
        return 1;
    }
    return 0;
}

void fx_sincos(struct fpstat *s, struct fx80 a, struct fx80 *sn, struct fx80 *cs, int *oor)
{
    struct fx80 r;
    if (trig_special(s, a, &r, oor)) {
        *sn = *cs = r;
        return;
    }
    if (fx_classify(a) == FXC_ZERO) {
        *sn = a;
        *cs = fx_make(0x3FFF, 1ull << 63);
        return;
    }
    int q;
    struct hp x = reduce(a, &q);
    struct hp sv = series_sincos(x, 0), cv = series_sincos(x, 1);
    struct hp rs = q & 1 ? cv : sv, rc = q & 1 ? sv : cv;
    if (q == 2 || q == 3)
        rs = hp_neg(rs);
    if (q == 1 || q == 2)
        rc = hp_neg(rc);
    struct fpstat t = *s;
    *sn = hp_round(s, rs);
    *cs = hp_round(&t, rc);
    s->ex |= t.ex;
}

struct fx80 fx_sin(struct fpstat *s, struct fx80 a, int *oor)
{
    struct fx80 sn, cs;
    fx_sincos(s, a, &sn, &cs, oor);
    return sn;
}

struct fx80 fx_cos(struct fpstat *s, struct fx80 a, int *oor)
{
    struct fx80 r;
    if (trig_special(s, a, &r, oor))
        return r;
    if (fx_classify(a) == FXC_ZERO)
        return fx_make(0x3FFF, 1ull << 63);
    int q;
    struct hp x = reduce(a, &q);
    struct hp v = series_sincos(x, !(q & 1));
    if (q == 1 || q == 2)
        v = hp_neg(v);
    return hp_round(s, v);
}

struct fx80 fx_tan(struct fpstat *s, struct fx80 a, int *oor)
{
    struct fx80 r;
    if (trig_special(s, a, &r, oor))
        return r;
    if (fx_classify(a) == FXC_ZERO)
        return a;
    int q;
    struct hp x = reduce(a, &q);
    struct hp v;
    if (x.hi && x.exp < -40) {
        /* tiny reduced argument: explicit series keep the direction of the
         * error for results within 2^-128 of a representable value
         * (tan r = r + r^3/3 + 2r^5/15, -cot r = -1/r + r/3 + r^3/45) */
        struct hp r2 = hp_mul(x, x), r3 = hp_mul(r2, x);
        if (q & 1) {
            v = hp_add(hp_neg(hp_div(hp_one(), x)), hp_add(hp_div_u32(x, 3), hp_div_u32(r3, 45)));
        } else {
            v = hp_add(x, hp_add(hp_div_u32(r3, 3), hp_div_u32(hp_mul(hp_mul(r3, r2), hp_from_int(2)), 15)));
        }
    } else {
        struct hp sv = series_sincos(x, 0), cv = series_sincos(x, 1);
        v = q & 1 ? hp_neg(hp_div(cv, sv)) : hp_div(sv, cv);
    }
    return hp_round(s, v);
}

/* atan of |t| <= 1 by argument halving and the odd series */
static struct hp atan_core(struct hp t)
{
    int halvings = 0;
    while (t.hi && t.exp > -5 && halvings < 6) {
        /* atan t = 2 atan(t / (1 + sqrt(1 + t^2))) */
        struct hp d = hp_add(hp_one(), hp_sqrt(hp_add(hp_one(), hp_mul(t, t))));
        t = hp_div(t, d);
        halvings++;
    }
    struct hp t2 = hp_mul(t, t), pw = t, sum = t;
    for (uint32_t n = 3; n < 200; n += 2) {
        pw = hp_neg(hp_mul(pw, t2));
        struct hp term = hp_div_u32(pw, n);
        sum = hp_add(sum, term);
        if (hp_negligible(term, sum))
            break;
    }
    sum.exp += halvings;
    return sum;
}

static struct fx80 fxc(int sign, struct hp v, struct fpstat *s)
{
    v.sign = sign;
    return hp_round(s, v);
}

struct fx80 fx_atan2(struct fpstat *s, struct fx80 y, struct fx80 x)
{
    struct fx80 r;
    if (fx_check_ops(s, y, x, &r))
        return r;
    enum fx_class ky = fx_classify(y), kx = fx_classify(x);
    int sy = fx_sign(y), sx = fx_sign(x);
    struct hp pi = hp_pi(), pi2 = pi, pi4 = pi;
    pi2.exp--;
    pi4.exp -= 2;
    if (ky == FXC_ZERO) {
        if (!sx)
            return y;
        return fxc(sy, pi, s);
    }
    if (ky == FXC_INF) {
        if (kx == FXC_INF)
            return fxc(sy, sx ? hp_add(pi2, pi4) : pi4, s);
        return fxc(sy, pi2, s);
    }
    if (kx == FXC_INF)
        return sx ? fxc(sy, pi, s) : fx_make((uint16_t)(sy << 15), 0);
    if (kx == FXC_ZERO)
        return fxc(sy, pi2, s);
    struct hp hy = hp_from_fx(y), hx = hp_from_fx(x);
    hy.sign = hx.sign = 0;
    struct hp v;
    int swap = hy.exp > hx.exp || (hy.exp == hx.exp && hy.hi > hx.hi);
    v = swap ? atan_core(hp_div(hx, hy)) : atan_core(hp_div(hy, hx));
    if (swap)
        v = hp_sub(pi2, v);
    if (sx)
        v = hp_sub(pi, v);
    return fxc(sy, v, s);
}

struct fx80 fx_2xm1(struct fpstat *s, struct fx80 a)
{
    enum fx_class k = fx_classify(a);
    if (k == FXC_UNSUPPORTED) {
        s->ex |= FSW_IE;
        return fx_indefinite();
    }
    if (k == FXC_QNAN || k == FXC_SNAN)
        return fx_propagate_nan(s, a, a);
    if (k == FXC_ZERO)
        return a;
    if (k == FXC_INF)
        return fx_sign(a) ? fx_make(0xBFFF, 1ull << 63) : a;
    if (k == FXC_DENORMAL)
        s->ex |= FSW_DE;
    if (fx_exp(a) == 16383 && a.sig == 1ull << 63) {
        /* x = +-1: the exact 1 and -1/2 (PE still reported, as the host does) */
        s->ex |= FSW_PE;
        s->c1 = 0;
        return fx_sign(a) ? fx_make(0xBFFE, 1ull << 63) : fx_make(0x3FFF, 1ull << 63);
    }
    /* e^y - 1 with y = x ln 2: sum y^n / n! for n >= 1 */
    struct hp y = hp_mul(hp_from_fx(a), hp_ln2());
    struct hp term = y, sum = y;
    for (uint32_t n = 2; n < 200; n++) {
        term = hp_div_u32(hp_mul(term, y), n);
        sum = hp_add(sum, term);
        if (hp_negligible(term, sum))
            break;
    }
    return hp_round(s, sum);
}

/* ln of m in [1, 2): 2 atanh((m - 1) / (m + 1)) */
static struct hp ln_core(struct hp t)
{
    struct hp t2 = hp_mul(t, t), pw = t, sum = t;
    for (uint32_t n = 3; n < 400; n += 2) {
        pw = hp_mul(pw, t2);
        struct hp term = hp_div_u32(pw, n);
        sum = hp_add(sum, term);
        if (hp_negligible(term, sum))
            break;
    }
    sum.exp++;
    return sum;
}

/* log2 of a finite positive value, exactly 0 for 1 */
static struct hp log2_hp(struct hp x)
{
    int32_t e = x.exp;
    struct hp m = x;
    m.exp = 0;
    /* m in [sqrt(1/2), sqrt(2)) */
    if (m.hi > 0xB504F333F9DE6484ull) {
        m.exp = -1;
        e++;
    }
    struct hp one = hp_one();
    struct hp t = hp_div(hp_sub(m, one), hp_add(m, one));
    struct hp l = hp_mul(ln_core(t), hp_log2e());
    return hp_add(hp_from_int(e), l);
}

/* Invalid operands of FYL2X/FYL2XP1: IE, and no DE even for a denormal
 * operand (measured on the host). */
static struct fx80 invalid(struct fpstat *s)
{
    s->ex = (uint16_t)((s->ex & ~FSW_DE) | FSW_IE);
    return fx_indefinite();
}

struct fx80 fx_yl2x(struct fpstat *s, struct fx80 x, struct fx80 y)
{
    struct fx80 r;
    if (fx_check_ops(s, x, y, &r))
        return r;
    enum fx_class kx = fx_classify(x), ky = fx_classify(y);
    int sx = fx_sign(x), sy = fx_sign(y);
    struct fx80 inf_p = fx_make(0x7FFF, 1ull << 63);
    /* invalid operands: IE without DE (measured on the host) */
    if (sx && kx != FXC_ZERO) {
        return invalid(s);
    }
    if (kx == FXC_ZERO) {
        if (ky == FXC_ZERO) {
            return invalid(s);
        }
        if (ky != FXC_INF)
            s->ex = (uint16_t)((s->ex & ~FSW_DE) | FSW_ZE); /* no DE with ZE (host) */
        inf_p.se |= (uint16_t)(!sy << 15);
        return inf_p;
    }
    if (kx == FXC_INF) {
        if (ky == FXC_ZERO) {
            return invalid(s);
        }
        inf_p.se |= (uint16_t)(sy << 15);
        return inf_p;
    }
    struct hp lx = log2_hp(hp_from_fx(x));
    if (ky == FXC_INF) {
        if (!lx.hi) {
            return invalid(s);
        }
        inf_p.se |= (uint16_t)((sy ^ lx.sign) << 15);
        return inf_p;
    }
    if (ky == FXC_ZERO || !lx.hi)
        return fx_make((uint16_t)((sy ^ lx.sign) << 15), 0);
    return hp_round(s, hp_mul(lx, hp_from_fx(y)));
}

struct fx80 fx_yl2xp1(struct fpstat *s, struct fx80 x, struct fx80 y)
{
    struct fx80 r;
    if (fx_check_ops(s, x, y, &r))
        return r;
    enum fx_class kx = fx_classify(x), ky = fx_classify(y);
    int sx = fx_sign(x), sy = fx_sign(y);
    if (kx == FXC_ZERO) {
        if (ky == FXC_INF) {
            return invalid(s);
        }
        return fx_make((uint16_t)((sx ^ sy) << 15), 0);
    }
    if (kx == FXC_INF) {
        if (sx || ky == FXC_ZERO) {
            return invalid(s);
        }
        return fx_make((uint16_t)(sy << 15 | 0x7FFF), 1ull << 63);
    }
    struct hp hx = hp_from_fx(x);
    if (ky == FXC_INF)
        return fx_make((uint16_t)((sy ^ sx) << 15 | 0x7FFF), 1ull << 63);
    if (ky == FXC_ZERO)
        return fx_make((uint16_t)((sy ^ sx) << 15), 0);
    if (sx && (hx.exp >= 0)) {
        return invalid(s);
    }
    struct hp l;
    if (hx.exp >= -2) {
        l = log2_hp(hp_add(hp_one(), hx));
    } else {
        /* ln(1 + x) = 2 atanh(x / (2 + x)) */
        struct hp two = hp_one();
        two.exp = 1;
        l = hp_mul(ln_core(hp_div(hx, hp_add(two, hx))), hp_log2e());
    }
    return hp_round(s, hp_mul(l, hp_from_fx(y)));
}
