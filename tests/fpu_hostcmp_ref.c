/*
 * fpu_hostcmp_ref.c - for fpu_hostcmp: the random operands of each
 * operation (normal values in and around the documented domains, values near
 * multiples of the hardware's pi, specials: zeros, infinities, NaNs,
 * denormals, pseudo-denormals, unnormals) and the binary128 reference
 * (libquadmath) that decides whether a result is correctly rounded.  See
 * fpu_hostcmp.c for the method and docs/x87.md.
 */
#include <quadmath.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu/fpu.h"
#include "cpu/fpu_priv.h"
#include "tests/fpu_hostcmp.h"

/* ---- operands ---- */

static uint64_t rng_s;

void gen_seed(uint64_t seed)
{
    rng_s = seed;
}

static uint64_t r64(void)
{
    uint64_t z = (rng_s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
int rnd(int n) { return (int)((r64() >> 33) % (uint64_t)n); }
static int rrange(int lo, int hi) { return lo + rnd(hi - lo + 1); }

static struct fx80 mk(int sign, int e, uint64_t sig) /* e unbiased; sig with J */
{
    int be = e + 16383;
    if (be <= 0) { /* denormal */
        int sh = 1 - be;
        sig = sh >= 64 ? 0 : sig >> sh;
        be = 0;
        if (!sig)
            sig = 1;
    }
    return fx_make((uint16_t)(sign << 15 | be), sig);
}

static struct fx80 special(void)
{
    switch (rnd(9)) {
    case 0: return fx_make((uint16_t)(rnd(2) << 15), 0);
    case 1: return fx_make((uint16_t)(rnd(2) << 15 | 0x7FFF), 1ull << 63);
    case 2: return fx_make((uint16_t)(rnd(2) << 15 | 0x7FFF), 3ull << 62 | r64() >> 3);
    case 3: return fx_make((uint16_t)(rnd(2) << 15 | 0x7FFF), 1ull << 63 | (r64() >> 3 | 1));
    case 4: return fx_make((uint16_t)(rnd(2) << 15), r64() >> rnd(64) >> 1);          /* denormal */
    case 5: return fx_make((uint16_t)(rnd(2) << 15), r64() | 1ull << 63);             /* pseudo-denormal */
    case 6: return fx_make((uint16_t)(rnd(2) << 15 | rrange(1, 0x7FFE)), r64() >> 1); /* unnormal */
    case 7: return mk(rnd(2), rrange(63, 200), r64() | 1ull << 63);                   /* |x| >= 2^63 */
    default: return mk(rnd(2), rrange(-16445, -16300), r64() | 1ull << 63);           /* tiny */
    }
}

static struct fx80 any_value(void)
{
    if (rnd(10) == 0)
        return special();
    int e = rnd(4) ? rrange(-70, 70) : rrange(-16440, 16383);
    uint64_t sig = r64() | 1ull << 63;
    if (rnd(4) == 0)
        sig &= ~0ull << rrange(11, 62); /* short significands: exact cases, ties */
    return mk(rnd(2), e, sig);
}

/* k * P66 * 2^-65 (k >= 1), truncated to 64 bits, +- a few ulps */
static const uint64_t P66_HI = 3, P66_LO = 0x243F6A8885A308D3ull;

static struct fx80 near_pi_multiple(void)
{
    uint64_t k = r64() >> rrange(1, 63);
    if (!k)
        k = 1;
    unsigned __int128 lo = (unsigned __int128)k * P66_LO;
    unsigned __int128 hi = (unsigned __int128)k * P66_HI + (uint64_t)(lo >> 64);
    /* 192-bit product: hi:lo64, value * 2^-65 */
    uint64_t w2 = (uint64_t)(hi >> 64), w1 = (uint64_t)hi, w0 = (uint64_t)lo;
    int top = w2 ? 128 + 63 - __builtin_clzll(w2) : w1 ? 64 + 63 - __builtin_clzll(w1) : 63 - __builtin_clzll(w0);
    /* take 64 bits below and including the top bit */
    int sh = top - 63;
    unsigned __int128 h128 = (unsigned __int128)w2 << 64 | w1;
    uint64_t sig;
    if (sh >= 64)
        sig = (uint64_t)(h128 >> (sh - 64));
    else if (sh > 0)
        sig = (uint64_t)((h128 << (64 - sh)) | (w0 >> sh));
    else
        sig = w0 << -sh;
    sig += (uint64_t)(rnd(7) - 3);
    if (!(sig >> 63))
        sig = ~0ull;
    return mk(rnd(2), top - 65, sig);
}

/* Finite values at or above the biased exponent lim (outside the documented
 * domain, results undefined) become zeros. */
static struct fx80 in_domain(struct fx80 v, int lim)
{
    int e = v.se & 0x7FFF;
    if (e >= lim && e != 0x7FFF)
        return fx_make(v.se & 0x8000, 0);
    return v;
}

void gen(int g, struct fx80 *a, struct fx80 *b)
{
    *b = any_value();
    int sp = rnd(100) < 4;
    switch (g) {
    case G_TRIG:
        if (sp) { *a = special(); break; }
        switch (rnd(10)) {
        case 0: case 1: case 2: *a = mk(rnd(2), rrange(-3, 8), r64() | 1ull << 63); break;
        case 3: case 4: *a = near_pi_multiple(); break;
        case 5: case 6: *a = mk(rnd(2), rrange(9, 62), r64() | 1ull << 63); break;
        case 7: *a = mk(rnd(2), rrange(-80, -4), r64() | 1ull << 63); break;
        case 8: *a = mk(rnd(2), rrange(-16445, -80), r64() | 1ull << 63); break;
        default: *a = mk(rnd(2), rrange(-1, 1), r64() | 1ull << 63); break;
        }
        break;
    case G_ATAN: /* FPATAN: ST(1) = atan(ST(1) / ST(0)) */
        *a = sp ? special() : mk(rnd(2), rnd(4) ? rrange(-30, 30) : rrange(-16400, 16383), r64() | 1ull << 63);
        *b = rnd(25) ? mk(rnd(2), a->se == 0 ? 0 : (a->se & 0x7FFF) - 16383 + rrange(-70, 70), r64() | 1ull << 63)
                     : special();
        break;
    case G_2XM1: /* domain -1 <= x <= +1 */
        if (sp) {
            *a = in_domain(special(), 16383);
            break;
        }
        *a = rnd(50) ? mk(rnd(2), rnd(4) ? rrange(-10, -1) : rrange(-16445, -11), r64() | 1ull << 63)
                     : fx_make((uint16_t)(rnd(2) << 15 | 16383), 1ull << 63);
        break;
    case G_YL2X: /* ST(1) * log2(ST(0)), ST(0) > 0 */
        if (sp) { *a = special(); break; }
        if (rnd(5) == 0) /* near 1 */
            *a = rnd(2) ? mk(0, 0, 1ull << 63 | r64() >> rrange(1, 63)) : mk(0, -1, ~0ull - (r64() >> rrange(1, 63)));
        else
            *a = mk(0, rnd(4) ? rrange(-100, 100) : rrange(-16440, 16383), r64() | 1ull << 63);
        *b = rnd(30) ? mk(rnd(2), rrange(-40, 40), r64() | 1ull << 63) : special();
        break;
    case G_YL2XP1: /* |x| < 1 - sqrt(2)/2 */
        if (sp) {
            *a = in_domain(special(), 16381);
            break;
        }
        {
            int e = rnd(4) ? rrange(-20, -2) : rrange(-16445, -21);
            uint64_t sig = r64() | 1ull << 63;
            if (e == -2 && sig >= 0x95F619980C4336F7ull)
                sig = 0x95F619980C4336F7ull - (r64() >> 8);
            *a = mk(rnd(2), e, sig);
        }
        *b = rnd(30) ? mk(rnd(2), rrange(-40, 40), r64() | 1ull << 63) : special();
        break;
    case G_SQRT:
        *a = any_value();
        if (rnd(4))
            a->se &= 0x7FFF;
        break;
    case G_REM:
        *a = any_value();
        if (rnd(3)) {
            int ea = (a->se & 0x7FFF) - 16383;
            if ((a->se & 0x7FFF) != 0 && (a->se & 0x7FFF) != 0x7FFF && ea > -16000)
                *b = mk(rnd(2), ea - rrange(-3, 80), r64() | 1ull << 63);
        }
        break;
    case G_SCALE:
        *a = any_value();
        if (rnd(4))
            *b = mk(rnd(2), rrange(-2, 15), r64() | 1ull << 63);
        break;
    default:
        *a = any_value();
        if (rnd(3) == 0) { /* near-cancellation and ties */
            *b = *a;
            b->se ^= (uint16_t)(rnd(2) << 15);
            b->sig ^= r64() >> rrange(1, 63);
            b->sig |= 1ull << 63;
        }
        break;
    }
}

/* ---- reference ---- */

__float128 to_q(struct fx80 v)
{
    int e = v.se & 0x7FFF;
    __float128 m = (__float128)v.sig;
    __float128 r = ldexpq(m, (e ? e : 1) - 16383 - 63);
    return v.se & 0x8000 ? -r : r;
}

/* sin and cos of a reduced argument r (|r| <= ~pi/4) as hi + lo: for tiny r
 * the leading term (r or 1) is kept apart from the series correction, so that
 * results within a fraction of an ulp of r or 1 still get a decidable
 * rounding (an underflowed correction keeps its sign). */
static void sincos_split(__float128 r, __float128 *sh, __float128 *sl, __float128 *ch, __float128 *cl,
                         __float128 *th, __float128 *tl)
{
    if (fabsq(r) >= 0x1p-24Q) {
        *sh = sinq(r);
        *ch = cosq(r);
        *th = *sh / *ch;
        *sl = *cl = *tl = 0;
        return;
    }
    __float128 r2 = r * r;
    *sh = *th = r;
    *ch = 1;
    *sl = r * r2 * (-1 + r2 / 20) / 6;
    *tl = r * r2 * (1 + r2 * 2 / 5) / 3;
    *cl = -r2 / 2 + r2 * r2 / 24;
    if (*sl == 0)
        *sl = copysignq(FLT128_DENORM_MIN, -r);
    if (*tl == 0)
        *tl = copysignq(FLT128_DENORM_MIN, r);
    if (*cl == 0)
        *cl = -FLT128_DENORM_MIN;
}

/* sin/cos/tan with the hardware's reduction (value *out + *lo); 0 when not applicable */
static int trig_ref(struct fx80 x, int which /* 0 sin 1 cos 2 tan */, __float128 *out, __float128 *lo)
{
    int e = x.se & 0x7FFF, sign = x.se >> 15;
    if (e == 0x7FFF || e >= 16383 + 63 || (e && !(x.sig >> 63)) || !x.sig)
        return 0;
    __float128 rr;
    unsigned n = 0;
    if (e < 16383) {
        rr = to_q(x);
    } else {
        int ue = e - 16383; /* 0..62 */
        __float128 xq = fabsq(to_q(x));
        uint64_t k = (uint64_t)roundq(xq / (M_PIq / 2));
        /* |x| * 2^65 - k * P66, exact in 192-bit integers (|r| < 1 has at most 65 bits) */
        unsigned __int128 plo = (unsigned __int128)k * P66_LO;
        unsigned __int128 phi = (unsigned __int128)k * P66_HI + (uint64_t)(plo >> 64);
        uint64_t kp[3] = { (uint64_t)plo, (uint64_t)phi, (uint64_t)(phi >> 64) };
        uint64_t xa[3] = { 0, 0, 0 };
        int sh = ue + 2; /* m * 2^(ue - 63) * 2^65 = m << (ue + 2) */
        if (sh == 64) {
            xa[1] = x.sig;
        } else {
            xa[0] = x.sig << sh;
            xa[1] = x.sig >> (64 - sh);
        }
        uint64_t d[3], borrow = 0;
        for (int j = 0; j < 3; j++) {
            uint64_t t = xa[j] - kp[j];
            uint64_t b1 = xa[j] < kp[j];
            d[j] = t - borrow;
            borrow = b1 | (t < borrow);
        }
        int neg = (int)(d[2] >> 63);
        if (neg) {
            uint64_t carry = 1;
            for (int j = 0; j < 3; j++) {
                d[j] = ~d[j] + carry;
                carry = carry && d[j] == 0;
            }
        }
        rr = ldexpq((__float128)d[2], 128 - 65) + ldexpq((__float128)d[1], 64 - 65) + ldexpq((__float128)d[0], -65);
        if (neg)
            rr = -rr;
        if (sign)
            rr = -rr;
        n = (unsigned)(sign ? 0 - k : k) & 3;
    }
    __float128 sh, sl, ch, cl, th, tl;
    sincos_split(rr, &sh, &sl, &ch, &cl, &th, &tl);
    int f = which == 2 ? 2 : (which + (int)n) & 1; /* 0: sin(r), 1: cos(r) */
    int negate = which == 0 ? n >= 2 : which == 1 ? n == 1 || n == 2 : 0;
    if (which == 2 && (n & 1)) { /* -cot r */
        if (fabsq(rr) < 0x1p-24Q) {
            /* -1/r + r/3 + r^3/45, with the rounding error of 1/r carried in lo */
            __float128 q = 1 / rr, res = fmaq(-rr, q, 1);
            *out = -q;
            *lo = -res / rr + rr / 3 + rr * rr * rr / 45;
        } else {
            *out = -(ch + cl) / (sh + sl);
            *lo = 0;
        }
        return 1;
    }
    *out = f == 0 ? sh : f == 1 ? ch : th;
    *lo = f == 0 ? sl : f == 1 ? cl : tl;
    if (negate) {
        *out = -*out;
        *lo = -*lo;
    }
    return 1;
}

int reference(const struct op *op, struct fx80 a, struct fx80 b, int reg, __float128 *out, __float128 *lo)
{
    *lo = 0;
    int nops = op->gen == G_ATAN || op->gen == G_YL2X || op->gen == G_YL2XP1 ? 2 : 1;
    for (int k = 0; k < nops; k++) {
        struct fx80 v = k ? b : a;
        int e = v.se & 0x7FFF;
        if (e == 0x7FFF || (e && !(v.sig >> 63)) || (!e && !v.sig))
            return 0; /* specials: no rounding question */
    }
    __float128 x = to_q(a), y = to_q(b);
    switch (op->gen) {
    case G_TRIG:
        if (op->misc == 0xE)
            return trig_ref(a, 0, out, lo);
        if (op->misc == 0xF)
            return trig_ref(a, 1, out, lo);
        if (op->misc == 0xB)
            return trig_ref(a, reg == 0 ? 1 : 0, out, lo);
        return reg == 1 ? trig_ref(a, 2, out, lo) : 0;
    case G_ATAN: *out = atan2q(y, x); return 1;
    case G_2XM1:
        if (fabsq(x) == 1) {
            *out = x > 0 ? 1 : -0.5Q; /* exact */
            return 2;
        }
        *out = expm1q(x * M_LN2q);
        return 1;
    case G_YL2X:
        *out = y * log2q(x);
        return a.sig == 1ull << 63 ? 2 : 1; /* x a power of two: y * n is exact in binary128 */
    case G_YL2XP1:
        /* tiny x: log2(1 + x) = x / ln 2 to 2^-16000; scaled, so that it is not
         * a binary128 denormal before y scales it back up */
        if (fabsq(x) < 0x1p-16000Q)
            *out = ldexpq(y * (ldexpq(x, 1000) / M_LN2q), -1000);
        else
            *out = y * (log1pq(x) / M_LN2q);
        return 1;
    default: return 0;
    }
}

struct fx80 round80(__float128 q, __float128 qlo, int rc, __float128 *frac)
{
    int sign = signbitq(q) != 0;
    if (sign) {
        q = -q;
        qlo = -qlo;
    }
    *frac = 0;
    if (q == 0)
        return fx_make((uint16_t)(sign << 15), 0);
    int e;
    frexpq(q + qlo, &e);      /* q = f * 2^e, f in [0.5, 1) */
    int ue = e - 1;           /* unbiased exponent of q */
    if (ue < -16382)
        ue = -16382;          /* denormal: fixed scale */
    __float128 fl, fr;
    for (;;) {
        __float128 m = ldexpq(q, 63 - ue);
        fl = floorq(m);
        fr = (m - fl) + ldexpq(qlo, 63 - ue);
        __float128 whole = floorq(fr);
        fl += whole;
        fr -= whole;
        /* q + qlo may sit just below a power of two that q itself reaches */
        if (fl < 0x1p63Q && ue > -16382)
            ue--;
        else if (fl >= 0x1p64Q)
            ue++;
        else
            break;
    }
    *frac = fr;
    uint64_t im = (uint64_t)fl;
    int up;
    switch (rc) {
    case RC_NEAREST: up = fr > 0.5Q || (fr == 0.5Q && (im & 1)); break;
    case RC_DOWN: up = sign && fr > 0; break;
    case RC_UP: up = !sign && fr > 0; break;
    default: up = 0; break;
    }
    if (up) {
        im++;
        if (!im) {
            im = 1ull << 63;
            ue++;
        }
    }
    int be = ue + 16383;
    if (!(im >> 63))
        be = 0; /* denormal */
    if (be >= 0x7FFF)
        return fx_make((uint16_t)(sign << 15 | 0x7FFF), 1ull << 63);
    return fx_make((uint16_t)(sign << 15 | be), im);
}
