/*
 * gen.c - random instruction-sequence generator of the differential tester.
 *
 * Every instruction is emitted twice: the 32-bit encoding (tarsier, Unicorn)
 * and an encoding for the host in 64-bit mode with the same effect on the low
 * 32 bits of the registers, on EFLAGS and on memory.  Most instructions are
 * byte-identical; the differences are:
 *   - memory operands get an 0x67 prefix natively (32-bit address arithmetic)
 *     and absolute disp32 operands use the SIB "no base, no index" form, since
 *     ModR/M mod=00 r/m=101 means RIP-relative in 64-bit mode;
 *   - INC/DEC r (40-4F, REX in 64-bit mode) become FF /0, FF /1;
 *   - moffs MOVs (A0-A3), LOOPcc and JECXZ get 0x67 (32-bit moffs / ECX);
 *   - 32-bit PUSH/POP/PUSHFD/POPFD, which do not exist in 64-bit mode, are
 *     replaced by short sequences using R8, R9 and a scratch stack at R15
 *     (16-bit PUSH/POP/PUSHF/POPF run as they are);
 *   - instructions invalid in 64-bit mode (DAA, DAS, AAA, AAS, AAM, AAD,
 *     PUSHA, POPA) have no native form: sequences holding them are marked
 *     !native_ok and checked against Unicorn only.
 *
 * Flags: the generator tracks which arithmetic flags hold documented values
 * ("poison" = undefined flags per the SDM).  An instruction that reads a
 * poisoned flag is preceded by CMP reg,reg, which defines all six; fmask[k]
 * records which EFLAGS bits may be compared at instruction k and at the end.
 */
#include <string.h>

#include "gen_int.h"

static const char *const kind_names[K_COUNT] = {
    "clean-cmp", "prelude-mov", "alu", "test", "inc/dec", "neg/not", "mul", "imul", "div",
    "shift/rotate", "shld/shrd", "bt*", "bsf/bsr", "cmovcc", "setcc", "jcc/loop", "xadd",
    "cmpxchg", "bswap", "movzx/movsx", "mov", "xchg", "lea", "misc", "string", "push/pop",
    "pushf/popf", "bcd", "pusha/popa", "x87 load", "x87 store", "x87 arith", "x87 compare",
    "x87 stack", "x87 unary", "x87 control", "x87 env", "x87 prelude", "mmx", "mmx move",
};

const char *dt_kind_name(int kind)
{
    return kind >= 0 && kind < K_COUNT ? kind_names[kind] : "?";
}

void begin(struct em *e, int kind)
{
    struct dt_seq *s = e->s;
    int k = s->n++;
    e->cur = k;
    s->toff[k] = s->tlen;
    s->noff[k] = s->nlen;
    s->fmask[k] = CMP_BITS & ~e->poison;
    s->cmask[k] = (uint16_t)~e->cpoison;
    s->kind[k] = (uint16_t)kind;
}

/* Flag effect of the instruction just emitted: W defined, U undefined.
 * maybe: the instruction may also leave every flag unchanged (count 0). */
void fx(struct em *e, uint32_t w, uint32_t u, int maybe)
{
    if (maybe)
        e->poison |= u;
    else
        e->poison = (e->poison & ~w) | u;
}

/* Flags an instruction reads must hold defined values. */
void need(struct em *e, uint32_t r)
{
    if (!(e->poison & r))
        return;
    begin(e, K_CLEAN);
    bb(e, 0x39);
    bb(e, (uint8_t)(0xC0 | rnd(e, 8) << 3 | rnd(e, 8)));
    e->poison = 0;
}

uint32_t interesting(struct em *e)
{
    switch (rnd(e, 12)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return 0xFFFFFFFFu;
    case 3: return 0x80000000u;
    case 4: return 0x7FFFFFFFu;
    case 5: return rnd(e, 256);
    case 6: return 0x80u << (8 * rnd(e, 4));
    case 7: return (uint32_t)dt_rand64(e->r) & 0xFFFF;
    case 8: return 0x7Fu << (8 * rnd(e, 4)) | rnd(e, 2);
    case 9: return (uint32_t)-(int32_t)rnd(e, 300);
    default: return (uint32_t)dt_rand64(e->r);
    }
}

/* mov r32, imm32: identical in both modes. */
void pre_mov(struct em *e, int reg, uint32_t v)
{
    begin(e, K_PRE);
    bb(e, (uint8_t)(0xB8 + reg));
    b32(e, v);
}

/* ---- ModR/M operands ---- */

struct rm rm_reg(int r)
{
    struct rm m;
    memset(&m, 0, sizeof(m));
    m.reg = r;
    return m;
}

/* Register for a written 16/32-bit operand: anything but ESP. */
int wreg(struct em *e)
{
    int r = (int)rnd(e, 7);
    return r >= 4 ? r + 1 : r;
}

static int regsz(struct em *e, int size) { return size == 1 ? (int)rnd(e, 8) : wreg(e); }

/* A memory operand addressing [lo, hi) of the data buffer (offsets), whose
 * base/index registers avoid the mask excl; preludes load them. */
struct rm rm_mem(struct em *e, uint32_t lo, uint32_t hi, unsigned excl)
{
    return rm_mem_at(e, DT_DATA_BASE + lo + rnd(e, hi - lo), excl);
}

/* An absolute (disp32) operand at a. */
struct rm rm_abs(uint32_t a)
{
    struct rm m;
    memset(&m, 0, sizeof(m));
    m.mem = 1;
    m.addr = a;
    m.disp = (int32_t)a;
    m.dsz = 4;
    return m;
}

/* A memory operand addressing a with random addressing (preludes as above). */
struct rm rm_mem_at(struct em *e, uint32_t a, unsigned excl)
{
    struct rm m;
    memset(&m, 0, sizeof(m));
    m.mem = 1;
    m.addr = a;
    int pick[8], np = 0;
    for (int r = 0; r < 8; r++)
        if (r != 4 && !(excl & (1u << r)))
            pick[np++] = r;
    int mode = (int)rnd(e, 4);
    if (np < 2 && mode == 2)
        mode = 1;
    if (np < 1)
        mode = 0;
    m.mode = mode;
    if (mode == 0 || mode == 3) {
        m.disp = (int32_t)a;
        m.dsz = 4;
        return m;
    }
    m.base = pick[rnd(e, (uint32_t)np)];
    switch (rnd(e, 3)) {
    case 0: m.dsz = m.base == 5 ? 1 : 0; m.disp = 0; break;
    case 1: m.dsz = 1; m.disp = (int32_t)rnd(e, 256) - 128; break;
    default: m.dsz = 4; m.disp = (int32_t)rnd(e, 0x20000) - 0x10000; break;
    }
    uint32_t basev = a - (uint32_t)m.disp;
    if (mode == 2) {
        do
            m.index = pick[rnd(e, (uint32_t)np)];
        while (m.index == m.base);
        m.scale = (int)rnd(e, 4);
        uint32_t iv = rnd(e, 64);
        if (chance(e, 20))
            iv = (uint32_t)-(int32_t)rnd(e, 16);
        basev -= iv << m.scale;
        pre_mov(e, m.index, iv);
    }
    pre_mov(e, m.base, basev);
    return m;
}

/* Emit ModR/M (+SIB, displacement). */
void modrm(struct em *e, int regf, const struct rm *m)
{
    uint8_t rf = (uint8_t)((regf & 7) << 3);
    if (!m->mem) {
        bb(e, (uint8_t)(0xC0 | rf | m->reg));
        return;
    }
    if (m->mode == 0 || m->mode == 3) {
        if (m->mode == 0) {
            tb(e, (uint8_t)(0x05 | rf));
        } else {
            tb(e, (uint8_t)(0x04 | rf));
            tb(e, 0x25);
        }
        nb(e, (uint8_t)(0x04 | rf));
        nb(e, 0x25);
        b32(e, (uint32_t)m->disp);
        return;
    }
    uint8_t mod = m->dsz == 0 ? 0x00 : m->dsz == 1 ? 0x40 : 0x80;
    if (m->mode == 1 && m->base != 4) {
        bb(e, (uint8_t)(mod | rf | m->base));
    } else {
        bb(e, (uint8_t)(mod | rf | 4));
        int idx = m->mode == 2 ? m->index : 4;
        bb(e, (uint8_t)(m->scale << 6 | idx << 3 | m->base));
    }
    if (m->dsz == 1)
        bb(e, (uint8_t)m->disp);
    else if (m->dsz == 4)
        b32(e, (uint32_t)m->disp);
}

static uint8_t seg_override(struct em *e)
{
    static const uint8_t p[3] = { 0x26, 0x36, 0x3E };
    return p[rnd(e, 3)];
}

/* Prefixes of an instruction with r/m operand m and operand size. */
void prefixes(struct em *e, const struct rm *m, int size, int lockable)
{
    if (m && m->mem) {
        if (chance(e, 8))
            bb(e, seg_override(e)); /* ES/SS/DS override: flat (CS is not writable) */
        if (lockable && !e->o->only_nonnative && chance(e, 10)) /* Unicorn: LOCK NEG flags bug */
            bb(e, 0xF0);
        nb(e, 0x67);
    }
    if (size == 2)
        bb(e, 0x66);
}

static int pick_size(struct em *e) { static const int sz[4] = { 1, 2, 4, 4 }; return sz[rnd(e, 4)]; }

/* r/m operand of the given size; written: not ESP when a register. */
static struct rm pick_rm(struct em *e, int size, int written, unsigned excl)
{
    if (chance(e, 45))
        return rm_mem(e, 0x40, 0xF00, excl);
    int r = written ? regsz(e, size) : (int)rnd(e, 8);
    return rm_reg(r);
}

static const uint32_t cc_reads[8] = { OF, CF, ZF, CF | ZF, SF, PF, SF | OF, SF | OF | ZF };

/* ---- instruction classes ---- */

static void g_alu(struct em *e)
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

static void g_test(struct em *e)
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

static void g_incdec(struct em *e)
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

static void g_negnot(struct em *e)
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

static void g_mul(struct em *e)
{
    int size = pick_size(e);
    struct rm m = pick_rm(e, size, 0, 0);
    begin(e, K_MUL);
    prefixes(e, &m, size, 0);
    bb(e, (uint8_t)(size == 1 ? 0xF6 : 0xF7));
    modrm(e, 4 + (int)rnd(e, 2), &m);
    fx(e, CF | OF, SF | ZF | AF | PF, 0);
}

static void g_imul(struct em *e)
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

static void g_div(struct em *e)
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

static void g_shift(struct em *e)
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

static void g_shxd(struct em *e)
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

static void g_bt(struct em *e)
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

static void g_bsx(struct em *e)
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

static void g_cmov(struct em *e)
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

static void g_setcc(struct em *e)
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

static void g_jcc(struct em *e)
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

static void g_xadd_cmpxchg(struct em *e)
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

static void g_bswap(struct em *e)
{
    begin(e, K_BSWAP);
    bb(e, 0x0F);
    bb(e, (uint8_t)(0xC8 + wreg(e)));
}

static void g_movx(struct em *e)
{
    int ssz = chance(e, 50) ? 1 : 2, dsz = ssz == 1 && chance(e, 30) ? 2 : 4;
    struct rm m = pick_rm(e, ssz, 0, 0);
    int reg = wreg(e);
    begin(e, K_MOVX);
    prefixes(e, &m, dsz, 0);
    bb(e, 0x0F);
    bb(e, (uint8_t)((rnd(e, 2) ? 0xBE : 0xB6) + (ssz == 2)));
    modrm(e, reg, &m);
}

static void g_mov(struct em *e)
{
    int size = pick_size(e), w = size > 1, form = (int)rnd(e, 5);
    if (form == 0 || form == 1) {
        struct rm m = pick_rm(e, size, form == 0, 0);
        int reg = form == 1 ? regsz(e, size) : (int)rnd(e, 8);
        begin(e, K_MOV);
        prefixes(e, &m, size, 0);
        bb(e, (uint8_t)(0x88 + form * 2 + w));
        modrm(e, reg, &m);
    } else if (form == 2) {
        struct rm m = pick_rm(e, size, 1, 0);
        begin(e, K_MOV);
        prefixes(e, &m, size, 0);
        bb(e, (uint8_t)(0xC6 + w));
        modrm(e, 0, &m);
        bimm(e, interesting(e), size);
    } else if (form == 3) {
        begin(e, K_MOV);
        prefixes(e, NULL, size, 0);
        bb(e, (uint8_t)((size == 1 ? 0xB0 : 0xB8) + regsz(e, size)));
        bimm(e, interesting(e), size);
    } else {
        begin(e, K_MOV);
        nb(e, 0x67);
        prefixes(e, NULL, size, 0);
        bb(e, (uint8_t)(0xA0 + w + 2 * rnd(e, 2)));
        b32(e, DT_DATA_BASE + 0x40 + rnd(e, 0xEC0));
    }
}

static void g_xchg(struct em *e)
{
    int size = pick_size(e);
    if (size > 1 && chance(e, 30)) {
        begin(e, K_XCHG);
        prefixes(e, NULL, size, 0);
        bb(e, (uint8_t)(0x90 + wreg(e)));
        return;
    }
    struct rm m = pick_rm(e, size, 1, 0);
    int reg = regsz(e, size);
    begin(e, K_XCHG);
    prefixes(e, &m, size, 1);
    bb(e, (uint8_t)(0x86 + (size > 1)));
    modrm(e, reg, &m);
}

static void g_lea(struct em *e)
{
    /* any address: LEA does not access memory */
    struct rm m;
    memset(&m, 0, sizeof(m));
    m.mem = 1;
    m.mode = (int)rnd(e, 4);
    m.base = (int)rnd(e, 8);
    do
        m.index = (int)rnd(e, 8);
    while (m.index == 4);
    m.scale = (int)rnd(e, 4);
    int d = (int)rnd(e, 3);
    m.dsz = d == 0 ? 0 : d == 1 ? 1 : 4;
    if (m.base == 5 && m.dsz == 0)
        m.dsz = 1;
    m.disp = m.dsz == 1 ? (int32_t)rnd(e, 256) - 128 : (int32_t)interesting(e);
    if (m.mode == 0 || m.mode == 3) {
        m.dsz = 4;
        m.disp = (int32_t)interesting(e);
    }
    int size = chance(e, 25) ? 2 : 4;
    begin(e, K_LEA);
    nb(e, 0x67);
    if (size == 2)
        bb(e, 0x66);
    bb(e, 0x8D);
    modrm(e, wreg(e), &m);
}

static void g_misc(struct em *e)
{
    switch (rnd(e, 11)) {
    case 0: begin(e, K_MISC); if (chance(e, 50)) bb(e, 0x66); bb(e, 0x98); break;   /* cbw/cwde */
    case 1: begin(e, K_MISC); if (chance(e, 50)) bb(e, 0x66); bb(e, 0x99); break;   /* cwd/cdq */
    case 2: begin(e, K_MISC); bb(e, 0xF8); fx(e, CF, 0, 0); break;                   /* clc */
    case 3: begin(e, K_MISC); bb(e, 0xF9); fx(e, CF, 0, 0); break;                   /* stc */
    case 4: need(e, CF); begin(e, K_MISC); bb(e, 0xF5); break;                       /* cmc */
    case 5: begin(e, K_MISC); bb(e, 0xFC); break;                                    /* cld */
    case 6: begin(e, K_MISC); bb(e, 0xFD); break;                                    /* std */
    case 7: need(e, SF | ZF | AF | PF | CF); begin(e, K_MISC); bb(e, 0x9F); break;   /* lahf */
    case 8: begin(e, K_MISC); bb(e, 0x9E); fx(e, SF | ZF | AF | PF | CF, 0, 0); break; /* sahf */
    case 9: begin(e, K_MISC); bb(e, 0x90); break;                                    /* nop */
    default:                                                                         /* salc? no: cwde again */
        begin(e, K_MISC);
        bb(e, 0x98);
        break;
    }
}

static void g_str(struct em *e)
{
    static const uint8_t ops[5] = { 0xA4, 0xA6, 0xAA, 0xAC, 0xAE }; /* movs cmps stos lods scas */
    int op = (int)rnd(e, 5), size = pick_size(e), rep = (int)rnd(e, 3); /* 0 none, 1 F3, 2 F2 */
    uint32_t ecx = rnd(e, 17);
    pre_mov(e, 6, DT_DATA_BASE + 0xFC0 + rnd(e, 0x440));
    pre_mov(e, 7, DT_DATA_BASE + 0xFC0 + rnd(e, 0x440));
    if (rep)
        pre_mov(e, 1, ecx);
    begin(e, K_STR);
    if (chance(e, 10) && (op == 0 || op == 1 || op == 3))
        bb(e, seg_override(e));
    nb(e, 0x67);
    if (rep)
        bb(e, rep == 1 ? 0xF3 : 0xF2);
    if (size == 2)
        bb(e, 0x66);
    bb(e, (uint8_t)(ops[op] + (size > 1)));
    if (op == 1 || op == 4) {
        if (!rep || ecx)
            fx(e, ALL6, 0, 0);
    }
}

/* Native replacements for 32-bit stack operations. */
static void n_lea_esp(struct em *e, int8_t d) { nb(e, 0x8D); nb(e, 0x64); nb(e, 0x24); nb(e, (uint8_t)d); }

static void g_pushpop(struct em *e)
{
    int push = e->esp_off > -ESP_RANGE && (e->esp_off >= ESP_RANGE || chance(e, 50));
    int form = (int)rnd(e, 4); /* 0 reg32, 1 reg16, 2 imm / m, 3 pushf */
    if (form == 3) {
        int size = chance(e, 25) ? 2 : 4;
        if (push) {
            need(e, ALL6);
            begin(e, K_PUSHF);
            if (size == 2) {
                bb(e, 0x66);
                bb(e, 0x9C);
            } else {
                tb(e, 0x9C);
                static const uint8_t seq1[] = { 0x49, 0x89, 0xE1, 0x4C, 0x89, 0xFC, 0x9C, 0x41, 0x58,
                                                0x4C, 0x89, 0xCC };
                for (unsigned k = 0; k < sizeof(seq1); k++)
                    nb(e, seq1[k]);
                n_lea_esp(e, -4);
                nb(e, 0x44); nb(e, 0x89); nb(e, 0x04); nb(e, 0x24);
            }
            e->esp_off -= size;
        } else {
            /* push a sane image, then pop it */
            uint32_t v = (uint32_t)(dt_rand64(e->r) & (ALL6 | 0x400u | 0x200000u)) | 0x202u;
            begin(e, K_PUSHF);
            if (size == 2) {
                bb(e, 0x66);
                bb(e, 0x68);
                bimm(e, v, 2);
            } else {
                tb(e, 0x68);
                t32(e, v);
                n_lea_esp(e, -4);
                nb(e, 0xC7); nb(e, 0x04); nb(e, 0x24); n32(e, v);
            }
            begin(e, K_PUSHF);
            if (size == 2) {
                bb(e, 0x66);
                bb(e, 0x9D);
            } else {
                tb(e, 0x9D);
                nb(e, 0x44); nb(e, 0x8B); nb(e, 0x04); nb(e, 0x24); /* mov r8d,[rsp] */
                n_lea_esp(e, 4);
                static const uint8_t seq2[] = { 0x49, 0x89, 0xE1, 0x4C, 0x89, 0xFC, 0x41, 0x50, 0x9D,
                                                0x4C, 0x89, 0xCC };
                for (unsigned k = 0; k < sizeof(seq2); k++)
                    nb(e, seq2[k]);
            }
            fx(e, ALL6, 0, 0);
        }
        return;
    }
    if (form == 1) {
        begin(e, K_PUSHPOP);
        bb(e, 0x66);
        if (push)
            bb(e, (uint8_t)(0x50 + rnd(e, 8)));
        else
            bb(e, (uint8_t)(0x58 + wreg(e)));
        e->esp_off += push ? -2 : 2;
        return;
    }
    if (form == 0) {
        begin(e, K_PUSHPOP);
        if (push) {
            int r = (int)rnd(e, 8);
            tb(e, (uint8_t)(0x50 + r));
            if (r == 4) {
                nb(e, 0x41); nb(e, 0x89); nb(e, 0xE0);         /* mov r8d, esp */
                n_lea_esp(e, -4);
                nb(e, 0x44); nb(e, 0x89); nb(e, 0x04); nb(e, 0x24); /* mov [rsp], r8d */
            } else {
                n_lea_esp(e, -4);
                nb(e, 0x89); nb(e, (uint8_t)(0x04 | r << 3)); nb(e, 0x24);
            }
        } else {
            int r = wreg(e);
            tb(e, (uint8_t)(0x58 + r));
            nb(e, 0x8B); nb(e, (uint8_t)(0x04 | r << 3)); nb(e, 0x24);
            n_lea_esp(e, 4);
        }
        e->esp_off += push ? -4 : 4;
        return;
    }
    /* immediates and absolute memory operands */
    int size = chance(e, 25) ? 2 : 4;
    uint32_t addr = DT_DATA_BASE + 0x40 + rnd(e, 0xEC0);
    begin(e, K_PUSHPOP);
    if (size == 2) {
        bb(e, 0x66);
        if (push && chance(e, 50)) {
            int s8 = (int)rnd(e, 2);
            bb(e, s8 ? 0x6A : 0x68);
            bimm(e, interesting(e), s8 ? 1 : 2);
        } else {
            nb(e, 0x67);
            bb(e, push ? 0xFF : 0x8F);
            struct rm m;
            memset(&m, 0, sizeof(m));
            m.mem = 1;
            m.mode = (int)rnd(e, 2) ? 3 : 0;
            m.disp = (int32_t)addr;
            m.dsz = 4;
            modrm(e, push ? 6 : 0, &m);
        }
    } else if (push && chance(e, 50)) {
        uint32_t v = interesting(e);
        int s8 = (int)rnd(e, 2);
        if (s8) {
            v = (uint32_t)(int32_t)(int8_t)v;
            tb(e, 0x6A);
            tb(e, (uint8_t)v);
        } else {
            tb(e, 0x68);
            t32(e, v);
        }
        n_lea_esp(e, -4);
        nb(e, 0xC7); nb(e, 0x04); nb(e, 0x24); n32(e, v);
    } else if (push) {
        tb(e, 0xFF); tb(e, 0x35); t32(e, addr);                   /* push dword [addr] */
        nb(e, 0x44); nb(e, 0x8B); nb(e, 0x04); nb(e, 0x25); n32(e, addr);
        n_lea_esp(e, -4);
        nb(e, 0x44); nb(e, 0x89); nb(e, 0x04); nb(e, 0x24);
    } else {
        tb(e, 0x8F); tb(e, 0x05); t32(e, addr);                   /* pop dword [addr] */
        nb(e, 0x44); nb(e, 0x8B); nb(e, 0x04); nb(e, 0x24);
        n_lea_esp(e, 4);
        nb(e, 0x44); nb(e, 0x89); nb(e, 0x04); nb(e, 0x25); n32(e, addr);
    }
    e->esp_off += push ? -size : size;
}

/* Instructions without a 64-bit form: Unicorn oracle only. */
static void g_bcd(struct em *e)
{
    int op = (int)rnd(e, 6);
    if (chance(e, 50))
        pre_mov(e, 0, interesting(e));
    switch (op) {
    case 0: case 1: /* daa das */
        need(e, CF | AF);
        begin(e, K_BCD);
        bb(e, op ? 0x2F : 0x27);
        fx(e, CF | AF | SF | ZF | PF, OF, 0);
        break;
    case 2: case 3: /* aaa aas */
        need(e, AF);
        begin(e, K_BCD);
        bb(e, op == 3 ? 0x3F : 0x37);
        fx(e, AF | CF, OF | SF | ZF | PF, 0);
        break;
    default: { /* aam aad */
        uint8_t imm = chance(e, 70) ? 10 : (uint8_t)rnd(e, 256);
        begin(e, K_BCD);
        bb(e, op == 4 ? 0xD4 : 0xD5);
        bb(e, imm);
        fx(e, SF | ZF | PF, OF | AF | CF, 0);
        break;
    }
    }
    e->s->native_ok = 0;
}

static void g_pusha(struct em *e)
{
    int size = chance(e, 25) ? 2 : 4;
    int push = e->esp_off > -ESP_RANGE + 32 && (e->esp_off >= ESP_RANGE - 32 || chance(e, 50));
    begin(e, K_PUSHA);
    if (size == 2)
        bb(e, 0x66);
    bb(e, push ? 0x60 : 0x61);
    e->esp_off += (push ? -8 : 8) * size;
    e->s->native_ok = 0;
}

typedef void (*gen_fn)(struct em *e);
static const struct {
    gen_fn fn;
    int weight;
    const char *name;
} classes[] = {
    { g_alu, 14, "alu" }, { g_test, 3, "test" }, { g_incdec, 4, "incdec" }, { g_negnot, 3, "negnot" },
    { g_mul, 4, "mul" }, { g_imul, 4, "imul" }, { g_div, 4, "div" }, { g_shift, 10, "shift" },
    { g_shxd, 4, "shxd" }, { g_bt, 5, "bt" }, { g_bsx, 3, "bsx" }, { g_cmov, 4, "cmov" },
    { g_setcc, 3, "setcc" }, { g_jcc, 4, "jcc" }, { g_xadd_cmpxchg, 4, "xadd" }, { g_bswap, 1, "bswap" },
    { g_movx, 3, "movx" }, { g_mov, 5, "mov" }, { g_xchg, 2, "xchg" }, { g_lea, 3, "lea" },
    { g_misc, 4, "misc" }, { g_str, 5, "string" }, { g_pushpop, 6, "pushpop" },
    { g_x87, 10, "x87" }, { g_mmx, 6, "mmx" },
};
#define NCLASSES (int)(sizeof(classes) / sizeof(classes[0]))

int dt_class_index(const char *name)
{
    for (int k = 0; k < NCLASSES; k++)
        if (!strcmp(classes[k].name, name))
            return k;
    return -1;
}

const char *dt_class_names(void)
{
    return "alu test incdec negnot mul imul div shift shxd bt bsx cmov setcc jcc xadd bswap movx mov "
           "xchg lea misc string pushpop x87 mmx";
}

void dt_generate(struct dt_seq *s, struct dt_rng *r, const struct dt_genopt *o, uint64_t capture_addr)
{
    struct em e;
    memset(&e, 0, sizeof(e));
    e.s = s;
    e.r = r;
    e.o = o;
    s->tlen = s->nlen = 0;
    s->n = 0;
    s->native_ok = 1;
    memset(s->nocut, 0, sizeof(s->nocut));
    for (int k = 0; k < 8; k++)
        s->regs[k] = interesting(&e);
    s->regs[4] = ESP_INIT;
    s->eflags = ((uint32_t)dt_rand64(r) & (ALL6 | 0x400u)) | 0x202u;
    s->mem_seed = dt_rand64(r);
    s->has_fpu = 0;
    s->nskip = 0;
    gen_fpu_init_state(&e);
    int target = o->min_insns + (int)rnd(&e, (uint32_t)(o->max_insns - o->min_insns + 1));
    if (target > DT_MAX_INSNS - 12)
        target = DT_MAX_INSNS - 12;
    int bcd = o->only_nonnative || (o->allow_nonnative && chance(&e, 15));
    /* x87/MMX: not in Unicorn-only sequences; a third of the sequences are mostly FP */
    uint32_t fpmask = 1u << dt_class_index("x87") | 1u << dt_class_index("mmx");
    uint32_t excl = o->exclude | (bcd ? fpmask : 0);
    int boost = chance(&e, 35) ? 8 : 1;
    int weight[NCLASSES], total = 0;
    for (int k = 0; k < NCLASSES; k++) {
        weight[k] = excl & (1u << k) ? 0 : classes[k].weight * ((fpmask >> k) & 1 ? boost : 1);
        total += weight[k];
    }
    while (s->n < target && s->tlen < DT_MAX_CODE - 200 && s->nlen < DT_MAX_CODE - 200) {
        if (bcd && chance(&e, 30)) {
            if (chance(&e, 80))
                g_bcd(&e);
            else
                g_pusha(&e);
            continue;
        }
        int w = (int)rnd(&e, (uint32_t)total);
        int k = 0;
        for (;; k++) {
            if (w < weight[k])
                break;
            w -= weight[k];
        }
        classes[k].fn(&e);
    }
    s->toff[s->n] = s->tlen;
    s->noff[s->n] = s->nlen;
    s->fmask[s->n] = CMP_BITS & ~e.poison;
    s->cmask[s->n] = (uint16_t)~e.cpoison;
    tb(&e, 0xF4); /* hlt */
    nb(&e, 0x49); /* movabs r8, dt_capture; jmp r8 */
    nb(&e, 0xB8);
    for (int k = 0; k < 8; k++)
        nb(&e, (uint8_t)(capture_addr >> (8 * k)));
    nb(&e, 0x41);
    nb(&e, 0xFF);
    nb(&e, 0xE0);
}

void dt_fill_data(uint8_t *mem, uint64_t seed)
{
    struct dt_rng r = { seed };
    for (uint32_t k = 0; k < DT_DATA_SIZE; k += 8) {
        uint64_t v = dt_rand64(&r);
        /* some zero and all-ones runs, and small numbers, for BSF/DIV/CMPS corner cases */
        switch (v & 15) {
        case 0: v = 0; break;
        case 1: v = ~0ull; break;
        case 2: v &= 0x000F000F000F000Full; break;
        default: break;
        }
        memcpy(mem + k, &v, 8);
    }
}
