/*
 * gen_alu.c - the differential tester's generator classes for arithmetic,
 * logic, shifts, bit operations, flag readers (CMOVcc, SETcc) and branches
 * (Jcc, LOOPcc, JECXZ over a skippable filler).  See gen.c for the two
 * encodings and the flag tracking.
 */
#include <stddef.h>

#include "gen_int.h"

static const uint32_t cc_reads[8] = { OF, CF, ZF, CF | ZF, SF, PF, SF | OF, SF | OF | ZF };

/* ---- instruction classes ---- */

void g_alu(struct em *e)
{
    int op = (int)rnd(e, 8), size = pick_size(e), form = (int)rnd(e, 4);
    uint32_t r = (op == 2 || op == 3) ? CF : 0;
    uint32_t u = (op == 1 || op == 4 || op == 6) ? AF : 0;
    int w = size == 1 ? 0 : 1;
    struct rm m;
    int reg;
    if (form == 0 || form == 1) {
        m = pick_rm(e, size, form == 0, 0);
        reg = form == 1 ? regsz(e, size) : (int)rnd(e, 8);
        need(e, r);
        begin(e, K_ALU);
        prefixes(e, &m, size, form == 0 && op != 7);
        bb(e, (uint8_t)(op * 8 + form * 2 + w));
        modrm(e, reg, &m);
    } else if (form == 2) {
        m = pick_rm(e, size, 1, 0);
        need(e, r);
        begin(e, K_ALU);
        prefixes(e, &m, size, op != 7);
        int s8 = size > 1 && chance(e, 50);
        bb(e, (uint8_t)(size == 1 ? 0x80 : s8 ? 0x83 : 0x81));
        modrm(e, op, &m);
        bimm(e, interesting(e), s8 ? 1 : size);
    } else {
        need(e, r);
        begin(e, K_ALU);
        prefixes(e, NULL, size, 0);
        bb(e, (uint8_t)(op * 8 + 4 + w));
        bimm(e, interesting(e), size);
    }
    fx(e, ALL6 & ~u, u, 0);
}

void g_test(struct em *e)
{
    int size = pick_size(e), w = size > 1;
    int form = (int)rnd(e, 3);
    begin(e, K_TEST);
    if (form == 2) {
        prefixes(e, NULL, size, 0);
        bb(e, (uint8_t)(0xA8 + w));
        bimm(e, interesting(e), size);
    } else {
        e->s->n--; /* operand preludes first */
        struct rm m = pick_rm(e, size, 0, 0);
        begin(e, K_TEST);
        prefixes(e, &m, size, 0);
        if (form == 0) {
            bb(e, (uint8_t)(0x84 + w));
            modrm(e, (int)rnd(e, 8), &m);
        } else {
            bb(e, (uint8_t)(0xF6 + w));
            modrm(e, 0, &m);
            bimm(e, interesting(e), size);
        }
    }
    fx(e, ALL6 & ~AF, AF, 0);
}

void g_incdec(struct em *e)
{
    int size = pick_size(e), dec = (int)rnd(e, 2);
    if (size > 1 && chance(e, 50)) {
        int r = wreg(e);
        begin(e, K_INCDEC);
        prefixes(e, NULL, size, 0);
        tb(e, (uint8_t)(0x40 + dec * 8 + r));
        nb(e, 0xFF);
        nb(e, (uint8_t)(0xC0 + dec * 8 + r));
    } else {
        struct rm m = pick_rm(e, size, 1, 0);
        begin(e, K_INCDEC);
        prefixes(e, &m, size, 1);
        bb(e, (uint8_t)(size == 1 ? 0xFE : 0xFF));
        modrm(e, dec, &m);
    }
    fx(e, ALL6 & ~CF, 0, 0);
}

void g_negnot(struct em *e)
{
    int size = pick_size(e), neg = (int)rnd(e, 2);
    struct rm m = pick_rm(e, size, 1, 0);
    begin(e, K_NEGNOT);
    prefixes(e, &m, size, 1);
    bb(e, (uint8_t)(size == 1 ? 0xF6 : 0xF7));
    modrm(e, neg ? 3 : 2, &m);
    if (neg)
        fx(e, ALL6, 0, 0);
}

void g_mul(struct em *e)
{
    int size = pick_size(e);
    struct rm m = pick_rm(e, size, 0, 0);
    begin(e, K_MUL);
    prefixes(e, &m, size, 0);
    bb(e, (uint8_t)(size == 1 ? 0xF6 : 0xF7));
    modrm(e, 4 + (int)rnd(e, 2), &m);
    fx(e, CF | OF, SF | ZF | AF | PF, 0);
}

void g_imul(struct em *e)
{
    int size = chance(e, 30) ? 2 : 4, form = (int)rnd(e, 3);
    struct rm m = pick_rm(e, size, 0, 0);
    int reg = wreg(e);
    begin(e, K_IMUL);
    prefixes(e, &m, size, 0);
    if (form == 0) {
        bb(e, 0x0F);
        bb(e, 0xAF);
        modrm(e, reg, &m);
    } else if (form == 1) {
        bb(e, 0x69);
        modrm(e, reg, &m);
        bimm(e, interesting(e), size);
    } else {
        bb(e, 0x6B);
        modrm(e, reg, &m);
        bb(e, (uint8_t)rnd(e, 256));
    }
    fx(e, CF | OF, SF | ZF | AF | PF, 0);
}

void g_div(struct em *e)
{
    int size = pick_size(e), idiv = (int)rnd(e, 2);
    struct rm m = pick_rm(e, size, 0, (1u << 0) | (1u << 2));
    if (chance(e, 80)) {
        /* make the quotient fit most of the time */
        if (size == 1) {
            if (idiv) {
                begin(e, K_PRE);
                bb(e, 0x66);
                bb(e, 0x98); /* cbw */
            } else {
                pre_mov(e, 0, interesting(e) & 0xFF);
            }
        } else if (idiv) {
            begin(e, K_PRE);
            if (size == 2)
                bb(e, 0x66);
            bb(e, 0x99); /* cwd / cdq */
        } else {
            pre_mov(e, 2, 0);
        }
    }
    begin(e, K_DIV);
    prefixes(e, &m, size, 0);
    bb(e, (uint8_t)(size == 1 ? 0xF6 : 0xF7));
    modrm(e, 6 + idiv, &m);
    fx(e, 0, ALL6, 0);
}

void g_shift(struct em *e)
{
    int size = pick_size(e), op = (int)rnd(e, 8), form = (int)rnd(e, 3);
    if (op == 6 && chance(e, 70))
        op = 4; /* /6 is the undocumented SAL alias: keep it rare */
    struct rm m = pick_rm(e, size, 1, form == 2 ? (1u << 1) : 0);
    uint32_t cnt = 1;
    if (form == 0)
        cnt = chance(e, 85) ? rnd(e, 33) : rnd(e, 256);
    if (form == 2 && chance(e, 70))
        pre_mov(e, 1, chance(e, 85) ? rnd(e, 33) : interesting(e));
    uint32_t r = (op == 2 || op == 3) ? CF : 0;
    need(e, r);
    begin(e, K_SHIFT);
    prefixes(e, &m, size, 0);
    int w = size > 1;
    bb(e, (uint8_t)((form == 0 ? 0xC0 : form == 1 ? 0xD0 : 0xD2) + w));
    modrm(e, op, &m);
    if (form == 0)
        bb(e, (uint8_t)cnt);
    int bits = size * 8;
    if (form == 2) {
        uint32_t u = OF | AF;
        if (op >= 4 && size < 4)
            u |= CF;
        fx(e, 0, u, 1);
        return;
    }
    uint32_t c = cnt & 31;
    if (c == 0)
        return;
    if (op < 4) {
        /* rotates: CF (and OF for count 1) */
        fx(e, c == 1 ? CF | OF : CF, c == 1 ? 0 : OF, 0);
    } else {
        uint32_t u = AF | (c == 1 ? 0 : OF) | ((int)c >= bits ? CF : 0);
        fx(e, (ALL6 & ~u), u, 0);
    }
}

void g_shxd(struct em *e)
{
    int size = chance(e, 30) ? 2 : 4, right = (int)rnd(e, 2), cl = size == 4 && chance(e, 40);
    struct rm m = pick_rm(e, size, 1, cl ? (1u << 1) : 0);
    int reg = (int)rnd(e, 8);
    uint32_t imm = 0;
    if (!cl) {
        imm = rnd(e, size == 2 ? 17 : 32);
        if (chance(e, 15))
            imm += 32 * rnd(e, 8);
    } else if (chance(e, 70)) {
        if (reg == 1)
            reg = 0;
        pre_mov(e, 1, chance(e, 85) ? rnd(e, 32) : interesting(e));
    }
    begin(e, K_SHXD);
    prefixes(e, &m, size, 0);
    bb(e, 0x0F);
    bb(e, (uint8_t)((right ? 0xAC : 0xA4) + (cl ? 1 : 0)));
    modrm(e, reg, &m);
    if (!cl) {
        bb(e, (uint8_t)imm);
        uint32_t c = imm & 31;
        if (c) {
            uint32_t u = AF | (c == 1 ? 0 : OF);
            fx(e, ALL6 & ~u, u, 0);
        }
    } else {
        fx(e, 0, OF | AF, 1);
    }
}

void g_bt(struct em *e)
{
    int size = chance(e, 30) ? 2 : 4, op = (int)rnd(e, 4), imm = chance(e, 40);
    struct rm m;
    int reg = 0;
    if (imm) {
        m = pick_rm(e, size, op != 0, 0);
    } else if (chance(e, 50)) {
        reg = (int)rnd(e, 8);
        m = rm_reg(op ? wreg(e) : (int)rnd(e, 8));
    } else {
        reg = wreg(e);
        pre_mov(e, reg, size == 2 ? (uint32_t)(rnd(e, 1024) - 512) & 0xFFFF : rnd(e, 1024) - 512);
        m = rm_mem(e, 0x100, 0xE00, 1u << reg);
    }
    begin(e, K_BT);
    prefixes(e, &m, size, op != 0);
    bb(e, 0x0F);
    if (imm) {
        bb(e, 0xBA);
        modrm(e, 4 + op, &m);
        bb(e, (uint8_t)rnd(e, 256));
    } else {
        bb(e, (uint8_t)(0xA3 + op * 8));
        modrm(e, reg, &m);
    }
    fx(e, CF, OF | SF | AF | PF, 0);
}

void g_bsx(struct em *e)
{
    int size = chance(e, 30) ? 2 : 4;
    struct rm m = pick_rm(e, size, 0, 0);
    if (!m.mem && m.reg != 4 && chance(e, 10))
        pre_mov(e, m.reg, chance(e, 50) ? 0 : interesting(e) & 0xFFFF0000u);
    int reg = wreg(e);
    begin(e, K_BSX);
    prefixes(e, &m, size, 0);
    bb(e, 0x0F);
    bb(e, (uint8_t)(0xBC + rnd(e, 2)));
    modrm(e, reg, &m);
    fx(e, ZF, CF | OF | SF | AF | PF, 0);
}

void g_cmov(struct em *e)
{
    int size = chance(e, 30) ? 2 : 4, cc = (int)rnd(e, 16);
    struct rm m = pick_rm(e, size, 0, 0);
    int reg = wreg(e);
    need(e, cc_reads[cc >> 1]);
    begin(e, K_CMOV);
    prefixes(e, &m, size, 0);
    bb(e, 0x0F);
    bb(e, (uint8_t)(0x40 + cc));
    modrm(e, reg, &m);
}

void g_setcc(struct em *e)
{
    int cc = (int)rnd(e, 16);
    struct rm m = pick_rm(e, 1, 1, 0);
    need(e, cc_reads[cc >> 1]);
    begin(e, K_SETCC);
    prefixes(e, &m, 1, 0);
    bb(e, 0x0F);
    bb(e, (uint8_t)(0x90 + cc));
    modrm(e, 0, &m);
}

/* A single register-only instruction that may be skipped by a branch. */
static void g_filler(struct em *e)
{
    int r = wreg(e);
    switch (rnd(e, 4)) {
    case 0:
        begin(e, K_MOV);
        bb(e, (uint8_t)(0xB8 + r));
        b32(e, interesting(e));
        break;
    case 1:
        begin(e, K_ALU);
        {
            int op = (int)rnd(e, 8);
            if (op == 2 || op == 3)
                op = 0; /* no flag reads here */
            bb(e, 0x01 + op * 8);
            bb(e, (uint8_t)(0xC0 | rnd(e, 8) << 3 | r));
            uint32_t u = (op == 1 || op == 4 || op == 6) ? AF : 0;
            fx(e, ALL6 & ~u, u, 0);
        }
        break;
    case 2:
        begin(e, K_NEGNOT);
        bb(e, 0xF7);
        bb(e, (uint8_t)(0xD0 | r));
        break;
    default:
        begin(e, K_INCDEC);
        tb(e, (uint8_t)(0x40 + r));
        nb(e, 0xFF);
        nb(e, (uint8_t)(0xC0 + r));
        fx(e, ALL6 & ~CF, 0, 0);
        break;
    }
}

void g_jcc(struct em *e)
{
    int kind = (int)rnd(e, 5);  /* 0-2 Jcc (short, near), 3 LOOPcc, 4 JECXZ */
    int cc = (int)rnd(e, 16), lp = (int)rnd(e, 3);
    uint32_t r = 0;
    if (kind < 3)
        r = cc_reads[cc >> 1];
    else if (kind == 3 && lp < 2)
        r = ZF;
    if (kind >= 3 && chance(e, 60))
        pre_mov(e, 1, rnd(e, 3));
    need(e, r);
    begin(e, K_JCC);
    struct dt_seq *s = e->s;
    uint32_t tpos, npos;
    int near = kind == 2;
    if (kind < 3) {
        if (near) {
            bb(e, 0x0F);
            bb(e, (uint8_t)(0x80 + cc));
        } else {
            bb(e, (uint8_t)(0x70 + cc));
        }
    } else {
        nb(e, 0x67);
        bb(e, kind == 3 ? (uint8_t)(0xE0 + lp) : 0xE3);
    }
    tpos = s->tlen;
    npos = s->nlen;
    if (near)
        b32(e, 0);
    else
        bb(e, 0);
    uint32_t before = e->poison;
    s->nocut[s->n] = 1;
    g_filler(e);
    e->poison |= before;
    uint32_t td = s->tlen - tpos - (near ? 4 : 1), nd = s->nlen - npos - (near ? 4 : 1);
    s->tcode[tpos] = (uint8_t)td;
    s->ncode[npos] = (uint8_t)nd;
    /* near: displacement bytes 1..3 stay 0 */
}

void g_xadd_cmpxchg(struct em *e)
{
    int size = pick_size(e), x = (int)rnd(e, 2);
    struct rm m = pick_rm(e, size, 1, 0);
    int reg = regsz(e, size);
    begin(e, x ? K_XADD : K_CMPXCHG);
    prefixes(e, &m, size, 1);
    bb(e, 0x0F);
    bb(e, (uint8_t)((x ? 0xC0 : 0xB0) + (size > 1)));
    modrm(e, reg, &m);
    fx(e, ALL6, 0, 0);
}
