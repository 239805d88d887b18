/*
 * fpu_soft.c - 80-bit extended-precision arithmetic in integers: rounding
 * under every rounding-control and precision-control setting, + - * / sqrt,
 * operand classes and NaN propagation, FRNDINT, FSCALE, FXTRACT.
 *
 * Follows Intel SDM Vol. 1 sections 4.2, 4.7-4.9 (formats, NaN rules of table
 * 4-7, exception conditions and masked responses) and 8.1.5 (precision
 * control).  x87 specifics modelled: tininess is detected before rounding;
 * precision control narrows the significand but keeps the 15-bit exponent
 * range; unmasked overflow/underflow deliver the result with the exponent
 * biased by -/+24576 to a register (nothing to memory); C1 reports a rounding
 * that increased the magnitude.  Conversions and compare live in fpu_conv.c.
 */
#include "cpu/fpu.h"
#include "cpu/fpu_int.h"

enum fx_class fx_classify(struct fx80 a)
{
    int e = fx_exp(a);
    if (e == 0)
        return a.sig ? FXC_DENORMAL : FXC_ZERO;
    if (!(a.sig >> 63))
        return FXC_UNSUPPORTED;
    if (e == 0x7FFF) {
        if (!(a.sig << 1))
            return FXC_INF;
        return (a.sig >> 62) & 1 ? FXC_QNAN : FXC_SNAN;
    }
    return FXC_NORMAL;
}

int fx_is_nan(struct fx80 a)
{
    enum fx_class k = fx_classify(a);
    return k == FXC_QNAN || k == FXC_SNAN;
}

int fx_tag(struct fx80 a)
{
    switch (fx_classify(a)) {
    case FXC_ZERO: return TAG_ZERO;
    case FXC_NORMAL: return TAG_VALID;
    default: return TAG_SPECIAL;
    }
}

int fx_prec_bits(uint16_t cw)
{
    switch ((cw >> FCW_PC_SHIFT) & 3) {
    case PC_24: return 24;
    case PC_53: return 53;
    default: return 64; /* 1 is reserved and behaves as 64 */
    }
}

/* Unpack a finite value: value = sig * 2^(exp - 63), sig normalized (or 0). */
void fx_unpack(struct fx80 a, int32_t *exp, uint64_t *sig)
{
    int e = fx_exp(a);
    uint64_t m = a.sig;
    int32_t x = e ? e - 16383 : -16382;
    if (m && !(m >> 63)) {
        int n = fx_clz64(m);
        m <<= n;
        x -= n;
    }
    *exp = x;
    *sig = m;
}

/*
 * The rounder.  Rounds sign * (sig + ext / 2^64) * 2^(exp - 63) to prec significant
 * bits with the unbiased exponent range [emin, emax]; adj != 0 is the bias
 * adjustment of unmasked overflow/underflow for register destinations.
 * Returns the kind of result and leaves value = *osig * 2^(*oexp - 63).
 */
int fx_round_core(struct fpstat *s, int sign, int32_t exp, uint64_t sig, uint64_t ext, int prec,
                  int32_t emin, int32_t emax, int32_t adj, uint64_t *osig, int32_t *oexp)
{
    int rc = (s->cw >> FCW_RC_SHIFT) & 3;
    uint16_t ex0 = s->ex;
    s->c1 = 0;
    if (!sig && !ext) {
        *osig = 0;
        *oexp = emin;
        return RK_FINITE;
    }
    if (!(sig >> 63)) {
        int n = sig ? fx_clz64(sig) : 64 + fx_clz64(ext);
        fx_shl128(&sig, &ext, n);
        exp -= n;
    }
    int tiny = exp < emin;
    if (tiny && exp == emin - 1) {
        /* SDM Vol. 1 4.9.1.5: tininess is judged on the result rounded with an
         * unbounded exponent (at the PC precision): one that rounds up to the
         * smallest normal is not tiny (measured on the host too). */
        uint64_t k = prec == 64 ? sig : sig >> (64 - prec);
        uint64_t l = prec == 64 ? ext : (sig << prec) | (ext != 0);
        int up;
        switch (rc) {
        case RC_NEAREST: up = l > FX_HALF || (l == FX_HALF && (k & 1)); break;
        case RC_DOWN: up = sign && l; break;
        case RC_UP: up = !sign && l; break;
        default: up = 0; break;
        }
        if (up && k == (prec == 64 ? ~0ull : (1ull << prec) - 1))
            tiny = 0;
    }
    if (tiny) {
        if (!(s->cw & FSW_UE)) {
            s->ex |= FSW_UE;
            if (s->mem || !adj)
                return RK_NOSTORE;
            exp += adj;
            tiny = 0;
            if (exp < emin) {
                /* massive underflow (only FSCALE reaches it): still tiny
                 * after the bias, a signed zero is stored (SDM Vol. 1 8.5.5;
                 * the host reports PE too) */
                s->ex |= FSW_PE;
                *osig = 0;
                *oexp = emin;
                return RK_FINITE;
            }
        } else {
            fx_shr128_jam(&sig, &ext, emin - exp);
            exp = emin;
        }
    }
    uint64_t keep, lost;
    if (prec == 64) {
        keep = sig;
        lost = ext;
    } else {
        keep = sig >> (64 - prec);
        lost = (sig << prec) | (ext != 0);
    }
    int inc;
    switch (rc) {
    case RC_NEAREST: inc = lost > FX_HALF || (lost == FX_HALF && (keep & 1)); break;
    case RC_DOWN: inc = sign && lost; break;
    case RC_UP: inc = !sign && lost; break;
    default: inc = 0; break;
    }
    if (lost) {
        s->ex |= FSW_PE;
        if (tiny)
            s->ex |= FSW_UE;
    }
    if (inc) {
        s->c1 = 1;
        keep++;
        if (prec == 64 ? keep == 0 : keep == (1ull << prec)) {
            keep = 1ull << (prec - 1);
            exp++;
        }
    }
    sig = prec == 64 ? keep : keep << (64 - prec);
    if (exp > emax) {
        if (!(s->cw & FSW_OE)) {
            s->ex |= FSW_OE;
            if (s->mem || !adj) {
                /* a memory destination is left alone: OE only, no PE, C1
                 * clear (SDM Vol. 1 8.5.4; measured on the host) */
                s->ex = ex0 | FSW_OE;
                s->c1 = 0;
                return RK_NOSTORE;
            }
            exp -= adj;
            if (exp > emax) {
                /* massive overflow (FSCALE): a signed infinity whatever RC,
                 * PE and C1 set (SDM Vol. 1 8.5.4; measured on the host) */
                s->ex |= FSW_PE;
                s->c1 = 1;
                *osig = 1ull << 63;
                *oexp = emax + 1;
                return RK_INF;
            }
        } else {
            s->ex |= FSW_OE | FSW_PE;
            if (rc == RC_NEAREST || (rc == RC_UP && !sign) || (rc == RC_DOWN && sign)) {
                s->c1 = 1;
                *osig = 1ull << 63;
                *oexp = emax + 1;
                return RK_INF;
            }
            s->c1 = 0;
            sig = prec == 64 ? ~0ull : ~0ull << (64 - prec);
            exp = emax;
        }
    }
    *osig = sig;
    *oexp = exp;
    return RK_FINITE;
}

struct fx80 fx_round_pack(struct fpstat *s, int sign, int32_t exp, uint64_t sig, uint64_t ext, int prec)
{
    uint64_t m;
    int32_t e;
    int k = fx_round_core(s, sign, exp, sig, ext, prec, -16382, 16383, 0x6000, &m, &e);
    uint16_t sg = (uint16_t)(sign << 15);
    if (k == RK_INF)
        return fx_make(sg | 0x7FFF, 1ull << 63);
    if (k == RK_NOSTORE)
        return fx_indefinite();
    if (!(m >> 63))
        return fx_make(sg, m);
    return fx_make((uint16_t)(sg | (e + 16383)), m);
}

static struct fx80 quiet(struct fx80 a)
{
    a.sig |= 1ull << 62;
    return a;
}

/* SDM Vol. 1 table 4-7 for the x87: an SNaN is quieted; of two NaNs, a QNaN
 * beats an SNaN, otherwise the larger significand wins (equal: the positive). */
struct fx80 fx_propagate_nan(struct fpstat *s, struct fx80 a, struct fx80 b)
{
    enum fx_class ka = fx_classify(a), kb = fx_classify(b);
    int na = ka == FXC_QNAN || ka == FXC_SNAN, nb = kb == FXC_QNAN || kb == FXC_SNAN;
    if (ka == FXC_SNAN || kb == FXC_SNAN)
        s->ex |= FSW_IE;
    if (na && nb) {
        if (ka == FXC_QNAN && kb == FXC_SNAN)
            return a;
        if (kb == FXC_QNAN && ka == FXC_SNAN)
            return b;
        uint64_t ma = a.sig << 1, mb = b.sig << 1;
        if (ma > mb)
            return quiet(a);
        if (mb > ma)
            return quiet(b);
        return quiet(fx_sign(a) ? b : a);
    }
    return quiet(na ? a : b);
}

int fx_check_ops(struct fpstat *s, struct fx80 a, struct fx80 b, struct fx80 *res)
{
    enum fx_class ka = fx_classify(a), kb = fx_classify(b);
    if (ka == FXC_UNSUPPORTED || kb == FXC_UNSUPPORTED) {
        s->ex |= FSW_IE;
        *res = fx_indefinite();
        return 1;
    }
    if (ka == FXC_QNAN || ka == FXC_SNAN || kb == FXC_QNAN || kb == FXC_SNAN) {
        *res = fx_propagate_nan(s, a, b);
        return 1;
    }
    if (ka == FXC_DENORMAL || kb == FXC_DENORMAL)
        s->ex |= FSW_DE;
    return 0;
}

static struct fx80 invalid(struct fpstat *s)
{
    s->ex |= FSW_IE;
    return fx_indefinite();
}

static struct fx80 inf(int sign) { return fx_make((uint16_t)(sign << 15 | 0x7FFF), 1ull << 63); }
static struct fx80 zero(int sign) { return fx_make((uint16_t)(sign << 15), 0); }

static struct fx80 addsub(struct fpstat *s, struct fx80 a, struct fx80 b, int negb)
{
    struct fx80 r;
    if (fx_check_ops(s, a, b, &r))
        return r;
    int sa = fx_sign(a), sb = fx_sign(b) ^ negb;
    enum fx_class ka = fx_classify(a), kb = fx_classify(b);
    int rc = (s->cw >> FCW_RC_SHIFT) & 3;
    if (ka == FXC_INF || kb == FXC_INF) {
        if (ka == FXC_INF && kb == FXC_INF && sa != sb)
            return invalid(s);
        return inf(ka == FXC_INF ? sa : sb);
    }
    if (ka == FXC_ZERO && kb == FXC_ZERO)
        return zero(sa == sb ? sa : rc == RC_DOWN);
    int32_t ea, eb;
    uint64_t ma, mb;
    fx_unpack(a, &ea, &ma);
    fx_unpack(b, &eb, &mb);
    int prec = fx_prec_bits(s->cw);
    if (ka == FXC_ZERO)
        return fx_round_pack(s, sb, eb, mb, 0, prec);
    if (kb == FXC_ZERO)
        return fx_round_pack(s, sa, ea, ma, 0, prec);
    if (ea < eb || (ea == eb && ma < mb)) {
        int32_t te = ea; ea = eb; eb = te;
        uint64_t tm = ma; ma = mb; mb = tm;
        int ts = sa; sa = sb; sb = ts;
    }
    /* now |a| >= |b|; 128-bit values with the binary point after bit 127 - 1 */
    uint64_t ah = ma, al = 0, bh = mb, bl = 0;
    fx_shr128_jam(&bh, &bl, ea - eb);
    int32_t e = ea;
    if (sa == sb) {
        uint64_t lo = al + bl;
        uint64_t t = bh + (lo < al);
        int carry = t < bh;
        uint64_t hi = ah + t;
        if (hi < ah)
            carry = 1;
        if (carry) {
            fx_shr128_jam(&hi, &lo, 1);
            hi |= 1ull << 63;
            e++;
        }
        return fx_round_pack(s, sa, e, hi, lo, prec);
    }
    uint64_t lo = al - bl;
    uint64_t hi = ah - bh - (al < bl);
    if (!hi && !lo)
        return zero(rc == RC_DOWN);
    return fx_round_pack(s, sa, e, hi, lo, prec);
}

struct fx80 fx_add(struct fpstat *s, struct fx80 a, struct fx80 b) { return addsub(s, a, b, 0); }
struct fx80 fx_sub(struct fpstat *s, struct fx80 a, struct fx80 b) { return addsub(s, a, b, 1); }

struct fx80 fx_mul(struct fpstat *s, struct fx80 a, struct fx80 b)
{
    struct fx80 r;
    if (fx_check_ops(s, a, b, &r))
        return r;
    int sign = fx_sign(a) ^ fx_sign(b);
    enum fx_class ka = fx_classify(a), kb = fx_classify(b);
    if (ka == FXC_INF || kb == FXC_INF) {
        if (ka == FXC_ZERO || kb == FXC_ZERO)
            return invalid(s);
        return inf(sign);
    }
    if (ka == FXC_ZERO || kb == FXC_ZERO)
        return zero(sign);
    int32_t ea, eb;
    uint64_t ma, mb, hi, lo;
    fx_unpack(a, &ea, &ma);
    fx_unpack(b, &eb, &mb);
    fx_mul64(ma, mb, &hi, &lo);
    return fx_round_pack(s, sign, ea + eb + 1, hi, lo, fx_prec_bits(s->cw));
}

struct fx80 fx_div(struct fpstat *s, struct fx80 a, struct fx80 b)
{
    struct fx80 r;
    uint16_t ex0 = s->ex;
    if (fx_check_ops(s, a, b, &r))
        return r;
    if (fx_classify(b) == FXC_ZERO)
        s->ex = ex0; /* 0/0 and x/0 report no denormal */
    int sign = fx_sign(a) ^ fx_sign(b);
    enum fx_class ka = fx_classify(a), kb = fx_classify(b);
    if (ka == FXC_INF)
        return kb == FXC_INF ? invalid(s) : inf(sign);
    if (kb == FXC_INF)
        return zero(sign);
    if (kb == FXC_ZERO) {
        if (ka == FXC_ZERO)
            return invalid(s);
        s->ex |= FSW_ZE;
        return inf(sign);
    }
    if (ka == FXC_ZERO)
        return zero(sign);
    int32_t ea, eb;
    uint64_t ma, mb;
    fx_unpack(a, &ea, &ma);
    fx_unpack(b, &eb, &mb);
    int32_t e = ea - eb;
    /* restoring division: remainder rh:rl (at most 65 bits), 66 quotient bits */
    uint64_t rh = 0, rl = ma;
    if (ma < mb) {
        rh = rl >> 63;
        rl <<= 1;
        e--;
    }
    uint64_t qh = 0, ql = 0;
    for (int k = 0; k < 66; k++) {
        qh = qh << 1 | ql >> 63;
        ql <<= 1;
        if (rh || rl >= mb) {
            rh -= rl < mb;
            rl -= mb;
            ql |= 1;
        }
        rh = rh << 1 | rl >> 63;
        rl <<= 1;
    }
    /* q has 66 bits (bit 65 set): align to bit 127 */
    fx_shl128(&qh, &ql, 62);
    ql |= (rh || rl) ? 1 : 0;
    return fx_round_pack(s, sign, e, qh, ql, fx_prec_bits(s->cw));
}

/* Integer square root of the 128-bit n: root (64 bits) and whether the
 * remainder is zero, below or above the root (for the rounding bits). */
static uint64_t isqrt128(uint64_t nh, uint64_t nl, uint64_t *ext)
{
    uint64_t rem_h = 0, rem_l = 0, root = 0;
    for (int k = 63; k >= 0; k--) {
        /* bring down two bits */
        uint64_t two = k >= 32 ? (nh >> ((k - 32) * 2)) & 3 : (nl >> (k * 2)) & 3;
        rem_h = rem_h << 2 | rem_l >> 62;
        rem_l = rem_l << 2 | two;
        /* trial = root * 4 + 1 */
        uint64_t th = root >> 62, tl = root << 2 | 1;
        root <<= 1;
        if (rem_h > th || (rem_h == th && rem_l >= tl)) {
            rem_h -= th + (rem_l < tl);
            rem_l -= tl;
            root |= 1;
        }
    }
    /* exact half is impossible; remainder > root means above half */
    if (!rem_h && !rem_l)
        *ext = 0;
    else if (rem_h || rem_l > root)
        *ext = FX_HALF | 1;
    else
        *ext = 1;
    return root;
}

struct fx80 fx_sqrt(struct fpstat *s, struct fx80 a)
{
    enum fx_class k = fx_classify(a);
    if (k == FXC_UNSUPPORTED)
        return invalid(s);
    if (k == FXC_QNAN || k == FXC_SNAN)
        return fx_propagate_nan(s, a, a);
    if (k == FXC_ZERO)
        return a;
    if (fx_sign(a))
        return invalid(s);
    if (k == FXC_INF)
        return a;
    if (k == FXC_DENORMAL)
        s->ex |= FSW_DE;
    int32_t e;
    uint64_t m, nh, nl, ext;
    fx_unpack(a, &e, &m);
    int32_t re;
    if (e & 1) {
        nh = m;
        nl = 0;
        re = (e - 1) / 2;
    } else {
        nh = m >> 1;
        nl = m << 63;
        re = e / 2;
    }
    uint64_t root = isqrt128(nh, nl, &ext);
    return fx_round_pack(s, 0, re, root, ext, fx_prec_bits(s->cw));
}

struct fx80 fx_round_int(struct fpstat *s, struct fx80 a)
{
    enum fx_class k = fx_classify(a);
    if (k == FXC_UNSUPPORTED)
        return invalid(s);
    if (k == FXC_QNAN || k == FXC_SNAN)
        return fx_propagate_nan(s, a, a);
    if (k == FXC_ZERO || k == FXC_INF)
        return a;
    if (k == FXC_DENORMAL)
        s->ex |= FSW_DE;
    int32_t e;
    uint64_t m;
    fx_unpack(a, &e, &m);
    s->c1 = 0;
    if (e >= 63)
        return a;
    int sign = fx_sign(a);
    uint64_t ip, lost;
    if (e >= 0) {
        ip = m >> (63 - e);
        lost = e == 63 ? 0 : m << (e + 1);
    } else {
        ip = 0;
        uint64_t h = m, l = 0;
        fx_shr128_jam(&h, &l, -1 - e);
        lost = h | (l != 0);
    }
    if (!lost)
        return a;
    s->ex |= FSW_PE;
    int rc = (s->cw >> FCW_RC_SHIFT) & 3, inc;
    switch (rc) {
    case RC_NEAREST: inc = lost > FX_HALF || (lost == FX_HALF && (ip & 1)); break;
    case RC_DOWN: inc = sign; break;
    case RC_UP: inc = !sign; break;
    default: inc = 0; break;
    }
    if (inc) {
        ip++;
        s->c1 = 1;
    }
    if (!ip)
        return zero(sign);
    return fx_from_u64(sign, ip);
}

struct fx80 fx_scale(struct fpstat *s, struct fx80 a, struct fx80 b)
{
    struct fx80 r;
    if (fx_check_ops(s, a, b, &r))
        return r;
    enum fx_class ka = fx_classify(a), kb = fx_classify(b);
    int sa = fx_sign(a), sb = fx_sign(b);
    if (kb == FXC_INF) {
        if (!sb)
            return ka == FXC_ZERO ? invalid(s) : inf(sa);
        return ka == FXC_INF ? invalid(s) : zero(sa);
    }
    if (ka == FXC_ZERO || ka == FXC_INF)
        return a;
    int32_t eb, ea;
    uint64_t mb, ma;
    fx_unpack(b, &eb, &mb);
    int32_t n;
    if (kb == FXC_ZERO || eb < 0)
        n = 0;
    else if (eb > 30)
        n = 0x10000;
    else
        n = (int32_t)(mb >> (63 - eb));
    if (sb)
        n = -n;
    fx_unpack(a, &ea, &ma);
    return fx_round_pack(s, sa, ea + n, ma, 0, 64);
}

struct fx80 fx_xtract(struct fpstat *s, struct fx80 a, struct fx80 *exp_out)
{
    enum fx_class k = fx_classify(a);
    if (k == FXC_UNSUPPORTED) {
        *exp_out = invalid(s);
        return fx_indefinite();
    }
    if (k == FXC_QNAN || k == FXC_SNAN) {
        *exp_out = fx_propagate_nan(s, a, a);
        return *exp_out;
    }
    if (k == FXC_ZERO) {
        s->ex |= FSW_ZE;
        *exp_out = inf(1);
        return a;
    }
    if (k == FXC_INF) {
        *exp_out = inf(0);
        return a;
    }
    if (k == FXC_DENORMAL)
        s->ex |= FSW_DE;
    int32_t e;
    uint64_t m;
    fx_unpack(a, &e, &m);
    *exp_out = fx_from_i64(e);
    return fx_make((uint16_t)(fx_sign(a) << 15 | 16383), m);
}

struct fx80 fx_from_u64(int sign, uint64_t m)
{
    if (!m)
        return zero(sign);
    int n = fx_clz64(m);
    return fx_make((uint16_t)(sign << 15 | (16383 + 63 - n)), m << n);
}

struct fx80 fx_from_i64(int64_t v)
{
    int sign = v < 0;
    return fx_from_u64(sign, sign ? 0 - (uint64_t)v : (uint64_t)v);
}
