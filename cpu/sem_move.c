/*
 * sem_move.c - data movement: MOV (including the moffs forms), XCHG, LEA,
 * MOVZX/MOVSX, CBW/CWDE, CWD/CDQ, BSWAP, CMOVcc, SETcc and NOP.  Semantics
 * per Intel SDM Vol. 2.  The arithmetic and logic instructions, XADD and
 * CMPXCHG are in sem_alu.c.
 */
#include "cpu/sem.h"

/* ---- moves and conversions ---- */

void sem_mov(struct cpu *c, const struct insn *i)
{
    int size = i->osz;
    switch (i->row->form) {
    case FM_EG: sem_rm_write(c, i, size, sem_reg_read(c, i->reg, size)); break;
    case FM_GE: sem_reg_write(c, i->reg, size, sem_rm_read(c, i, size)); break;
    case FM_EI: sem_rm_write(c, i, size, i->imm); break;
    default: sem_reg_write(c, i->opc & 7, size, i->imm); break; /* FM_ZI */
    }
}

void sem_mov_moffs(struct cpu *c, const struct insn *i)
{
    if (i->sub)
        sem_mem_write(c, i->seg, i->imm, i->osz, sem_reg_read(c, R_EAX, i->osz));
    else
        sem_reg_write(c, R_EAX, i->osz, sem_mem_read(c, i->seg, i->imm, i->osz));
}

void sem_xchg(struct cpu *c, const struct insn *i)
{
    int size = i->osz;
    if (i->row->form == FM_Z) {
        uint32_t a = sem_reg_read(c, R_EAX, size), b = sem_reg_read(c, i->opc & 7, size);
        sem_reg_write(c, R_EAX, size, b);
        sem_reg_write(c, i->opc & 7, size, a);
        return;
    }
    uint32_t m = sem_rm_read_for_write(c, i, size);
    uint32_t r = sem_reg_read(c, i->reg, size);
    sem_rm_write(c, i, size, r);
    sem_reg_write(c, i->reg, size, m);
}

void sem_lea(struct cpu *c, const struct insn *i)
{
    if (i->mod == 3) { /* 8086 only: undefined, leave the register alone */
        return;
    }
    sem_reg_write(c, i->reg, i->osz, sem_ea(c, i));
}

void sem_movx(struct cpu *c, const struct insn *i)
{
    uint32_t v;
    switch (i->sub) {
    case MX_ZX8: v = sem_rm_read(c, i, 1); break;
    case MX_ZX16: v = sem_rm_read(c, i, 2); break;
    case MX_SX8: v = (uint32_t)(int32_t)(int8_t)sem_rm_read(c, i, 1); break;
    default: v = (uint32_t)(int32_t)(int16_t)sem_rm_read(c, i, 2); break;
    }
    sem_reg_write(c, i->reg, i->osz, v);
}

void sem_cbw(struct cpu *c, const struct insn *i)
{
    if (i->osz == 4)
        c->r[R_EAX] = (uint32_t)(int32_t)(int16_t)c->r[R_EAX];
    else
        sem_reg_write(c, R_EAX, 2, (uint32_t)(int32_t)(int8_t)c->r[R_EAX]);
}

void sem_cwd(struct cpu *c, const struct insn *i)
{
    if (i->osz == 4)
        c->r[R_EDX] = (c->r[R_EAX] & 0x80000000u) ? 0xFFFFFFFFu : 0;
    else
        sem_reg_write(c, R_EDX, 2, (c->r[R_EAX] & 0x8000) ? 0xFFFF : 0);
}

void sem_bswap(struct cpu *c, const struct insn *i)
{
    int r = i->opc & 7;
    if (i->osz == 2) { /* undefined; P6 clears the low word */
        sem_reg_write(c, r, 2, 0);
        return;
    }
    c->r[r] = __builtin_bswap32(c->r[r]);
}

void sem_cmov(struct cpu *c, const struct insn *i)
{
    uint32_t v = sem_rm_read(c, i, i->osz);
    if (sem_cond(c, i->sub))
        sem_reg_write(c, i->reg, i->osz, v);
}

void sem_setcc(struct cpu *c, const struct insn *i)
{
    sem_rm_write(c, i, 1, (uint32_t)sem_cond(c, i->sub));
}

void sem_nop(struct cpu *c, const struct insn *i) {}
