/*
 * sem_fast.c - specialised semantic functions for the most frequent
 * instruction shapes of 32-bit code (386 and later): MOV, the ALU group,
 * TEST, INC/DEC, shifts by an immediate, LEA, MOVZX, PUSH/POP, CALL/RET and
 * Jcc, each with its operand size, operand form and (where it matters) the
 * operation fixed at compile time.  The block builder swaps them in for the
 * generic row function (sem_fast_pick); they compute exactly what the generic
 * functions in sem_alu.c and sem_ctrl.c compute, with the same memory access
 * order and the same faults, and fall back to the shared helpers (slow memory
 * path, 16-bit stack) for anything unusual.  Nothing here is used for the
 * 8086 model.
 */
#include "cpu/sem.h"

/* ---- stack (SS.B = 1 inline, else the generic helpers) ---- */

static inline void push32(struct cpu *c, uint32_t v)
{
    if (!c->stack32) {
        cpu_push32(c, v);
        return;
    }
    uint32_t sp = c->r[R_ESP] - 4;
    sem_mem_write(c, SEG_SS, sp, 4, v);
    c->r[R_ESP] = sp;
}

static inline uint32_t pop32(struct cpu *c)
{
    if (!c->stack32)
        return cpu_pop32(c);
    uint32_t sp = c->r[R_ESP];
    uint32_t v = sem_mem_read(c, SEG_SS, sp, 4);
    c->r[R_ESP] = sp + 4;
    return v;
}

/* ---- MOV ---- */

static void f_mov_rr32(struct cpu *c, const struct insn *i) { c->r[i->rm] = c->r[i->reg]; }    /* 89 /r reg */
static void f_mov_rr32g(struct cpu *c, const struct insn *i) { c->r[i->reg] = c->r[i->rm]; }   /* 8B /r reg */
static void f_mov_load32(struct cpu *c, const struct insn *i)
{
    c->r[i->reg] = sem_mem_read(c, i->seg, sem_ea(c, i), 4);
}
static void f_mov_store32(struct cpu *c, const struct insn *i)
{
    sem_mem_write(c, i->seg, sem_ea(c, i), 4, c->r[i->reg]);
}
static void f_mov_load8(struct cpu *c, const struct insn *i)
{
    sem_reg_write(c, i->reg, 1, sem_mem_read(c, i->seg, sem_ea(c, i), 1));
}
static void f_mov_store8(struct cpu *c, const struct insn *i)
{
    sem_mem_write(c, i->seg, sem_ea(c, i), 1, sem_reg_read(c, i->reg, 1));
}
static void f_mov_ri32(struct cpu *c, const struct insn *i) { c->r[i->opc & 7] = i->imm; }
static void f_mov_mi32(struct cpu *c, const struct insn *i)
{
    sem_mem_write(c, i->seg, sem_ea(c, i), 4, i->imm);
}
static void f_mov_mi8(struct cpu *c, const struct insn *i)
{
    sem_mem_write(c, i->seg, sem_ea(c, i), 1, i->imm);
}

/* ---- the ALU group, 32-bit: op fixed, five operand shapes ---- */

/* a read-modify-write of a memory dword: one translation for both halves */
#define ALU_MEM_RMW(c, i, op, b)                                                    \
    do {                                                                            \
        uint32_t off_ = sem_ea(c, i);                                               \
        if ((op) == ALU_CMP) {                                                      \
            alu_op(c, op, sem_mem_read(c, (i)->seg, off_, 4), (b), 4);              \
            break;                                                                  \
        }                                                                           \
        uint8_t *p_ = sem_fast_ptr(c, (i)->seg, off_, 4, 1);                        \
        if (p_) {                                                                   \
            sem_store_host(p_, 4, alu_op(c, op, sem_load_host(p_, 4), (b), 4));     \
        } else {                                                                    \
            uint32_t a_ = sem_rmw_read_slow(c, (i)->seg, off_, 4);                  \
            sem_mem_write(c, (i)->seg, off_, 4, alu_op(c, op, a_, (b), 4));         \
        }                                                                           \
    } while (0)

#define ALU_FUNCS(name, op)                                                          \
    static void f_##name##_rr(struct cpu *c, const struct insn *i) /* E,G reg */     \
    {                                                                                \
        uint32_t r_ = alu_op(c, op, c->r[i->rm], c->r[i->reg], 4);                   \
        if ((op) != ALU_CMP)                                                         \
            c->r[i->rm] = r_;                                                        \
    }                                                                                \
    static void f_##name##_rrg(struct cpu *c, const struct insn *i) /* G,E reg */    \
    {                                                                                \
        uint32_t r_ = alu_op(c, op, c->r[i->reg], c->r[i->rm], 4);                   \
        if ((op) != ALU_CMP)                                                         \
            c->r[i->reg] = r_;                                                       \
    }                                                                                \
    static void f_##name##_rm(struct cpu *c, const struct insn *i) /* G,E mem */     \
    {                                                                                \
        uint32_t b_ = sem_mem_read(c, i->seg, sem_ea(c, i), 4);                      \
        uint32_t r_ = alu_op(c, op, c->r[i->reg], b_, 4);                            \
        if ((op) != ALU_CMP)                                                         \
            c->r[i->reg] = r_;                                                       \
    }                                                                                \
    static void f_##name##_mr(struct cpu *c, const struct insn *i) /* E,G mem */     \
    {                                                                                \
        ALU_MEM_RMW(c, i, op, c->r[i->reg]);                                         \
    }                                                                                \
    static void f_##name##_ri(struct cpu *c, const struct insn *i) /* E,I reg; A,I */ \
    {                                                                                \
        int r_ = i->row->form == FM_AI ? R_EAX : i->rm;                              \
        uint32_t v_ = alu_op(c, op, c->r[r_], i->imm, 4);                            \
        if ((op) != ALU_CMP)                                                         \
            c->r[r_] = v_;                                                           \
    }                                                                                \
    static void f_##name##_mi(struct cpu *c, const struct insn *i) /* E,I mem */     \
    {                                                                                \
        ALU_MEM_RMW(c, i, op, i->imm);                                               \
    }

ALU_FUNCS(add, ALU_ADD)
ALU_FUNCS(or, ALU_OR)
ALU_FUNCS(adc, ALU_ADC)
ALU_FUNCS(sbb, ALU_SBB)
ALU_FUNCS(and, ALU_AND)
ALU_FUNCS(sub, ALU_SUB)
ALU_FUNCS(xor, ALU_XOR)
ALU_FUNCS(cmp, ALU_CMP)

#define ALU_ROW(name) { f_##name##_rr, f_##name##_rrg, f_##name##_rm, f_##name##_mr, f_##name##_ri, f_##name##_mi }
enum { AF_RR, AF_RRG, AF_RM, AF_MR, AF_RI, AF_MI };
static const sem_fn alu_fast[8][6] = {
    ALU_ROW(add), ALU_ROW(or), ALU_ROW(adc), ALU_ROW(sbb),
    ALU_ROW(and), ALU_ROW(sub), ALU_ROW(xor), ALU_ROW(cmp),
};

/* 8-bit CMP, the byte loops' test */
static void f_cmp8_rm(struct cpu *c, const struct insn *i)
{
    uint32_t b = i->mod == 3 ? sem_reg_read(c, i->rm, 1) : sem_mem_read(c, i->seg, sem_ea(c, i), 1);
    alu_op(c, ALU_CMP, sem_reg_read(c, i->reg, 1), b, 1);
}
static void f_cmp8_mr(struct cpu *c, const struct insn *i)
{
    uint32_t a = i->mod == 3 ? sem_reg_read(c, i->rm, 1) : sem_mem_read(c, i->seg, sem_ea(c, i), 1);
    alu_op(c, ALU_CMP, a, sem_reg_read(c, i->reg, 1), 1);
}
static void f_cmp8_i(struct cpu *c, const struct insn *i)
{
    uint32_t a = i->row->form == FM_AI ? (c->r[R_EAX] & 0xFF) : sem_rm_read(c, i, 1);
    alu_op(c, ALU_CMP, a, i->imm, 1);
}

/* ---- TEST, INC/DEC ---- */

static void f_test_rr32(struct cpu *c, const struct insn *i) { flags_set_logic(c, c->r[i->rm] & c->r[i->reg], 4); }
static void f_test_rr8(struct cpu *c, const struct insn *i)
{
    flags_set_logic(c, sem_reg_read(c, i->rm, 1) & sem_reg_read(c, i->reg, 1), 1);
}
static void f_test_ri(struct cpu *c, const struct insn *i) /* A,I and E,I of any size */
{
    int size = i->osz;
    uint32_t a = i->row->form == FM_AI ? sem_reg_read(c, R_EAX, size) : sem_rm_read(c, i, size);
    flags_set_logic(c, a & i->imm, size);
}

static inline void incdec_flags(struct cpu *c, uint32_t a, uint32_t r, int dec)
{
    struct lazy_flags *l = &c->lf;
    l->carry_in = (uint8_t)sem_cf(c);
    l->op = dec ? CC_DEC : CC_INC;
    l->res = r;
    l->a = a;
    l->b = 1;
    l->size = 4;
}
static void f_inc_r32(struct cpu *c, const struct insn *i)
{
    uint32_t a = c->r[i->opc & 7];
    incdec_flags(c, a, a + 1, 0);
    c->r[i->opc & 7] = a + 1;
}
static void f_dec_r32(struct cpu *c, const struct insn *i)
{
    uint32_t a = c->r[i->opc & 7];
    incdec_flags(c, a, a - 1, 1);
    c->r[i->opc & 7] = a - 1;
}

/* INC/DEC of a memory dword: one translation for the read and the write */
static void f_incdec_m32(struct cpu *c, const struct insn *i)
{
    uint32_t off = sem_ea(c, i), d = i->sub ? (uint32_t)-1 : 1u;
    uint8_t *p = sem_fast_ptr(c, i->seg, off, 4, 1);
    uint32_t a = p ? sem_load_host(p, 4) : sem_rmw_read_slow(c, i->seg, off, 4);
    incdec_flags(c, a, a + d, i->sub);
    if (p)
        sem_store_host(p, 4, a + d);
    else
        sem_mem_write(c, i->seg, off, 4, a + d);
}

/* ---- shifts of a 32-bit register by an immediate or 1 (SHL, SHR, SAR) ---- */

static inline unsigned shift_count(const struct cpu *c, const struct insn *i)
{
    return i->row->form == FM_E1 ? 1u : i->row->form == FM_EC ? (c->r[R_ECX] & 31) : (i->imm & 31);
}
static void f_shl_r32(struct cpu *c, const struct insn *i)
{
    unsigned n = shift_count(c, i);
    if (!n)
        return;
    uint32_t a = c->r[i->rm], r = a << n;
    int cf = (a >> (32 - n)) & 1;
    flags_set_fixed(c, r, 4, (cf ? F_CF : 0) | (((r >> 31) ^ (uint32_t)cf) ? F_OF : 0));
    c->r[i->rm] = r;
}
static void f_shr_r32(struct cpu *c, const struct insn *i)
{
    unsigned n = shift_count(c, i);
    if (!n)
        return;
    uint32_t a = c->r[i->rm], r = a >> n;
    flags_set_fixed(c, r, 4, (((a >> (n - 1)) & 1) ? F_CF : 0) | ((a >> 31) ? F_OF : 0));
    c->r[i->rm] = r;
}
static void f_sar_r32(struct cpu *c, const struct insn *i)
{
    unsigned n = shift_count(c, i);
    if (!n)
        return;
    int32_t a = (int32_t)c->r[i->rm];
    uint32_t r = (uint32_t)(a >> n);
    flags_set_fixed(c, r, 4, ((a >> (n - 1)) & 1) ? F_CF : 0);
    c->r[i->rm] = r;
}

/* ---- LEA, MOVZX ---- */

static void f_lea32(struct cpu *c, const struct insn *i) { c->r[i->reg] = sem_ea(c, i); }
static void f_movzx8_32(struct cpu *c, const struct insn *i)
{
    c->r[i->reg] = i->mod == 3 ? sem_reg_read(c, i->rm, 1) : sem_mem_read(c, i->seg, sem_ea(c, i), 1);
}
static void f_movzx16_32(struct cpu *c, const struct insn *i)
{
    c->r[i->reg] = i->mod == 3 ? (c->r[i->rm] & 0xFFFF) : sem_mem_read(c, i->seg, sem_ea(c, i), 2);
}

/* ---- PUSH/POP, CALL/RET, Jcc (32-bit operand size) ---- */

static void f_push_r32(struct cpu *c, const struct insn *i) { push32(c, c->r[i->opc & 7]); }
static void f_pop_r32(struct cpu *c, const struct insn *i)
{
    uint32_t v = pop32(c);
    c->r[i->opc & 7] = v; /* after the increment: POP ESP loads the popped value */
}
static void f_push_i32(struct cpu *c, const struct insn *i) { push32(c, i->imm); }

static void f_call_rel32(struct cpu *c, const struct insn *i)
{
    uint32_t target = c->eip + i->imm;
    if (target > c->seg[SEG_CS].limit)
        cpu_raise(c, EX_GP, 0);
    push32(c, c->eip);
    c->eip = target;
}
static void f_ret32(struct cpu *c, const struct insn *i)
{
    uint32_t target = pop32(c);
    if (target > c->seg[SEG_CS].limit)
        cpu_raise(c, EX_GP, 0);
    c->eip = target;
}

static inline void jump32(struct cpu *c, uint32_t target)
{
    if (target > c->seg[SEG_CS].limit)
        cpu_raise(c, EX_GP, 0);
    c->eip = target;
}
static void f_jmp_rel32(struct cpu *c, const struct insn *i) { jump32(c, c->eip + i->imm); }

#define JCC(n)                                                  \
    static void f_jcc##n(struct cpu *c, const struct insn *i)   \
    {                                                           \
        if (sem_cond(c, n))                                     \
            jump32(c, c->eip + i->imm);                         \
    }
JCC(0) JCC(1) JCC(2) JCC(3) JCC(4) JCC(5) JCC(6) JCC(7)
JCC(8) JCC(9) JCC(10) JCC(11) JCC(12) JCC(13) JCC(14) JCC(15)
static const sem_fn jcc_fast[16] = {
    f_jcc0, f_jcc1, f_jcc2, f_jcc3, f_jcc4, f_jcc5, f_jcc6, f_jcc7,
    f_jcc8, f_jcc9, f_jcc10, f_jcc11, f_jcc12, f_jcc13, f_jcc14, f_jcc15,
};

/* ---- selection ---- */

sem_fn sem_fast_pick(const struct insn *i, enum cpu_gen gen)
{
    sem_fn f = i->sem;
    if (gen == CPU_8086)
        return f;
    int reg = i->mod == 3;
    int form = i->row->form;
    if (f == sem_jcc && i->o32)
        return jcc_fast[i->sub & 15];
    if (f == sem_jmp_rel && i->o32)
        return f_jmp_rel32;
    if (i->osz == 1) {
        if (f == sem_mov && form == FM_GE && !reg)
            return f_mov_load8;
        if (f == sem_mov && form == FM_EG && !reg)
            return f_mov_store8;
        if (f == sem_mov && form == FM_EI && !reg)
            return f_mov_mi8;
        if (f == sem_alu && i->sub == ALU_CMP)
            return form == FM_GE ? f_cmp8_rm : form == FM_EG ? f_cmp8_mr : f_cmp8_i;
        if (f == sem_test && form == FM_EG && reg)
            return f_test_rr8;
        if (f == sem_test && form != FM_EG)
            return f_test_ri;
        return f;
    }
    if (i->osz != 4)
        return f;
    if (f == sem_mov) {
        switch (form) {
        case FM_EG: return reg ? f_mov_rr32 : f_mov_store32;
        case FM_GE: return reg ? f_mov_rr32g : f_mov_load32;
        case FM_ZI: return f_mov_ri32;
        case FM_EI: return reg ? f : f_mov_mi32;
        default: return f;
        }
    }
    if (f == sem_alu) {
        const sem_fn *row = alu_fast[i->sub & 7];
        switch (form) {
        case FM_EG: return row[reg ? AF_RR : AF_MR];
        case FM_GE: return row[reg ? AF_RRG : AF_RM];
        case FM_AI: return row[AF_RI];
        case FM_EI: return row[reg ? AF_RI : AF_MI];
        default: return f;
        }
    }
    if (f == sem_test)
        return form == FM_EG ? (reg ? f_test_rr32 : f) : f_test_ri;
    if (f == sem_incdec && form == FM_Z)
        return i->sub ? f_dec_r32 : f_inc_r32;
    if (f == sem_incdec && !reg)
        return f_incdec_m32;
    if (f == sem_shift && reg) {
        if (i->sub == SH_SHL || i->sub == SH_SETMO)
            return f_shl_r32;
        if (i->sub == SH_SHR)
            return f_shr_r32;
        if (i->sub == SH_SAR)
            return f_sar_r32;
        return f;
    }
    if (f == sem_lea && !reg)
        return f_lea32;
    if (f == sem_movx && i->sub == MX_ZX8)
        return f_movzx8_32;
    if (f == sem_movx && i->sub == MX_ZX16)
        return f_movzx16_32;
    if (f == sem_push_reg && (i->opc & 7) != R_ESP)
        return f_push_r32;
    if (f == sem_pop_reg)
        return f_pop_r32;
    if (f == sem_push_imm)
        return f_push_i32;
    if (f == sem_call_rel && i->o32)
        return f_call_rel32;
    if (f == sem_ret_near && form != FM_I && i->o32)
        return f_ret32;
    return f;
}
