/*
 * sem_mmx.c - MMX technology of the Pentium with MMX and the Pentium II:
 * MOVD, MOVQ, the pack/unpack, add/subtract (wrapping and saturating),
 * compare, multiply, logic and shift instructions, and EMMS (Intel SDM
 * Vol. 1 chapter 9, Vol. 2 instruction pages, Vol. 3 chapter 12).
 *
 * MMi is the 64-bit significand of the physical x87 register Ri.  Every MMX
 * instruction sets TOP to 0 and, except EMMS, all tags to valid; EMMS sets
 * all tags empty.  A write to MMi also sets Ri's sign/exponent field to all
 * ones.  The x87 instruction and data pointers, the opcode and the other
 * status bits are left alone (measured on the host as well).
 *
 * Order inside one instruction: #UD (model without MMX, CR0.EM), #NM
 * (CR0.TS), a pending unmasked x87 exception (#MF with CR0.NE, else FERR#),
 * memory reads, memory writes (probed first so a fault leaves memory
 * unchanged), then the register and FPU state, so every fault is restartable.
 * 64-bit operands are checked for 8-byte alignment under CR0.AM/EFLAGS.AC.
 *
 * Left out: the integer SSE additions of the Pentium III (PSHUFW, PMINUB,
 * PAVGB, PMOVMSKB, ...), which decode as #UD.
 */
#include "cpu/cpu.h"
#include "cpu/fpu.h"
#include "cpu/fpu_priv.h"
#include "cpu/insn.h"
#include "cpu/sem.h"

#define MMX_FEATURE (1u << 23) /* CPUID.1 EDX.MMX */

/* ---- entry checks and the aliasing with the x87 ---- */

static void mmx_enter(struct cpu *c)
{
    if (!(c->model->cpuid_features_edx & MMX_FEATURE) || (c->cr0 & CR0_EM))
        cpu_raise(c, EX_UD, 0);
    if (c->cr0 & CR0_TS)
        cpu_raise(c, EX_NM, 0);
    fpu_check_pending(c);
}

/* The effect of every MMX instruction but EMMS on the x87 state. */
static void mmx_touch(struct fpu *f)
{
    f->sw &= (uint16_t)~FSW_TOP;
    f->tw = 0;
}

static uint64_t mmx_get(const struct cpu *c, int r) { return c->fpu.st[r & 7].sig; }

static void mmx_set(struct cpu *c, int r, uint64_t v)
{
    c->fpu.st[r & 7] = fx_make(0xFFFF, v);
}

/* ---- 64-bit memory operands ---- */

static void mmx_check_align8(struct cpu *c, uint32_t lin)
{
    if ((lin & 7) && (c->cr0 & CR0_AM) && (c->eflags & F_AC) && c->cpl == 3)
        cpu_raise(c, EX_AC, 0);
}

static uint64_t mmx_read64(struct cpu *c, const struct insn *i, uint32_t off)
{
    mmx_check_align8(c, cpu_seg_check(c, i->seg, off, 8, 0));
    uint64_t lo = sem_mem_read(c, i->seg, off, 4);
    return lo | (uint64_t)sem_mem_read(c, i->seg, off + 4, 4) << 32;
}

/* The store is probed first: segment, alignment, then both pages (CR2 = the
 * first byte of the page that faults), so a fault writes nothing. */
static void mmx_write64(struct cpu *c, const struct insn *i, uint32_t off, uint64_t v)
{
    uint32_t lin = cpu_seg_check(c, i->seg, off, 8, 1);
    mmx_check_align8(c, lin);
    if (c->cr0 & CR0_PG) {
        cpu_translate(c, lin, 1, c->cpl == 3);
        if ((lin & 0xFFF) > 0xFF8)
            cpu_translate(c, (lin | 0xFFF) + 1, 1, c->cpl == 3);
    }
    sem_mem_write(c, i->seg, off, 4, (uint32_t)v);
    sem_mem_write(c, i->seg, off + 4, 4, (uint32_t)(v >> 32));
}

/* The source operand: MMrm, or 4 / 8 bytes of memory. */
static uint64_t mmx_src(struct cpu *c, const struct insn *i, int size)
{
    if (i->mod == 3)
        return mmx_get(c, i->rm);
    uint32_t off = sem_ea(c, i);
    if (size == 4)
        return sem_mem_read(c, i->seg, off, 4);
    return mmx_read64(c, i, off);
}

/* ---- the packed operations ---- */

static int64_t lane_sext(uint64_t v, int w)
{
    return w == 8 ? (int8_t)v : w == 16 ? (int16_t)v : w == 32 ? (int32_t)v : (int64_t)v;
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Element-wise a op b on w-bit lanes. */
static uint64_t lanes(int op, uint64_t a, uint64_t b, int w)
{
    uint64_t m = (1ull << w) - 1, r = 0;
    int64_t smin = -(1ll << (w - 1)), smax = (1ll << (w - 1)) - 1;
    for (int s = 0; s < 64; s += w) {
        uint64_t x = (a >> s) & m, y = (b >> s) & m;
        int64_t sx = lane_sext(x, w), sy = lane_sext(y, w);
        uint64_t z;
        switch (op) {
        case MMX_PADDB: case MMX_PADDW: case MMX_PADDD: z = x + y; break;
        case MMX_PSUBB: case MMX_PSUBW: case MMX_PSUBD: z = x - y; break;
        case MMX_PADDSB: case MMX_PADDSW: z = (uint64_t)clamp(sx + sy, smin, smax); break;
        case MMX_PSUBSB: case MMX_PSUBSW: z = (uint64_t)clamp(sx - sy, smin, smax); break;
        case MMX_PADDUSB: case MMX_PADDUSW: z = x + y > m ? m : x + y; break;
        case MMX_PSUBUSB: case MMX_PSUBUSW: z = x < y ? 0 : x - y; break;
        case MMX_PCMPEQB: case MMX_PCMPEQW: case MMX_PCMPEQD: z = x == y ? m : 0; break;
        case MMX_PCMPGTB: case MMX_PCMPGTW: case MMX_PCMPGTD: z = sx > sy ? m : 0; break;
        case MMX_PMULLW: z = (uint64_t)(sx * sy); break;
        case MMX_PMULHW: z = (uint64_t)(sx * sy) >> 16; break;
        default: /* PMADDWD on 32-bit lanes: two signed word products added, wrapping */
            z = (uint64_t)((int64_t)(int16_t)x * (int16_t)y + (int64_t)(int16_t)(x >> 16) * (int16_t)(y >> 16));
            break;
        }
        r |= (z & m) << s;
    }
    return r;
}

/* Shift every w-bit lane of a by the 64-bit count n; kind 0 left, 1 right
 * logical, 2 right arithmetic.  Counts past the lane width give 0 (or the
 * sign in every bit). */
static uint64_t shift(uint64_t a, uint64_t n, int w, int kind)
{
    uint64_t m = w == 64 ? ~0ull : (1ull << w) - 1, r = 0;
    if (n >= (uint64_t)w) {
        if (kind != 2)
            return 0;
        n = (uint64_t)w - 1;
    }
    for (int s = 0; s < 64; s += w) {
        uint64_t x = (a >> s) & m, z;
        if (kind == 0)
            z = x << n;
        else if (kind == 1)
            z = x >> n;
        else
            z = (uint64_t)(lane_sext(x, w) >> n);
        r |= (z & m) << s;
    }
    return r;
}

/* Narrow the four words (or two dwords) of a, then of b, with saturation. */
static uint64_t pack(uint64_t a, uint64_t b, int w, int64_t lo, int64_t hi)
{
    uint64_t r = 0, m = (1ull << w) - 1;
    int n = 64 / w, h = w / 2, k = 0;
    for (int src = 0; src < 2; src++)
        for (int e = 0; e < n; e++, k++) {
            int64_t v = lane_sext(((src ? b : a) >> (e * w)) & m, w);
            r |= ((uint64_t)clamp(v, lo, hi) & ((1ull << h) - 1)) << (k * h);
        }
    return r;
}

/* Interleave the w-bit elements of the low (hi = 0) or high halves of a and b. */
static uint64_t unpack(uint64_t a, uint64_t b, int w, int hi)
{
    uint64_t r = 0, m = (1ull << w) - 1;
    int base = hi ? 32 : 0;
    for (int e = 0; e < 32 / w; e++) {
        r |= ((a >> (base + e * w)) & m) << (2 * e * w);
        r |= ((b >> (base + e * w)) & m) << ((2 * e + 1) * w);
    }
    return r;
}

uint64_t mmx_alu(int op, uint64_t a, uint64_t b)
{
    switch (op) {
    case MMX_PUNPCKLBW: return unpack(a, b, 8, 0);
    case MMX_PUNPCKLWD: return unpack(a, b, 16, 0);
    case MMX_PUNPCKLDQ: return unpack(a, b, 32, 0);
    case MMX_PUNPCKHBW: return unpack(a, b, 8, 1);
    case MMX_PUNPCKHWD: return unpack(a, b, 16, 1);
    case MMX_PUNPCKHDQ: return unpack(a, b, 32, 1);
    case MMX_PACKSSWB: return pack(a, b, 16, -128, 127);
    case MMX_PACKUSWB: return pack(a, b, 16, 0, 255);
    case MMX_PACKSSDW: return pack(a, b, 32, -32768, 32767);
    case MMX_PAND: return a & b;
    case MMX_PANDN: return ~a & b;
    case MMX_POR: return a | b;
    case MMX_PXOR: return a ^ b;
    case MMX_PSRLW: return shift(a, b, 16, 1);
    case MMX_PSRLD: return shift(a, b, 32, 1);
    case MMX_PSRLQ: return shift(a, b, 64, 1);
    case MMX_PSRAW: return shift(a, b, 16, 2);
    case MMX_PSRAD: return shift(a, b, 32, 2);
    case MMX_PSLLW: return shift(a, b, 16, 0);
    case MMX_PSLLD: return shift(a, b, 32, 0);
    case MMX_PSLLQ: return shift(a, b, 64, 0);
    case MMX_PADDB: case MMX_PSUBB: case MMX_PADDSB: case MMX_PSUBSB: case MMX_PADDUSB: case MMX_PSUBUSB:
    case MMX_PCMPEQB: case MMX_PCMPGTB:
        return lanes(op, a, b, 8);
    case MMX_PADDD: case MMX_PSUBD: case MMX_PCMPEQD: case MMX_PCMPGTD: case MMX_PMADDWD:
        return lanes(op, a, b, 32);
    default:
        return lanes(op, a, b, 16);
    }
}

/* ---- instructions ---- */

/* 0F 60-6B, 74-76, D1-FE: MMreg = MMreg op MMrm/m64 (m32 for PUNPCKLxx). */
void sem_mmx_alu(struct cpu *c, const struct insn *i)
{
    mmx_enter(c);
    int low = i->sub == MMX_PUNPCKLBW || i->sub == MMX_PUNPCKLWD || i->sub == MMX_PUNPCKLDQ;
    uint64_t b = mmx_src(c, i, low ? 4 : 8);
    mmx_touch(&c->fpu);
    mmx_set(c, i->reg, mmx_alu(i->sub, mmx_get(c, i->reg), b));
}

/* 0F 71/72/73 /2 /4 /6 ib: shift MMrm by an immediate count. */
void sem_mmx_shift_imm(struct cpu *c, const struct insn *i)
{
    mmx_enter(c);
    mmx_touch(&c->fpu);
    mmx_set(c, i->rm, mmx_alu(i->sub, mmx_get(c, i->rm), i->imm & 0xFF));
}

/* 0F 6E (sub 0): MOVD mm, r/m32; 0F 7E (sub 1): MOVD r/m32, mm. */
void sem_mmx_movd(struct cpu *c, const struct insn *i)
{
    mmx_enter(c);
    if (i->sub == 0) {
        uint32_t v = sem_rm_read(c, i, 4);
        mmx_touch(&c->fpu);
        mmx_set(c, i->reg, v);
    } else {
        sem_rm_write(c, i, 4, (uint32_t)mmx_get(c, i->reg));
        mmx_touch(&c->fpu);
    }
}

/* 0F 6F (sub 0): MOVQ mm, mm/m64; 0F 7F (sub 1): MOVQ mm/m64, mm. */
void sem_mmx_movq(struct cpu *c, const struct insn *i)
{
    mmx_enter(c);
    if (i->sub == 0) {
        uint64_t v = mmx_src(c, i, 8);
        mmx_touch(&c->fpu);
        mmx_set(c, i->reg, v);
    } else if (i->mod == 3) {
        mmx_touch(&c->fpu);
        mmx_set(c, i->rm, mmx_get(c, i->reg));
    } else {
        mmx_write64(c, i, sem_ea(c, i), mmx_get(c, i->reg));
        mmx_touch(&c->fpu);
    }
}

/* 0F 77: EMMS */
void sem_emms(struct cpu *c, const struct insn *i)
{
    mmx_enter(c);
    c->fpu.sw &= (uint16_t)~FSW_TOP;
    c->fpu.tw = 0xFFFF;
}
