/*
 * fpu_int.h - helpers shared by the x87 arithmetic files (not part of the
 * CPU's interface): 128-bit integer steps and the rounder.
 */
#ifndef TARSIER_FPU_INT_H
#define TARSIER_FPU_INT_H

#include <stdint.h>

#include "cpu/fpu.h"

#define FX_HALF 0x8000000000000000ull

/* Result kinds of fx_round_core. */
enum { RK_FINITE, RK_INF, RK_NOSTORE };

static inline int fx_clz64(uint64_t x)
{
    int n = 0;
    if (!x)
        return 64;
    while (!(x >> 63)) {
        if (!(x >> 32)) { x <<= 32; n += 32; continue; }
        if (!(x >> 48)) { x <<= 16; n += 16; continue; }
        if (!(x >> 56)) { x <<= 8; n += 8; continue; }
        x <<= 1;
        n++;
    }
    return n;
}

/* (hi:lo) <<= n, 0 <= n < 128 */
static inline void fx_shl128(uint64_t *hi, uint64_t *lo, int n)
{
    if (n <= 0)
        return;
    if (n >= 64) {
        *hi = n == 64 ? *lo : *lo << (n - 64);
        *lo = 0;
    } else {
        *hi = *hi << n | *lo >> (64 - n);
        *lo <<= n;
    }
}

/* (hi:lo) >>= n, ORing every bit shifted out into bit 0 (sticky). */
static inline void fx_shr128_jam(uint64_t *hi, uint64_t *lo, int32_t n)
{
    uint64_t h = *hi, l = *lo;
    if (n <= 0)
        return;
    if (n < 64) {
        uint64_t lost = l << (64 - n);
        *lo = l >> n | h << (64 - n) | (lost != 0);
        *hi = h >> n;
    } else if (n == 64) {
        *lo = h | (l != 0);
        *hi = 0;
    } else if (n < 128) {
        uint64_t lost = h << (128 - n) | l;
        *lo = h >> (n - 64) | (lost != 0);
        *hi = 0;
    } else {
        *lo = (h | l) != 0;
        *hi = 0;
    }
}

static inline void fx_mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *lo = (mid << 32) | (uint32_t)p00;
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

void fx_unpack(struct fx80 a, int32_t *exp, uint64_t *sig);
int fx_round_core(struct fpstat *s, int sign, int32_t exp, uint64_t sig, uint64_t ext, int prec,
                  int32_t emin, int32_t emax, int32_t adj, uint64_t *osig, int32_t *oexp);
struct fx80 fx_from_u64(int sign, uint64_t m);

#endif
