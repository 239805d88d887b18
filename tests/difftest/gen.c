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
 *
 * This file: the emitter helpers, ModR/M operands, the class table and the
 * driver (dt_generate).  The instruction classes are in gen_alu.c
 * (arithmetic, flags, branches), gen_move.c (moves, strings, stack, the
 * Unicorn-only BCD and PUSHA/POPA) and gen_fpu.c (x87, MMX); gen_int.h.
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

int regsz(struct em *e, int size) { return size == 1 ? (int)rnd(e, 8) : wreg(e); }

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

uint8_t seg_override(struct em *e)
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

int pick_size(struct em *e) { static const int sz[4] = { 1, 2, 4, 4 }; return sz[rnd(e, 4)]; }

/* r/m operand of the given size; written: not ESP when a register. */
struct rm pick_rm(struct em *e, int size, int written, unsigned excl)
{
    if (chance(e, 45))
        return rm_mem(e, 0x40, 0xF00, excl);
    int r = written ? regsz(e, size) : (int)rnd(e, 8);
    return rm_reg(r);
}

/* ---- the class table and the driver ---- */

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
