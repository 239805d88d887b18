/*
 * sem.h - the semantic functions (one per instruction family) and the operand
 * helpers they share.  Interpreter and JIT both call these; each takes the CPU
 * and a decoded instruction and either completes the instruction or raises a
 * guest exception with cpu_raise (which unwinds to the execution loop).
 */
#ifndef TARSIER_SEM_H
#define TARSIER_SEM_H

#include "cpu/cpu.h"
#include "cpu/insn.h"
#include "machine/memmap.h"

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };
enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SETMO, SH_SAR };
enum { MD_MUL, MD_IMUL, MD_DIV, MD_IDIV };
enum { BT_BT, BT_BTS, BT_BTR, BT_BTC };
enum { MX_ZX8, MX_ZX16, MX_SX8, MX_SX16 };
enum { FO_CMC, FO_CLC, FO_STC, FO_CLI, FO_STI, FO_CLD, FO_STD };
/* MMX operations (sem_mmx.c), the sub selector of the MMX rows. */
enum {
    MMX_PUNPCKLBW, MMX_PUNPCKLWD, MMX_PUNPCKLDQ, MMX_PACKSSWB, MMX_PCMPGTB, MMX_PCMPGTW, MMX_PCMPGTD,
    MMX_PACKUSWB, MMX_PUNPCKHBW, MMX_PUNPCKHWD, MMX_PUNPCKHDQ, MMX_PACKSSDW, MMX_PCMPEQB, MMX_PCMPEQW,
    MMX_PCMPEQD, MMX_PSRLW, MMX_PSRLD, MMX_PSRLQ, MMX_PMULLW, MMX_PSUBUSB, MMX_PSUBUSW, MMX_PAND,
    MMX_PADDUSB, MMX_PADDUSW, MMX_PANDN, MMX_PSRAW, MMX_PSRAD, MMX_PMULHW, MMX_PSUBSB, MMX_PSUBSW, MMX_POR,
    MMX_PADDSB, MMX_PADDSW, MMX_PXOR, MMX_PSLLW, MMX_PSLLD, MMX_PSLLQ, MMX_PMADDWD, MMX_PSUBB, MMX_PSUBW,
    MMX_PSUBD, MMX_PADDB, MMX_PADDW, MMX_PADDD, MMX_OP_COUNT
};

void sem_aaa(struct cpu *c, const struct insn *i);
void sem_aad(struct cpu *c, const struct insn *i);
void sem_aam(struct cpu *c, const struct insn *i);
void sem_aas(struct cpu *c, const struct insn *i);
void sem_alu(struct cpu *c, const struct insn *i);
void sem_arpl(struct cpu *c, const struct insn *i);
void sem_biostrap(struct cpu *c, const struct insn *i);
void sem_bound(struct cpu *c, const struct insn *i);
void sem_bsf(struct cpu *c, const struct insn *i);
void sem_bswap(struct cpu *c, const struct insn *i);
void sem_bt(struct cpu *c, const struct insn *i);
void sem_call_far_imm(struct cpu *c, const struct insn *i);
void sem_call_far_ind(struct cpu *c, const struct insn *i);
void sem_call_ind(struct cpu *c, const struct insn *i);
void sem_call_rel(struct cpu *c, const struct insn *i);
void sem_cbw(struct cpu *c, const struct insn *i);
void sem_clts(struct cpu *c, const struct insn *i);
void sem_cmov(struct cpu *c, const struct insn *i);
void sem_cmps(struct cpu *c, const struct insn *i);
void sem_cmpxchg(struct cpu *c, const struct insn *i);
void sem_cmpxchg8b(struct cpu *c, const struct insn *i);
void sem_cpuid(struct cpu *c, const struct insn *i);
void sem_cwd(struct cpu *c, const struct insn *i);
void sem_daa(struct cpu *c, const struct insn *i);
void sem_das(struct cpu *c, const struct insn *i);
void sem_emms(struct cpu *c, const struct insn *i);
void sem_enter(struct cpu *c, const struct insn *i);
void sem_flagop(struct cpu *c, const struct insn *i);
void sem_fpu(struct cpu *c, const struct insn *i);
void sem_hlt(struct cpu *c, const struct insn *i);
void sem_imul2(struct cpu *c, const struct insn *i);
void sem_imul3(struct cpu *c, const struct insn *i);
void sem_in(struct cpu *c, const struct insn *i);
void sem_incdec(struct cpu *c, const struct insn *i);
void sem_ins(struct cpu *c, const struct insn *i);
void sem_int(struct cpu *c, const struct insn *i);
void sem_int1(struct cpu *c, const struct insn *i);
void sem_int3(struct cpu *c, const struct insn *i);
void sem_into(struct cpu *c, const struct insn *i);
void sem_invd(struct cpu *c, const struct insn *i);
void sem_invlpg(struct cpu *c, const struct insn *i);
void sem_iret(struct cpu *c, const struct insn *i);
void sem_jcc(struct cpu *c, const struct insn *i);
void sem_jmp_far_imm(struct cpu *c, const struct insn *i);
void sem_jmp_far_ind(struct cpu *c, const struct insn *i);
void sem_jmp_ind(struct cpu *c, const struct insn *i);
void sem_jmp_rel(struct cpu *c, const struct insn *i);
void sem_lahf(struct cpu *c, const struct insn *i);
void sem_lar(struct cpu *c, const struct insn *i);
void sem_lea(struct cpu *c, const struct insn *i);
void sem_leave(struct cpu *c, const struct insn *i);
void sem_lldt(struct cpu *c, const struct insn *i);
void sem_lmsw(struct cpu *c, const struct insn *i);
void sem_lods(struct cpu *c, const struct insn *i);
void sem_loop(struct cpu *c, const struct insn *i);
void sem_lsl(struct cpu *c, const struct insn *i);
void sem_ltr(struct cpu *c, const struct insn *i);
void sem_lxdt(struct cpu *c, const struct insn *i);
void sem_lxs(struct cpu *c, const struct insn *i);
void sem_mov(struct cpu *c, const struct insn *i);
void sem_mov_from_cr(struct cpu *c, const struct insn *i);
void sem_mov_from_dr(struct cpu *c, const struct insn *i);
void sem_mov_from_sreg(struct cpu *c, const struct insn *i);
void sem_mov_moffs(struct cpu *c, const struct insn *i);
void sem_mov_to_cr(struct cpu *c, const struct insn *i);
void sem_mov_to_dr(struct cpu *c, const struct insn *i);
void sem_mov_to_sreg(struct cpu *c, const struct insn *i);
void sem_mmx_alu(struct cpu *c, const struct insn *i);
void sem_mmx_movd(struct cpu *c, const struct insn *i);
void sem_mmx_movq(struct cpu *c, const struct insn *i);
void sem_mmx_shift_imm(struct cpu *c, const struct insn *i);
void sem_movs(struct cpu *c, const struct insn *i);
void sem_movx(struct cpu *c, const struct insn *i);
void sem_muldiv(struct cpu *c, const struct insn *i);
void sem_neg(struct cpu *c, const struct insn *i);
void sem_nop(struct cpu *c, const struct insn *i);
void sem_not(struct cpu *c, const struct insn *i);
void sem_out(struct cpu *c, const struct insn *i);
void sem_outs(struct cpu *c, const struct insn *i);
void sem_pop_e(struct cpu *c, const struct insn *i);
void sem_pop_reg(struct cpu *c, const struct insn *i);
void sem_pop_sreg(struct cpu *c, const struct insn *i);
void sem_popa(struct cpu *c, const struct insn *i);
void sem_popf(struct cpu *c, const struct insn *i);
void sem_push_e(struct cpu *c, const struct insn *i);
void sem_push_imm(struct cpu *c, const struct insn *i);
void sem_push_reg(struct cpu *c, const struct insn *i);
void sem_push_sreg(struct cpu *c, const struct insn *i);
void sem_pusha(struct cpu *c, const struct insn *i);
void sem_pushf(struct cpu *c, const struct insn *i);
void sem_rdmsr(struct cpu *c, const struct insn *i);
void sem_rdpmc(struct cpu *c, const struct insn *i);
void sem_rdtsc(struct cpu *c, const struct insn *i);
void sem_ret_far(struct cpu *c, const struct insn *i);
void sem_ret_near(struct cpu *c, const struct insn *i);
void sem_sahf(struct cpu *c, const struct insn *i);
void sem_salc(struct cpu *c, const struct insn *i);
void sem_scas(struct cpu *c, const struct insn *i);
void sem_setcc(struct cpu *c, const struct insn *i);
void sem_shd(struct cpu *c, const struct insn *i);
void sem_shift(struct cpu *c, const struct insn *i);
void sem_sldt_str(struct cpu *c, const struct insn *i);
void sem_smsw(struct cpu *c, const struct insn *i);
void sem_stos(struct cpu *c, const struct insn *i);
void sem_sxdt(struct cpu *c, const struct insn *i);
void sem_sysenter(struct cpu *c, const struct insn *i);
void sem_sysexit(struct cpu *c, const struct insn *i);
void sem_test(struct cpu *c, const struct insn *i);
void sem_ud(struct cpu *c, const struct insn *i);
void sem_verrw(struct cpu *c, const struct insn *i);
void sem_wait(struct cpu *c, const struct insn *i);
void sem_wrmsr(struct cpu *c, const struct insn *i);
void sem_xadd(struct cpu *c, const struct insn *i);
void sem_xchg(struct cpu *c, const struct insn *i);
void sem_xlat(struct cpu *c, const struct insn *i);

/* MMX: the packed operation op (MMX_*) on 64-bit operands a (destination) and b
 * (source or shift count); pure, exported for the tests (sem_mmx.c). */
uint64_t mmx_alu(int op, uint64_t a, uint64_t b);

uint32_t sem_mem_read_slow(struct cpu *c, int sreg, uint32_t off, int size);
void sem_mem_write_slow(struct cpu *c, int sreg, uint32_t off, int size, uint32_t v);
/* Read-modify-write: check that a write to the operand would succeed, then read it. */
uint32_t sem_rmw_read_slow(struct cpu *c, int sreg, uint32_t off, int size);
int sem_cond_slow(struct cpu *c, int cc);
/* A specialised semantic function for i when there is one, else i->sem (sem_fast.c). */
sem_fn sem_fast_pick(const struct insn *i, enum cpu_gen gen);

/* Flag computation (flags.c). */
void flags_set_logic(struct cpu *c, uint32_t res, int size);
void flags_set_szp(struct cpu *c, uint32_t res, int size);   /* SF ZF PF from res, others kept */
/* Lazy: SF ZF PF from res, CF OF AF as given (F_* bits). */
void flags_set_fixed(struct cpu *c, uint32_t res, int size, uint32_t cf_of_af);
void flags_materialize(struct cpu *c);
int parity8(uint32_t v);

/*
 * The memory fast path, inline in every semantic function: a present,
 * expand-up data segment (any mode but the 8086's offset wrap), the access
 * inside its limit and inside one page, a TLB hit on a RAM page (for stores:
 * writable, dirty, and no decoded code in the bytes; no data breakpoint or
 * watchpoint on the page), and no alignment check armed.  Everything else takes the checked slow path,
 * which raises the exact exception.  The TLB entry's rtag/wtag hold the
 * complement of the linear page only when the host pointer may be used for
 * that kind of access, so a hit is one compare.
 */
static inline uint8_t *sem_fast_ptr(struct cpu *c, int sreg, uint32_t off, int size, int write)
{
    const struct seg *s = &c->seg[sreg];
    if (__builtin_expect(!c->fastmem || (c->eflags & F_AC), 0))
        return NULL;
    if ((s->attr & (write ? 0x9E : 0x9C)) != (write ? 0x92 : 0x90))
        return NULL;
    if ((uint64_t)off + (uint32_t)size - 1 > s->limit)
        return NULL;
    uint32_t lin = s->base + off;
    if ((lin & 0xFFF) + (uint32_t)size > 0x1000)
        return NULL;
    const struct tlb_entry *e = &c->tlb[c->cpl == 3][(lin >> 12) & (TLB_SIZE - 1)];
    if ((write ? e->wtag : e->rtag) != ~(lin >> 12))
        return NULL;
    if (write) {
        /* decoded code in the (at most two) 16-byte lines touched: slow path */
        uint32_t l0 = (lin & 0xFFF) >> CODE_LINE_SHIFT, l1 = ((lin & 0xFFF) + (uint32_t)size - 1) >> CODE_LINE_SHIFT;
        if (((e->code[l0 >> 6] >> (l0 & 63)) | (e->code[l1 >> 6] >> (l1 & 63))) & 1)
            return NULL;
    }
    return e->host + (lin & 0xFFF);
}

static inline uint32_t sem_load_host(const uint8_t *p, int size)
{
    if (size == 1)
        return p[0];
    if (size == 2) {
        uint16_t v;
        __builtin_memcpy(&v, p, 2);
        return v;
    }
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return v;
}

static inline void sem_store_host(uint8_t *p, int size, uint32_t v)
{
    if (size == 1) {
        p[0] = (uint8_t)v;
    } else if (size == 2) {
        uint16_t w = (uint16_t)v;
        __builtin_memcpy(p, &w, 2);
    } else {
        __builtin_memcpy(p, &v, 4);
    }
}

static inline uint32_t sem_mem_read(struct cpu *c, int sreg, uint32_t off, int size)
{
    const uint8_t *p = sem_fast_ptr(c, sreg, off, size, 0);
    if (__builtin_expect(!p, 0))
        return sem_mem_read_slow(c, sreg, off, size);
    return sem_load_host(p, size);
}

static inline void sem_mem_write(struct cpu *c, int sreg, uint32_t off, int size, uint32_t v)
{
    uint8_t *p = sem_fast_ptr(c, sreg, off, size, 1);
    if (__builtin_expect(!p, 0)) {
        sem_mem_write_slow(c, sreg, off, size, v);
        return;
    }
    sem_store_host(p, size, v);
}

/* Operand helpers. */
static inline uint32_t sem_ea(struct cpu *c, const struct insn *i)       /* effective offset */
{
    uint32_t a = i->disp;
    if (i->base != REG_NONE)
        a += c->r[i->base];
    if (i->index != REG_NONE)
        a += c->r[i->index] << i->scale;
    return i->a32 ? a : (a & 0xFFFF);
}

static inline uint32_t sem_reg_read(struct cpu *c, int reg, int size)
{
    if (size == 1)
        return reg < 4 ? (c->r[reg] & 0xFF) : ((c->r[reg - 4] >> 8) & 0xFF);
    if (size == 2)
        return c->r[reg] & 0xFFFF;
    return c->r[reg];
}

static inline void sem_reg_write(struct cpu *c, int reg, int size, uint32_t v)
{
    if (size == 1) {
        if (reg < 4)
            c->r[reg] = (c->r[reg] & ~0xFFu) | (v & 0xFF);
        else
            c->r[reg - 4] = (c->r[reg - 4] & ~0xFF00u) | ((v & 0xFF) << 8);
    } else if (size == 2) {
        c->r[reg] = (c->r[reg] & 0xFFFF0000u) | (v & 0xFFFF);
    } else {
        c->r[reg] = v;
    }
}

static inline uint32_t sem_rm_read(struct cpu *c, const struct insn *i, int size)
{
    if (i->mod == 3)
        return sem_reg_read(c, i->rm, size);
    return sem_mem_read(c, i->seg, sem_ea(c, i), size);
}

static inline void sem_rm_write(struct cpu *c, const struct insn *i, int size, uint32_t v)
{
    if (i->mod == 3)
        sem_reg_write(c, i->rm, size, v);
    else
        sem_mem_write(c, i->seg, sem_ea(c, i), size, v);
}

/* Read-modify-write: check the destination is writable before reading it. */
static inline uint32_t sem_rm_read_for_write(struct cpu *c, const struct insn *i, int size)
{
    if (i->mod == 3)
        return sem_reg_read(c, i->rm, size);
    uint32_t off = sem_ea(c, i);
    const uint8_t *p = sem_fast_ptr(c, i->seg, off, size, 1);
    if (__builtin_expect(!p, 0))
        return sem_rmw_read_slow(c, i->seg, off, size);
    return sem_load_host(p, size);
}

static inline uint32_t size_mask(int size)
{
    return size == 1 ? 0xFFu : size == 2 ? 0xFFFFu : 0xFFFFFFFFu;
}
static inline uint32_t sign_bit(int size) { return 1u << (size * 8 - 1); }
static inline int32_t sext(uint32_t v, int size)
{
    return size == 1 ? (int32_t)(int8_t)v : size == 2 ? (int32_t)(int16_t)v : (int32_t)v;
}

/* CF alone from the lazy record (res, a and b are kept masked to the size). */
static inline int sem_cf(const struct cpu *c)
{
    const struct lazy_flags *l = &c->lf;
    switch (l->op) {
    case CC_NONE: return (c->eflags & F_CF) != 0;
    case CC_ADD: return l->res < l->a;
    case CC_ADC: return l->carry_in ? l->res <= l->a : l->res < l->a;
    case CC_SUB: return l->a < l->b;
    case CC_SBB: return l->carry_in ? l->a <= l->b : l->a < l->b;
    case CC_FIXED: return (l->a & F_CF) != 0;
    case CC_INC:
    case CC_DEC: return l->carry_in;
    default: return 0; /* CC_LOGIC */
    }
}

/*
 * Condition cc (the low nibble of Jcc/SETcc/CMOVcc) straight from the lazy
 * record for the common producers, without materializing EFLAGS.
 */
static inline int sem_cond(struct cpu *c, int cc)
{
    const struct lazy_flags *l = &c->lf;
    int r, sz = l->size;
    switch (l->op) {
    case CC_SUB:
        switch (cc >> 1) {
        case 1: r = l->a < l->b; break;
        case 2: r = l->res == 0; break;
        case 3: r = l->a <= l->b; break;
        case 4: r = (l->res & sign_bit(sz)) != 0; break;
        case 6: r = sext(l->a, sz) < sext(l->b, sz); break;
        case 7: r = sext(l->a, sz) <= sext(l->b, sz); break;
        default: return sem_cond_slow(c, cc);
        }
        break;
    case CC_LOGIC:
        switch (cc >> 1) {
        case 0:
        case 1: r = 0; break;
        case 2:
        case 3: r = l->res == 0; break;
        case 5: return sem_cond_slow(c, cc);
        case 4:
        case 6: r = (l->res & sign_bit(sz)) != 0; break;
        default: r = l->res == 0 || (l->res & sign_bit(sz)) != 0; break;
        }
        break;
    case CC_ADD:
    case CC_INC:
    case CC_DEC:
    case CC_FIXED:
        switch (cc >> 1) {
        case 1: r = sem_cf(c); break;
        case 2: r = l->res == 0; break;
        case 3: r = sem_cf(c) || l->res == 0; break;
        case 4: r = (l->res & sign_bit(sz)) != 0; break;
        default: return sem_cond_slow(c, cc);
        }
        break;
    default:
        return sem_cond_slow(c, cc);
    }
    return r ^ (cc & 1);
}

/* The eight ALU operations with lazy flags; returns the result (masked). */
static inline uint32_t alu_op(struct cpu *c, int op, uint32_t a, uint32_t b, int size)
{
    uint32_t m = size_mask(size), r;
    struct lazy_flags *l = &c->lf;
    a &= m;
    b &= m;
    switch (op) {
    case ALU_ADD: r = a + b; l->op = CC_ADD; break;
    case ALU_ADC: {
        int cin = sem_cf(c);
        r = a + b + (uint32_t)cin;
        l->carry_in = (uint8_t)cin;
        l->op = cin ? CC_ADC : CC_ADD;
        break;
    }
    case ALU_SBB: {
        int cin = sem_cf(c);
        r = a - b - (uint32_t)cin;
        l->carry_in = (uint8_t)cin;
        l->op = cin ? CC_SBB : CC_SUB;
        break;
    }
    case ALU_SUB:
    case ALU_CMP: r = a - b; l->op = CC_SUB; break;
    case ALU_AND: r = a & b; l->op = CC_LOGIC; break;
    case ALU_OR: r = a | b; l->op = CC_LOGIC; break;
    default: r = a ^ b; l->op = CC_LOGIC; break;
    }
    r &= m;
    l->a = a;
    l->b = b;
    l->res = r;
    l->size = (uint8_t)size;
    return r;
}

#endif
