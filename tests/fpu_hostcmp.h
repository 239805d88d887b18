/*
 * fpu_hostcmp.h - what the two files of fpu_hostcmp share (fpu_hostcmp.c:
 * the host and tarsier sides and the driver; fpu_hostcmp_ref.c: the random
 * operands and the binary128 reference).  See docs/x87.md.
 */
#ifndef TARSIER_TESTS_FPU_HOSTCMP_H
#define TARSIER_TESTS_FPU_HOSTCMP_H

#include <stdint.h>

#include "cpu/fpu.h"

typedef void (*host_fn)(const struct fx80 *a, const struct fx80 *b, const uint16_t *cw, uint8_t *img);

enum { G_TRIG, G_ATAN, G_2XM1, G_YL2X, G_YL2XP1, G_ARITH, G_SQRT, G_REM, G_SCALE };

/* One compared operation (the table is in fpu_hostcmp.c). */
struct op {
    const char *name;
    host_fn host;
    int misc;       /* D9 F0+misc for fpu_exec_misc, or -1: fx_* arithmetic (add sub mul div) */
    int gen;        /* operand generator */
    uint16_t ccmask; /* condition codes compared */
    int trans;
};

/* ---- operands (fpu_hostcmp_ref.c) ---- */

/* Restarts the operand stream (one per operation). */
void gen_seed(uint64_t seed);
/* 0..n-1 from the operand stream. */
int rnd(int n);
/* Operands of generator g (G_*): ST(0) = *a, ST(1) = *b. */
void gen(int g, struct fx80 *a, struct fx80 *b);

/* ---- reference (fpu_hostcmp_ref.c) ---- */

__float128 to_q(struct fx80 v);
/* The reference value (*out + *lo) of result register `reg` after op (ST order), or 0. */
int reference(const struct op *op, struct fx80 a, struct fx80 b, int reg, __float128 *out, __float128 *lo);
/* Round q to 64 significant bits under rc; *frac = position between the two
 * neighbours in ulps (0..1), for deciding how close to a boundary q is. */
struct fx80 round80(__float128 q, __float128 qlo, int rc, __float128 *frac);

#endif
