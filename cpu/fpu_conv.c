/*
 * fpu_conv.c - x87 conversions (single, double, integers, packed BCD), the
 * comparisons and the partial remainders FPREM/FPREM1.
 *
 * Intel SDM Vol. 1 4.2 (formats), 4.7 (BCD), 8.1.4/8.3.6 (compare and
 * condition codes); Vol. 2 FIST, FBSTP, FPREM, FPREM1.  The partial
 * remainder reduces the exponent difference by N = 32 + (D mod 32) when
 * D >= 64 (the implementation-dependent N of the SDM pseudo-code).
 */
#include "cpu/fpu.h"
#include "cpu/fpu_int.h"

static struct fx80 quiet(struct fx80 a)
{
    a.sig |= 1ull << 62;
    return a;
}

static struct fx80 from_parts(struct fpstat *s, int sign, uint32_t bexp, uint64_t frac, int fbits, int bias)
{
    /* frac is the fraction field, fbits wide */
    uint32_t emax = bias * 2 + 1;
    uint16_t sg = (uint16_t)(sign << 15);
    if (bexp == emax) {
        if (!frac)
            return fx_make(sg | 0x7FFF, 1ull << 63);
        struct fx80 r = fx_make(sg | 0x7FFF, 1ull << 63 | frac << (63 - fbits));
        if (!(frac >> (fbits - 1)))
            s->ex |= FSW_IE;
        return quiet(r);
    }
    if (!bexp) {
        if (!frac)
            return fx_make(sg, 0);
        s->ex |= FSW_DE;
        int n = fx_clz64(frac);
        /* value = frac * 2^(1 - bias - fbits) */
        int32_t e = 1 - bias - fbits + (63 - n);
        return fx_make((uint16_t)(sg | (e + 16383)), frac << n);
    }
    return fx_make((uint16_t)(sg | ((int32_t)bexp - bias + 16383)), 1ull << 63 | frac << (63 - fbits));
}

struct fx80 fx_from_f32(struct fpstat *s, uint32_t v)
{
    return from_parts(s, v >> 31, (v >> 23) & 0xFF, v & 0x7FFFFF, 23, 127);
}

struct fx80 fx_from_f64(struct fpstat *s, uint64_t v)
{
    return from_parts(s, (int)(v >> 63), (uint32_t)(v >> 52) & 0x7FF, v & 0xFFFFFFFFFFFFFull, 52, 1023);
}

/* Round to a narrower format: returns the bits, or sets *nostore. */
static uint64_t to_parts(struct fpstat *s, struct fx80 a, int fbits, int bias, int *nostore)
{
    int sign = fx_sign(a);
    uint64_t sg = (uint64_t)sign << (fbits + (fbits == 23 ? 8 : 11));
    uint64_t emaxf = (uint64_t)(bias * 2 + 1);
    uint64_t inf = sg | emaxf << fbits;
    *nostore = 0;
    switch (fx_classify(a)) {
    case FXC_UNSUPPORTED:
        s->ex |= FSW_IE;
        return (fbits == 23 ? 0xFFC00000ull : 0xFFF8000000000000ull);
    case FXC_SNAN:
        s->ex |= FSW_IE;
        /* fall through */
    case FXC_QNAN:
        return inf | ((a.sig << 1) >> (64 - fbits)) | 1ull << (fbits - 1);
    case FXC_INF:
        return inf;
    case FXC_ZERO:
        return sg;
    default: /* a denormal source raises no DE on a store (measured) */
        break;
    }
    int32_t e;
    uint64_t m, rm;
    int32_t re;
    fx_unpack(a, &e, &m);
    s->mem = 1;
    int k = fx_round_core(s, sign, e, m, 0, fbits + 1, 1 - bias, bias, 0, &rm, &re);
    s->mem = 0;
    if (k == RK_NOSTORE) {
        *nostore = 1;
        return 0;
    }
    if (k == RK_INF)
        return inf;
    if (!(rm >> 63))
        return sg | rm >> (63 - fbits);
    return sg | (uint64_t)(re + bias) << fbits | ((rm >> (63 - fbits)) & ((1ull << fbits) - 1));
}

uint32_t fx_to_f32(struct fpstat *s, struct fx80 a)
{
    int ns;
    uint64_t v = to_parts(s, a, 23, 127, &ns);
    s->nostore = (uint8_t)ns;
    return (uint32_t)v;
}

uint64_t fx_to_f64(struct fpstat *s, struct fx80 a)
{
    int ns;
    uint64_t v = to_parts(s, a, 52, 1023, &ns);
    s->nostore = (uint8_t)ns;
    return v;
}

/* Round to an integer magnitude under RC (or toward zero); *mag and *sign. */
static int round_to_int(struct fpstat *s, struct fx80 a, int truncate, uint64_t *mag)
{
    int32_t e;
    uint64_t m;
    fx_unpack(a, &e, &m);
    int sign = fx_sign(a);
    s->c1 = 0;
    if (!m) {
        *mag = 0;
        return 0;
    }
    if (e > 63)
        return -1;
    uint64_t ip, lost;
    if (e >= 0) {
        ip = m >> (63 - e);
        lost = e == 63 ? 0 : m << (e + 1);
    } else {
        uint64_t h = m, l = 0;
        fx_shr128_jam(&h, &l, -1 - e);
        ip = 0;
        lost = h | (l != 0);
    }
    int rc = truncate ? RC_ZERO : (s->cw >> FCW_RC_SHIFT) & 3, inc;
    switch (rc) {
    case RC_NEAREST: inc = lost > FX_HALF || (lost == FX_HALF && (ip & 1)); break;
    case RC_DOWN: inc = sign && lost; break;
    case RC_UP: inc = !sign && lost; break;
    default: inc = 0; break;
    }
    if (inc) {
        ip++;
        if (!ip)
            return -1;
    }
    *mag = ip;
    return lost ? (inc ? 2 : 1) : 0;
}

uint64_t fx_to_int(struct fpstat *s, struct fx80 a, int size, int truncate)
{
    uint64_t indef = 1ull << (size * 8 - 1);
    enum fx_class k = fx_classify(a);
    if (k == FXC_UNSUPPORTED || k == FXC_QNAN || k == FXC_SNAN || k == FXC_INF) {
        s->ex |= FSW_IE;
        return indef;
    }
    uint64_t mag;
    int r = round_to_int(s, a, truncate, &mag);
    int sign = fx_sign(a);
    if (r < 0 || mag > indef || (mag == indef && !sign)) {
        s->ex |= FSW_IE;
        s->c1 = 0;
        return indef;
    }
    if (r > 0)
        s->ex |= FSW_PE;
    s->c1 = r == 2;
    uint64_t v = sign ? 0 - mag : mag;
    return size == 8 ? v : v & ((1ull << (size * 8)) - 1);
}

struct fx80 fx_from_bcd(const uint8_t bcd[10])
{
    uint64_t v = 0;
    for (int k = 8; k >= 0; k--)
        v = v * 100 + (uint64_t)(bcd[k] >> 4) * 10 + (bcd[k] & 15);
    return fx_from_u64(bcd[9] >> 7, v);
}

void fx_to_bcd(struct fpstat *s, struct fx80 a, uint8_t bcd[10])
{
    enum fx_class k = fx_classify(a);
    uint64_t mag = 0;
    int r = 0;
    if (k == FXC_UNSUPPORTED || k == FXC_QNAN || k == FXC_SNAN || k == FXC_INF)
        r = -1;
    else
        r = round_to_int(s, a, 0, &mag);
    if (r < 0 || mag > 999999999999999999ull) {
        s->ex |= FSW_IE;
        s->c1 = 0;
        for (int j = 0; j < 7; j++)
            bcd[j] = 0;
        bcd[7] = 0xC0;
        bcd[8] = bcd[9] = 0xFF;
        return;
    }
    if (r > 0)
        s->ex |= FSW_PE;
    s->c1 = r == 2;
    for (int j = 0; j < 9; j++) {
        unsigned lo = (unsigned)(mag % 10);
        mag /= 10;
        unsigned hi = (unsigned)(mag % 10);
        mag /= 10;
        bcd[j] = (uint8_t)(hi << 4 | lo);
    }
    bcd[9] = fx_sign(a) ? 0x80 : 0;
}

int fx_compare(struct fpstat *s, struct fx80 a, struct fx80 b, int quiet_cmp)
{
    enum fx_class ka = fx_classify(a), kb = fx_classify(b);
    if (ka == FXC_UNSUPPORTED || kb == FXC_UNSUPPORTED || ka == FXC_SNAN || kb == FXC_SNAN) {
        s->ex |= FSW_IE;
        return 2;
    }
    if (ka == FXC_QNAN || kb == FXC_QNAN) {
        if (!quiet_cmp)
            s->ex |= FSW_IE;
        return 2;
    }
    if (ka == FXC_DENORMAL || kb == FXC_DENORMAL)
        s->ex |= FSW_DE;
    if (ka == FXC_ZERO && kb == FXC_ZERO)
        return 0;
    int sa = fx_sign(a), sb = fx_sign(b);
    if (ka == FXC_ZERO)
        return sb ? 1 : -1;
    if (kb == FXC_ZERO)
        return sa ? -1 : 1;
    if (sa != sb)
        return sa ? -1 : 1;
    int32_t ea, eb;
    uint64_t ma, mb;
    if (ka == FXC_INF) { ea = 0x10000; ma = 0; } else fx_unpack(a, &ea, &ma);
    if (kb == FXC_INF) { eb = 0x10000; mb = 0; } else fx_unpack(b, &eb, &mb);
    int mag = ea != eb ? (ea > eb ? 1 : -1) : ma != mb ? (ma > mb ? 1 : -1) : 0;
    return sa ? -mag : mag;
}

struct fx80 fx_rem(struct fpstat *s, struct fx80 a, struct fx80 b, int ieee, uint16_t *cc)
{
    struct fx80 r;
    *cc = 0;
    uint16_t ex0 = s->ex;
    if (fx_check_ops(s, a, b, &r))
        return r;
    enum fx_class ka = fx_classify(a), kb = fx_classify(b);
    if (ka == FXC_INF || kb == FXC_ZERO) {
        s->ex = ex0 | FSW_IE;
        return fx_indefinite();
    }
    if (ka == FXC_ZERO)
        return a;
    if (kb == FXC_INF) {
        /* the result is a itself; a pseudo-denormal comes back as the normal
         * it denotes, and a denormal is tiny (with UE unmasked: UE and the
         * biased exponent, as on the host) */
        if (ka != FXC_DENORMAL)
            return a;
        int32_t e;
        uint64_t m;
        fx_unpack(a, &e, &m);
        return fx_round_pack(s, fx_sign(a), e, m, 0, 64);
    }
    int sa = fx_sign(a);
    int32_t ea, eb;
    uint64_t ma, mb;
    fx_unpack(a, &ea, &ma);
    fx_unpack(b, &eb, &mb);
    int32_t d = ea - eb;
    uint64_t q = 0, rh = 0, rl = ma;
    (void)rh;
    int32_t re = ea;
    int neg = 0;
    if (d >= 64) {
        int32_t n = 32 + d % 32;
        *cc |= FSW_C2;
        d = n;
        ieee = 0;
    }
    if (d >= 0) {
        /* long division of ma * 2^d by mb, remainder at the scale of (shifted) b */
        for (int32_t k = 0; k <= d; k++) {
            q <<= 1;
            if (rh || rl >= mb) {
                rh -= rl < mb;
                rl -= mb;
                q |= 1;
            }
            if (k < d) {
                rh = rh << 1 | rl >> 63;
                rl <<= 1;
            }
        }
        re = ea - d;
        if (ieee) {
            /* round the quotient to nearest even: compare 2r with b */
            uint64_t th = rl >> 63, tl = rl << 1;
            int gt = th || tl > mb, eq = !th && tl == mb;
            if (gt || (eq && (q & 1))) {
                q++;
                rl = mb - rl;
                neg = 1;
            }
        }
    } else if (ieee && d == -1 && ma > mb) {
        /* |a| in (|b|/2, |b|): quotient 1, remainder |b| - |a| at a's scale */
        q = 1;
        rl = mb - (ma - mb); /* |b| - |a| at a's scale: 2mb - ma */
        re = ea;
        neg = 1;
    }
    if (!(*cc & FSW_C2)) {
        if (q & 1) *cc |= FSW_C1;
        if (q & 2) *cc |= FSW_C3;
        if (q & 4) *cc |= FSW_C0;
    }
    int rs = sa ^ neg;
    if (!rl)
        return fx_make((uint16_t)(sa << 15), 0);
    return fx_round_pack(s, rs, re, rl, 0, 64);
}
