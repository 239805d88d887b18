/*
 * fpu.h - the x87 floating-point unit of the Pentium Pro / Pentium II.
 *
 * Follows Intel SDM Vol. 1 chapter 8 (x87 FPU), 4.8-4.9 (formats, exceptions)
 * and Vol. 2 (instruction pages, opcode map B.17).  The arithmetic is the
 * project's own 80-bit software implementation (fpu_soft.c, fpu_trans.c): no
 * host floating point is used for any guest-visible result, so it builds and
 * gives the same bits on every host.  See docs/x87.md for what is exact and
 * what is approximate.
 *
 * Files: fpu_soft.c (rounding, + - * / sqrt, conversions, compare, remainder),
 * fpu_trans.c (FSIN FCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1), fpu_insn.c (the
 * D8-DF dispatcher, stack, exceptions), fpu_env.c (FSTENV/FLDENV/FSAVE/FRSTOR,
 * FXSAVE/FXRSTOR, FINIT).
 */
#ifndef TARSIER_FPU_H
#define TARSIER_FPU_H

#include <stdint.h>

/* An 80-bit extended-precision value: se holds the sign (bit 15) and the
 * biased exponent (bits 0-14); sig is the 64-bit significand with the explicit
 * integer bit 63.  This is exactly the memory format (FLD m80). */
struct fx80 {
    uint64_t sig;
    uint16_t se;
};

/* Status word bits. */
#define FSW_IE 0x0001u
#define FSW_DE 0x0002u
#define FSW_ZE 0x0004u
#define FSW_OE 0x0008u
#define FSW_UE 0x0010u
#define FSW_PE 0x0020u
#define FSW_SF 0x0040u
#define FSW_ES 0x0080u
#define FSW_C0 0x0100u
#define FSW_C1 0x0200u
#define FSW_C2 0x0400u
#define FSW_TOP 0x3800u
#define FSW_C3 0x4000u
#define FSW_B 0x8000u
#define FSW_EXC 0x003Fu
#define FSW_CC (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

/* Control word fields. */
#define FCW_PC_SHIFT 8
#define FCW_RC_SHIFT 10
enum { RC_NEAREST, RC_DOWN, RC_UP, RC_ZERO };
enum { PC_24 = 0, PC_53 = 2, PC_64 = 3 };

/* Tags. */
enum { TAG_VALID, TAG_ZERO, TAG_SPECIAL, TAG_EMPTY };

struct fpu {
    struct fx80 st[8];  /* physical registers R0-R7; ST(i) = st[(TOP + i) & 7] */
    uint16_t cw;
    uint16_t sw;        /* TOP in bits 11-13; ES and B kept in step with the flags */
    uint16_t tw;        /* two bits per physical register; only EMPTY is trusted, the
                         * others are recomputed from the contents when stored */
    uint16_t fop;       /* last non-control opcode: 11 bits (first byte & 7) << 8 | modrm */
    uint32_t fip, fdp;  /* last instruction and data pointers (offsets, or linear in real mode) */
    uint16_t fcs, fds;
    uint32_t mxcsr;     /* kept for FXSAVE images (no SSE on the modelled CPUs) */
};

/* Result of an arithmetic operation: the flags it raised, the condition bit C1
 * (rounded up) and the control word it ran under. */
struct fpstat {
    uint16_t cw;
    uint16_t ex;   /* FSW_IE..FSW_PE raised */
    uint8_t c1;    /* last rounding went up in magnitude */
    uint8_t mem;   /* destination is memory: unmasked O/U store nothing (no bias) */
    uint8_t nostore; /* set by fx_to_f32/f64 when an unmasked O/U suppresses the store */
};

/* ---- fpu_soft.c: the arithmetic ---- */
#define FX_INDEF_SE 0xFFFFu
#define FX_INDEF_SIG 0xC000000000000000ull
static inline struct fx80 fx_make(uint16_t se, uint64_t sig)
{
    struct fx80 r = { sig, se };
    return r;
}
static inline struct fx80 fx_indefinite(void) { return fx_make(FX_INDEF_SE, FX_INDEF_SIG); }
static inline int fx_sign(struct fx80 a) { return a.se >> 15; }
static inline int fx_exp(struct fx80 a) { return a.se & 0x7FFF; }

/* Operand classes, as FXAM and the arithmetic see them. */
enum fx_class {
    FXC_ZERO, FXC_NORMAL, FXC_DENORMAL /* incl. pseudo-denormal */, FXC_INF,
    FXC_QNAN, FXC_SNAN, FXC_UNSUPPORTED /* unnormal, pseudo-NaN, pseudo-infinity */
};
enum fx_class fx_classify(struct fx80 a);
int fx_is_nan(struct fx80 a);
int fx_tag(struct fx80 a);        /* TAG_VALID, TAG_ZERO or TAG_SPECIAL */

struct fx80 fx_add(struct fpstat *s, struct fx80 a, struct fx80 b);
struct fx80 fx_sub(struct fpstat *s, struct fx80 a, struct fx80 b);
struct fx80 fx_mul(struct fpstat *s, struct fx80 a, struct fx80 b);
struct fx80 fx_div(struct fpstat *s, struct fx80 a, struct fx80 b);
struct fx80 fx_sqrt(struct fpstat *s, struct fx80 a);
/* Round to an integer value under RC (FRNDINT). */
struct fx80 fx_round_int(struct fpstat *s, struct fx80 a);
/* FSCALE: a * 2^trunc(b). */
struct fx80 fx_scale(struct fpstat *s, struct fx80 a, struct fx80 b);
/* FXTRACT: *exp_out = unbiased exponent, returns significand with exponent 0. */
struct fx80 fx_xtract(struct fpstat *s, struct fx80 a, struct fx80 *exp_out);
/* FPREM (ieee=0) / FPREM1 (ieee=1): partial remainder; *cc gets C0 C1 C2 C3 bits. */
struct fx80 fx_rem(struct fpstat *s, struct fx80 a, struct fx80 b, int ieee, uint16_t *cc);
/* Compare: returns -1 (a<b), 0 (equal), 1 (a>b), 2 (unordered).  quiet: QNaN
 * operands do not raise IE (FUCOM). */
int fx_compare(struct fpstat *s, struct fx80 a, struct fx80 b, int quiet);

/* Conversions. */
struct fx80 fx_from_i64(int64_t v);
/* size: 2, 4 or 8 bytes; returns the integer (two's complement in the low size bytes);
 * out of range or NaN raises IE and gives the integer indefinite. */
uint64_t fx_to_int(struct fpstat *s, struct fx80 a, int size, int truncate);
struct fx80 fx_from_f32(struct fpstat *s, uint32_t v);
struct fx80 fx_from_f64(struct fpstat *s, uint64_t v);
uint32_t fx_to_f32(struct fpstat *s, struct fx80 a);
uint64_t fx_to_f64(struct fpstat *s, struct fx80 a);
struct fx80 fx_from_bcd(const uint8_t bcd[10]);
void fx_to_bcd(struct fpstat *s, struct fx80 a, uint8_t bcd[10]);

/* Internal helpers shared with fpu_trans.c. */
struct fx80 fx_round_pack(struct fpstat *s, int sign, int32_t exp, uint64_t sig, uint64_t ext, int prec);
struct fx80 fx_propagate_nan(struct fpstat *s, struct fx80 a, struct fx80 b);
/* Check operands of a two-operand op: returns 1 with *res set when the result is
 * decided (NaN, unsupported); raises DE for denormals. */
int fx_check_ops(struct fpstat *s, struct fx80 a, struct fx80 b, struct fx80 *res);
int fx_prec_bits(uint16_t cw);

/* ---- fpu_trans.c ---- */
struct fx80 fx_sin(struct fpstat *s, struct fx80 a, int *out_of_range);
struct fx80 fx_cos(struct fpstat *s, struct fx80 a, int *out_of_range);
void fx_sincos(struct fpstat *s, struct fx80 a, struct fx80 *sn, struct fx80 *cs, int *out_of_range);
struct fx80 fx_tan(struct fpstat *s, struct fx80 a, int *out_of_range);
struct fx80 fx_atan2(struct fpstat *s, struct fx80 y, struct fx80 x);  /* FPATAN: atan(y/x) */
struct fx80 fx_2xm1(struct fpstat *s, struct fx80 a);
struct fx80 fx_yl2x(struct fpstat *s, struct fx80 x, struct fx80 y);   /* y * log2(x) */
struct fx80 fx_yl2xp1(struct fpstat *s, struct fx80 x, struct fx80 y); /* y * log2(x + 1) */

/* ---- fpu_insn.c / fpu_env.c (need struct cpu) ---- */
struct cpu;
struct insn;
void fpu_reset(struct fpu *f);        /* FNINIT state */
void fpu_power_on(struct fpu *f);     /* RESET state: +0 registers, CW 0040h, TW 5555h */
void fpu_exec(struct cpu *c, const struct insn *i);   /* D8-DF */
void fpu_wait(struct cpu *c);          /* WAIT/FWAIT (9B) */
void fpu_fxsave(struct cpu *c, const struct insn *i);
void fpu_fxrstor(struct cpu *c, const struct insn *i);
uint16_t fpu_tag_word(const struct fpu *f);  /* full tag word from the contents */
void fpu_update_es(struct fpu *f);     /* recompute ES and B from the flags and masks */

#endif
