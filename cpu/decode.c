/*
 * decode.c - the x86 instruction decoder: prefixes, opcode maps, ModR/M, SIB,
 * displacement and immediates, into a struct insn, driven by optable.c.
 * Follows Intel SDM Vol. 2 chapter 2 (instruction format) for 16- and 32-bit
 * code, with the generation differences of the 8086 and 80286:
 *   - 8086: no #UD; 0F is POP CS, 60-6F alias 70-7F, C0/C1/C8/C9 alias
 *     C2/C3/CA/CB, F1 is a LOCK alias, no length limit.
 *   - 286: 0F is the two-byte escape, 64-67 are not prefixes (#UD), the
 *     length limit is 10 bytes (#UD beyond).
 *   - 386+: 15-byte limit (#GP(0) beyond), 66/67 operand/address size.
 */
#include <string.h>

#include "cpu/insn.h"
#include "cpu/sem.h"

/* 16-bit addressing: base and index registers of the eight r/m encodings. */
static const uint8_t ea16_base[8] = { R_EBX, R_EBX, R_EBP, R_EBP, REG_NONE, REG_NONE, R_EBP, R_EBX };
static const uint8_t ea16_index[8] = { R_ESI, R_EDI, R_ESI, R_EDI, R_ESI, R_EDI, REG_NONE, REG_NONE };

static int size_of_class(int cls, int o32)
{
    switch (cls) {
    case SZ_B: return 1;
    case SZ_W: return 2;
    case SZ_D: return 4;
    default: return o32 ? 4 : 2;
    }
}

struct dstate {
    fetch_fn fetch;
    void *opaque;
    unsigned pos;
    unsigned limit;   /* length limit (0 = none) */
    int err;
};

static int next(struct dstate *d, uint32_t *out)
{
    if (d->limit && d->pos >= d->limit) {
        d->err = DEC_TOOLONG;
        return -1;
    }
    int b = d->fetch(d->opaque, d->pos);
    if (b < 0) {
        d->err = DEC_FETCH;
        return -1;
    }
    d->pos++;
    *out = (uint32_t)b;
    return 0;
}

static int next_n(struct dstate *d, int n, uint32_t *out)
{
    uint32_t v = 0, b;
    for (int k = 0; k < n; k++) {
        if (next(d, &b))
            return -1;
        v |= b << (8 * k);
    }
    *out = v;
    return 0;
}

static int decode_modrm(struct dstate *d, struct insn *i)
{
    uint32_t b;
    if (next(d, &b))
        return -1;
    i->modrm = (uint8_t)b;
    i->mod = b >> 6;
    i->reg = (b >> 3) & 7;
    i->rm = b & 7;
    i->base = i->index = REG_NONE;
    i->scale = 0;
    i->disp = 0;
    if (i->mod == 3)
        return 0;
    int def_ss = 0;
    if (!i->a32) {
        if (i->mod == 0 && i->rm == 6) {
            if (next_n(d, 2, &i->disp))
                return -1;
        } else {
            i->base = ea16_base[i->rm];
            i->index = ea16_index[i->rm];
            def_ss = i->base == R_EBP;
            if (i->mod == 1) {
                if (next(d, &b))
                    return -1;
                i->disp = (uint32_t)(int32_t)(int8_t)b;
            } else if (i->mod == 2) {
                if (next_n(d, 2, &i->disp))
                    return -1;
            }
        }
        i->disp &= 0xFFFF;
    } else {
        int rm = i->rm;
        if (rm == 4) {
            if (next(d, &b))
                return -1;
            i->scale = b >> 6;
            uint8_t idx = (b >> 3) & 7;
            i->index = idx == 4 ? REG_NONE : idx;
            uint8_t base = b & 7;
            if (base == 5 && i->mod == 0) {
                i->base = REG_NONE;
                if (next_n(d, 4, &i->disp))
                    return -1;
            } else {
                i->base = base;
            }
        } else if (rm == 5 && i->mod == 0) {
            if (next_n(d, 4, &i->disp))
                return -1;
        } else {
            i->base = (uint8_t)rm;
        }
        def_ss = i->base == R_ESP || i->base == R_EBP;
        if (i->mod == 1) {
            if (next(d, &b))
                return -1;
            i->disp = (uint32_t)(int32_t)(int8_t)b;
        } else if (i->mod == 2) {
            if (next_n(d, 4, &i->disp))
                return -1;
        }
    }
    if (i->seg_ovr == SEG_NONE)
        i->seg = def_ss ? SEG_SS : SEG_DS;
    return 0;
}

static int read_imm(struct dstate *d, struct insn *i, int kind)
{
    uint32_t v;
    switch (kind) {
    case IM_NONE:
        return 0;
    case IM_B:
        return next(d, &i->imm);
    case IM_BS:
        if (next(d, &v))
            return -1;
        i->imm = (uint32_t)(int32_t)(int8_t)v;
        return 0;
    case IM_W:
        return next_n(d, 2, &i->imm);
    case IM_Z:
        return next_n(d, i->o32 ? 4 : 2, &i->imm);
    case IM_O:
        return next_n(d, i->a32 ? 4 : 2, &i->imm);
    case IM_AP:
        if (next_n(d, i->o32 ? 4 : 2, &i->imm))
            return -1;
        if (next_n(d, 2, &v))
            return -1;
        i->imm2 = (uint16_t)v;
        return 0;
    case IM_WB:
        if (next_n(d, 2, &i->imm))
            return -1;
        if (next(d, &v))
            return -1;
        i->imm2 = (uint16_t)v;
        return 0;
    }
    return 0;
}

int decode_insn(struct insn *i, int code32, enum cpu_gen gen, fetch_fn fetch, void *opaque)
{
    struct dstate d = { fetch, opaque, 0, 0, 0 };
    uint32_t b;
    memset(i, 0, sizeof(*i));
    i->seg_ovr = SEG_NONE;
    i->seg = SEG_DS;
    i->base = i->index = REG_NONE;
    i->o32 = i->a32 = (uint8_t)(code32 != 0);
    if (gen >= CPU_386)
        d.limit = 15;
    else if (gen == CPU_286)
        d.limit = 10;
    else
        d.limit = 255; /* the 8086 has no limit; bound the host's work */

    /* prefixes */
    for (;;) {
        if (next(&d, &b))
            goto fail;
        switch (b) {
        case 0x26: i->seg_ovr = SEG_ES; continue;
        case 0x2E: i->seg_ovr = SEG_CS; continue;
        case 0x36: i->seg_ovr = SEG_SS; continue;
        case 0x3E: i->seg_ovr = SEG_DS; continue;
        case 0x64:
        case 0x65:
            if (gen < CPU_386)
                break;
            i->seg_ovr = b == 0x64 ? SEG_FS : SEG_GS;
            continue;
        case 0x66:
            if (gen < CPU_386)
                break;
            i->o32 = !code32;
            continue;
        case 0x67:
            if (gen < CPU_386)
                break;
            i->a32 = !code32;
            continue;
        case 0xF0: i->lock = 1; continue;
        case 0xF1:
            if (gen != CPU_8086 && gen != CPU_286)
                break;
            i->lock = 1;
            continue;
        case 0xF2:
        case 0xF3: i->rep = (uint8_t)b; continue;
        }
        break;
    }
    i->nprefix = (uint8_t)(d.pos - 1);
    uint8_t map = MAP_1;
    uint8_t opc = (uint8_t)b;
    if (opc == 0x0F && gen != CPU_8086) {
        if (next(&d, &b))
            goto fail;
        map = MAP_0F;
        opc = (uint8_t)b;
    } else if (gen == CPU_8086) {
        if (opc >= 0x60 && opc <= 0x6F)
            opc += 0x10;
        else if (opc == 0xC0 || opc == 0xC1 || opc == 0xC8 || opc == 0xC9)
            opc += 2;
    }
    i->map = map;
    i->opc = opc;
    const struct op_row *row = &op_table[map][opc];
    int ud = 0;
    if (row->attrs & A_GROUP) {
        if (decode_modrm(&d, i))
            goto fail;
        row = &op_groups[row->sub][i->reg];
        if (gen == CPU_8086 && (opc == 0x8F || opc == 0xC6 || opc == 0xC7))
            row = &op_groups[op_table[map][opc].sub][0]; /* the 8086 ignores reg here */
    } else if (row->attrs & A_MODRM) {
        if (row->attrs & A_REG) {
            if (next(&d, &b))
                goto fail;
            i->modrm = (uint8_t)b;
            i->mod = 3;
            i->reg = (b >> 3) & 7;
            i->rm = b & 7;
        } else if (decode_modrm(&d, i)) {
            goto fail;
        }
    } else {
        i->mod = 3;
    }
    if (gen == CPU_8086 && map == MAP_1 && (opc == 0x8C || opc == 0x8E))
        i->reg &= 3; /* the 8086 decodes two bits of the sreg field */
    if (!row->mnem || !row->sem || (row->attrs & A_UD))
        ud = 1; /* unassigned, or a prefix byte this generation does not know */
    else if (gen < row->min_gen)
        ud = 1;
    else if ((row->attrs & A_ALIAS86) && gen >= CPU_386)
        ud = 1;
    else if ((row->attrs & A_MEM) && i->mod == 3 && gen != CPU_8086)
        ud = 1;
    else if ((row->attrs & A_REG) && i->mod != 3)
        ud = 1; /* register-only group slots (MMX shifts by an immediate) */
    else if (map == MAP_1 && (opc == 0x8C || opc == 0x8E) && gen >= CPU_386 &&
             (i->reg >= 6 || (opc == 0x8E && i->reg == SEG_CS)))
        ud = 1; /* no segment registers 6 and 7; MOV CS is #UD from the 386 */
    if (read_imm(&d, i, row->imm))
        goto fail;
    if (!ud && i->lock && gen >= CPU_386 && (!(row->attrs & A_LOCK) || i->mod == 3))
        ud = 1;
    if (gen == CPU_8086 && !row->mnem)
        ud = 0; /* unreachable in practice: every 8086 byte decodes to something */
    i->row = row;
    i->sem = row->sem;
    i->sub = row->sub;
    i->osz = (uint8_t)size_of_class(row->size, i->o32);
    i->len = (uint8_t)d.pos;
    if (i->seg_ovr != SEG_NONE)
        i->seg = i->seg_ovr;
    if (ud) {
        i->row = &op_ud_row;
        i->sem = sem_ud;
        return DEC_UD;
    }
    return i->len;
fail:
    i->len = (uint8_t)d.pos;
    i->row = &op_ud_row;
    i->sem = sem_ud;
    return d.err;
}

struct bufsrc {
    const uint8_t *p;
    unsigned n;
};

static int buf_fetch(void *opaque, unsigned n)
{
    struct bufsrc *s = opaque;
    return n < s->n ? s->p[n] : -1;
}

int decode_buf(struct insn *i, int code32, enum cpu_gen gen, const uint8_t *buf, unsigned len)
{
    struct bufsrc s = { buf, len };
    return decode_insn(i, code32, gen, buf_fetch, &s);
}
