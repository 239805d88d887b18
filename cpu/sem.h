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

/* Operand helpers (operand.c). */
uint32_t sem_ea(struct cpu *c, const struct insn *i);          /* effective offset */
uint32_t sem_reg_read(struct cpu *c, int reg, int size);
void sem_reg_write(struct cpu *c, int reg, int size, uint32_t v);
uint32_t sem_rm_read(struct cpu *c, const struct insn *i, int size);
void sem_rm_write(struct cpu *c, const struct insn *i, int size, uint32_t v);
uint32_t sem_mem_read_slow(struct cpu *c, int sreg, uint32_t off, int size);
void sem_mem_write_slow(struct cpu *c, int sreg, uint32_t off, int size, uint32_t v);
/* Read-modify-write: check the destination is writable before reading it. */
uint32_t sem_rm_read_for_write(struct cpu *c, const struct insn *i, int size);
int sem_cond(struct cpu *c, int cc);

/* Flag computation (flags.c). */
uint32_t alu_op(struct cpu *c, int op, uint32_t a, uint32_t b, int size);
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
 * writable, dirty, and no decoded code in the bytes), and no alignment check
 * or data breakpoint armed.  Everything else takes the checked slow path,
 * which raises the exact exception.
 */
static inline uint8_t *sem_fast_ptr(struct cpu *c, int sreg, uint32_t off, int size, int write)
{
    const struct seg *s = &c->seg[sreg];
    if (!c->fastmem || (c->eflags & F_AC) || c->dr_data)
        return NULL;
    if ((s->attr & (write ? 0x9E : 0x9C)) != (write ? 0x92 : 0x90))
        return NULL;
    if ((uint64_t)off + (uint32_t)size - 1 > s->limit)
        return NULL;
    uint32_t lin = s->base + off;
    if ((lin & 0xFFF) + (uint32_t)size > 0x1000)
        return NULL;
    const struct tlb_entry *e = &c->tlb[c->cpl == 3][(lin >> 12) & (TLB_SIZE - 1)];
    if (e->lin_page != (lin >> 12) || !e->host || !(e->perm & (write ? TLB_WRITE : TLB_READ)))
        return NULL;
    if (write && memmap_is_code(c->mem, e->phys_page | (lin & 0xFFF), (uint32_t)size))
        return NULL;
    return e->host + (lin & 0xFFF);
}

static inline uint32_t sem_mem_read(struct cpu *c, int sreg, uint32_t off, int size)
{
    const uint8_t *p = sem_fast_ptr(c, sreg, off, size, 0);
    if (!p)
        return sem_mem_read_slow(c, sreg, off, size);
    return size == 1 ? p[0] : size == 2 ? (uint32_t)(p[0] | p[1] << 8)
                                        : (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                                              (uint32_t)p[3] << 24;
}

static inline void sem_mem_write(struct cpu *c, int sreg, uint32_t off, int size, uint32_t v)
{
    uint8_t *p = sem_fast_ptr(c, sreg, off, size, 1);
    if (!p) {
        sem_mem_write_slow(c, sreg, off, size, v);
        return;
    }
    p[0] = (uint8_t)v;
    if (size > 1) {
        p[1] = (uint8_t)(v >> 8);
        if (size > 2) {
            p[2] = (uint8_t)(v >> 16);
            p[3] = (uint8_t)(v >> 24);
        }
    }
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

#endif
