/*
 * gen_int.h - what the generator files of the differential tester share
 * (gen.c: helpers and the driver, gen_alu.c and gen_move.c: integer classes,
 * gen_fpu.c: x87 and MMX classes).
 * Not used by difftest.c.
 */
#ifndef TARSIER_DIFFTEST_GEN_INT_H
#define TARSIER_DIFFTEST_GEN_INT_H

#include <stdint.h>

#include "dt.h"

/* Instruction kinds (for reports; dt_kind_name). */
enum {
    K_CLEAN, K_PRE, K_ALU, K_TEST, K_INCDEC, K_NEGNOT, K_MUL, K_IMUL, K_DIV, K_SHIFT, K_SHXD,
    K_BT, K_BSX, K_CMOV, K_SETCC, K_JCC, K_XADD, K_CMPXCHG, K_BSWAP, K_MOVX, K_MOV, K_XCHG,
    K_LEA, K_MISC, K_STR, K_PUSHPOP, K_PUSHF, K_BCD, K_PUSHA,
    K_FLD, K_FST, K_FARITH, K_FCOM, K_FSTACK, K_FUNARY, K_FCTRL, K_FENV, K_FPRE, K_MMX, K_MMXMOV,
    K_COUNT
};

#define CF 0x001u
#define PF 0x004u
#define AF 0x010u
#define ZF 0x040u
#define SF 0x080u
#define OF 0x800u
#define ALL6 DT_FLAGS6
/* EFLAGS bits compared when not poisoned: arithmetic, bit 1, TF, IF, DF, IOPL, NT, AC, ID */
#define CMP_BITS 0x00247FD7u

#define ESP_INIT (DT_DATA_BASE + 0x1800u)
#define ESP_RANGE 0x180

struct em {
    struct dt_seq *s;
    struct dt_rng *r;
    const struct dt_genopt *o;
    uint32_t poison;
    uint16_t cpoison;   /* x87 condition codes C0-C3 the SDM leaves undefined now */
    int fpu_exc;        /* this sequence may unmask x87 exceptions */
    int esp_off;
    int cur;            /* instruction being emitted */
};

static inline uint32_t rnd(struct em *e, uint32_t n) { return dt_rand(e->r, n); }
static inline int chance(struct em *e, int pct) { return (int)rnd(e, 100) < pct; }
static inline void tb(struct em *e, uint8_t b) { if (e->s->tlen < DT_MAX_CODE) e->s->tcode[e->s->tlen++] = b; }
static inline void nb(struct em *e, uint8_t b) { if (e->s->nlen < DT_MAX_CODE) e->s->ncode[e->s->nlen++] = b; }
static inline void bb(struct em *e, uint8_t b) { tb(e, b); nb(e, b); }
static inline void t32(struct em *e, uint32_t v) { for (int k = 0; k < 4; k++) tb(e, (uint8_t)(v >> (8 * k))); }
static inline void n32(struct em *e, uint32_t v) { for (int k = 0; k < 4; k++) nb(e, (uint8_t)(v >> (8 * k))); }
static inline void b32(struct em *e, uint32_t v) { t32(e, v); n32(e, v); }
static inline void bimm(struct em *e, uint32_t v, int size)
{
    for (int k = 0; k < size; k++)
        bb(e, (uint8_t)(v >> (8 * k)));
}

struct rm {
    int mem;
    int reg;                 /* register operand (mem == 0) */
    int mode;                /* 0 absolute, 1 base+disp, 2 base+index*scale+disp, 3 SIB absolute */
    int base, index, scale;  /* scale as shift 0..3 */
    int32_t disp;
    int dsz;                 /* displacement size 0, 1, 4 */
    uint32_t addr;           /* linear address of a memory operand */
};

void begin(struct em *e, int kind);
void fx(struct em *e, uint32_t w, uint32_t u, int maybe);
void need(struct em *e, uint32_t r);
uint32_t interesting(struct em *e);
void pre_mov(struct em *e, int reg, uint32_t v);
struct rm rm_reg(int r);
int wreg(struct em *e);
struct rm rm_mem(struct em *e, uint32_t lo, uint32_t hi, unsigned excl);
struct rm rm_mem_at(struct em *e, uint32_t addr, unsigned excl);
struct rm rm_abs(uint32_t addr);
void modrm(struct em *e, int regf, const struct rm *m);
void prefixes(struct em *e, const struct rm *m, int size, int lockable);
int regsz(struct em *e, int size);
uint8_t seg_override(struct em *e);
int pick_size(struct em *e);
struct rm pick_rm(struct em *e, int size, int written, unsigned excl);

/* gen_alu.c */
void g_alu(struct em *e);
void g_test(struct em *e);
void g_incdec(struct em *e);
void g_negnot(struct em *e);
void g_mul(struct em *e);
void g_imul(struct em *e);
void g_div(struct em *e);
void g_shift(struct em *e);
void g_shxd(struct em *e);
void g_bt(struct em *e);
void g_bsx(struct em *e);
void g_cmov(struct em *e);
void g_setcc(struct em *e);
void g_jcc(struct em *e);
void g_xadd_cmpxchg(struct em *e);

/* gen_move.c */
void g_bswap(struct em *e);
void g_movx(struct em *e);
void g_mov(struct em *e);
void g_xchg(struct em *e);
void g_lea(struct em *e);
void g_misc(struct em *e);
void g_str(struct em *e);
void g_pushpop(struct em *e);
void g_bcd(struct em *e);
void g_pusha(struct em *e);

/* gen_fpu.c */
void g_x87(struct em *e);
void g_mmx(struct em *e);
void gen_fpu_init_state(struct em *e);   /* random initial x87/MMX image (s->fpu) */
/* Data-buffer bytes [addr, addr+len) hold values that legitimately differ. */
void gen_skip_mem(struct em *e, uint32_t addr, uint32_t len);

#endif
