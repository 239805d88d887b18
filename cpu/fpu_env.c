/*
 * fpu_env.c - x87 environment and state images: FNSTENV/FLDENV and
 * FNSAVE/FRSTOR in the 16- and 32-bit, real-mode and protected-mode layouts
 * of Intel SDM Vol. 1 figures 8-9 to 8-12, FXSAVE/FXRSTOR (Vol. 2, table
 * "FXSAVE layout"; the XMM/MXCSR part is left alone as no modelled CPU has
 * SSE), FNINIT and the power-on state.
 *
 * In real and v86 mode the images hold 20/32-bit linear instruction and data
 * pointers; tarsier keeps offset + selector and converts.  Reserved halves
 * of the 32-bit images are written as 0xFFFF.
 */
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/fpu.h"
#include "cpu/fpu_priv.h"
#include "cpu/insn.h"
#include "cpu/sem.h"

void fpu_reset(struct fpu *f)
{
    f->cw = 0x037F;
    f->sw = 0;
    f->tw = 0xFFFF;
    f->fop = 0;
    f->fip = f->fdp = 0;
    f->fcs = f->fds = 0;
}

void fpu_power_on(struct fpu *f)
{
    memset(f, 0, sizeof(*f));
    f->cw = 0x0040;
    f->tw = 0x5555;
    f->mxcsr = 0x1F80;
}

uint16_t fpu_tag_word(const struct fpu *f)
{
    uint16_t tw = 0;
    for (int p = 0; p < 8; p++) {
        unsigned t = (f->tw >> (2 * p)) & 3;
        if (t != TAG_EMPTY)
            t = (unsigned)fx_tag(f->st[p]);
        tw |= (uint16_t)(t << (2 * p));
    }
    return tw;
}

static int real_format(struct cpu *c) { return !cpu_pm(c); }

static uint32_t env_size(const struct insn *i) { return i->o32 ? 28 : 14; }

static void put16(uint8_t *b, unsigned off, uint32_t v)
{
    b[off] = (uint8_t)v;
    b[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *b, unsigned off, uint32_t v)
{
    put16(b, off, v);
    put16(b, off + 2, v >> 16);
}

static uint32_t get16(const uint8_t *b, unsigned off) { return b[off] | (uint32_t)b[off + 1] << 8; }
static uint32_t get32(const uint8_t *b, unsigned off) { return get16(b, off) | get16(b, off + 2) << 16; }

static void build_env(struct cpu *c, const struct insn *i, uint8_t *b)
{
    struct fpu *f = &c->fpu;
    int rm = real_format(c);
    uint32_t ip = rm ? (uint32_t)(f->fcs << 4) + f->fip : f->fip;
    uint32_t dp = rm ? (uint32_t)(f->fds << 4) + f->fdp : f->fdp;
    uint16_t tw = fpu_tag_word(f);
    if (i->o32) {
        memset(b, 0xFF, 28);
        put16(b, 0, f->cw);
        put16(b, 4, f->sw);
        put16(b, 8, tw);
        if (rm) {
            put16(b, 12, ip);
            put32(b, 16, (f->fop & 0x7FFu) | ((ip >> 16) << 12));
            put16(b, 20, dp);
            put32(b, 24, (dp >> 16) << 12);
        } else {
            put32(b, 12, ip);
            put32(b, 16, f->fcs | (uint32_t)(f->fop & 0x7FF) << 16);
            put32(b, 20, dp);
            put16(b, 24, f->fds);
        }
    } else {
        put16(b, 0, f->cw);
        put16(b, 2, f->sw);
        put16(b, 4, tw);
        if (rm) {
            put16(b, 6, ip);
            put16(b, 8, (f->fop & 0x7FFu) | ((ip >> 16) & 0xF) << 12);
            put16(b, 10, dp);
            put16(b, 12, ((dp >> 16) & 0xF) << 12);
        } else {
            put16(b, 6, ip);
            put16(b, 8, f->fcs);
            put16(b, 10, dp);
            put16(b, 12, f->fds);
        }
    }
}

static void load_env(struct cpu *c, const struct insn *i, const uint8_t *b)
{
    struct fpu *f = &c->fpu;
    int rm = real_format(c);
    uint16_t tw;
    if (i->o32) {
        f->cw = (uint16_t)get16(b, 0);
        f->sw = (uint16_t)get16(b, 4);
        tw = (uint16_t)get16(b, 8);
        if (rm) {
            f->fip = get16(b, 12) | (get32(b, 16) >> 12 & 0xFFFF) << 16;
            f->fop = (uint16_t)(get16(b, 16) & 0x7FF);
            f->fdp = get16(b, 20) | (get32(b, 24) >> 12 & 0xFFFF) << 16;
            f->fcs = f->fds = 0;
        } else {
            f->fip = get32(b, 12);
            f->fcs = (uint16_t)get16(b, 16);
            f->fop = (uint16_t)(get16(b, 18) & 0x7FF);
            f->fdp = get32(b, 20);
            f->fds = (uint16_t)get16(b, 24);
        }
    } else {
        f->cw = (uint16_t)get16(b, 0);
        f->sw = (uint16_t)get16(b, 2);
        tw = (uint16_t)get16(b, 4);
        if (rm) {
            f->fip = get16(b, 6) | (get16(b, 8) >> 12) << 16;
            f->fop = (uint16_t)(get16(b, 8) & 0x7FF);
            f->fdp = get16(b, 10) | (get16(b, 12) >> 12) << 16;
            f->fcs = f->fds = 0;
        } else {
            f->fip = get16(b, 6);
            f->fcs = (uint16_t)get16(b, 8);
            f->fdp = get16(b, 10);
            f->fds = (uint16_t)get16(b, 12);
        }
    }
    f->cw |= 0x40;
    /* only empty / not empty is kept from the image; the rest is recomputed */
    f->tw = 0;
    for (int p = 0; p < 8; p++)
        if (((tw >> (2 * p)) & 3) == TAG_EMPTY)
            f->tw |= (uint16_t)(3u << (2 * p));
    fpu_update_es(f);
    if (!(f->sw & FSW_ES) && c->intr.fpu_ferr)
        c->intr.fpu_ferr(c->intr.opaque, 0);
}

static void read_bytes(struct cpu *c, const struct insn *i, uint32_t off, uint8_t *b, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++)
        b[k] = (uint8_t)sem_mem_read(c, i->seg, off + k, 1);
}

static void write_bytes(struct cpu *c, const struct insn *i, uint32_t off, const uint8_t *b, uint32_t n)
{
    fpu_probe_write(c, i, off, (int)n);
    for (uint32_t k = 0; k < n; k++)
        sem_mem_write(c, i->seg, off + k, 1, b[k]);
}

void fpu_stenv(struct cpu *c, const struct insn *i, uint32_t off)
{
    uint8_t b[28];
    build_env(c, i, b);
    write_bytes(c, i, off, b, env_size(i));
    c->fpu.cw |= FSW_EXC;
    fpu_update_es(&c->fpu);
}

void fpu_ldenv(struct cpu *c, const struct insn *i, uint32_t off)
{
    uint8_t b[28];
    read_bytes(c, i, off, b, env_size(i));
    load_env(c, i, b);
}

void fpu_fsave(struct cpu *c, const struct insn *i, uint32_t off)
{
    uint8_t b[108];
    struct fpu *f = &c->fpu;
    uint32_t n = env_size(i);
    build_env(c, i, b);
    for (int k = 0; k < 8; k++) {
        struct fx80 v = f->st[fpu_phys(f, k)];
        put32(b, n + 10 * (unsigned)k, (uint32_t)v.sig);
        put32(b, n + 10 * (unsigned)k + 4, (uint32_t)(v.sig >> 32));
        put16(b, n + 10 * (unsigned)k + 8, v.se);
    }
    write_bytes(c, i, off, b, n + 80);
    fpu_reset(f);
    if (c->intr.fpu_ferr)
        c->intr.fpu_ferr(c->intr.opaque, 0);
}

void fpu_frstor(struct cpu *c, const struct insn *i, uint32_t off)
{
    uint8_t b[108];
    struct fpu *f = &c->fpu;
    uint32_t n = env_size(i);
    read_bytes(c, i, off, b, n + 80);
    load_env(c, i, b);
    for (int k = 0; k < 8; k++) {
        unsigned o = n + 10 * (unsigned)k;
        uint64_t sig = get32(b, o) | (uint64_t)get32(b, o + 4) << 32;
        f->st[fpu_phys(f, k)] = fx_make((uint16_t)get16(b, o + 8), sig);
    }
}

/* ---- FXSAVE / FXRSTOR (0F AE /0 /1) ---- */

static uint32_t fx_check(struct cpu *c, const struct insn *i)
{
    if (!(c->model->cpuid_features_edx & (1u << 24)) || i->mod == 3)
        cpu_raise(c, EX_UD, 0);
    if (c->cr0 & CR0_EM)
        cpu_raise(c, EX_UD, 0);
    if (c->cr0 & CR0_TS)
        cpu_raise(c, EX_NM, 0);
    uint32_t off = sem_ea(c, i);
    if (off & 15)
        cpu_raise(c, EX_GP, 0);
    return off;
}

void fpu_fxsave(struct cpu *c, const struct insn *i)
{
    uint32_t off = fx_check(c, i);
    struct fpu *f = &c->fpu;
    uint8_t b[160];
    memset(b, 0, sizeof(b));
    put16(b, 0, f->cw);
    put16(b, 2, f->sw);
    for (int p = 0; p < 8; p++)
        if (((f->tw >> (2 * p)) & 3) != TAG_EMPTY)
            b[4] |= (uint8_t)(1u << p);
    put16(b, 6, f->fop);
    put32(b, 8, f->fip);
    put16(b, 12, f->fcs);
    put32(b, 16, f->fdp);
    put16(b, 20, f->fds);
    for (int k = 0; k < 8; k++) {
        struct fx80 v = f->st[fpu_phys(f, k)];
        put32(b, 32 + 16 * (unsigned)k, (uint32_t)v.sig);
        put32(b, 36 + 16 * (unsigned)k, (uint32_t)(v.sig >> 32));
        put16(b, 40 + 16 * (unsigned)k, v.se);
    }
    fpu_probe_write(c, i, off, 512);
    for (uint32_t k = 0; k < 160; k++)
        if (k < 24 || k >= 32)
            sem_mem_write(c, i->seg, off + k, 1, b[k]);
}

void fpu_fxrstor(struct cpu *c, const struct insn *i)
{
    uint32_t off = fx_check(c, i);
    struct fpu *f = &c->fpu;
    uint8_t b[160];
    read_bytes(c, i, off, b, 160);
    f->cw = (uint16_t)(get16(b, 0) | 0x40);
    f->sw = (uint16_t)get16(b, 2);
    f->fop = (uint16_t)(get16(b, 6) & 0x7FF);
    f->fip = get32(b, 8);
    f->fcs = (uint16_t)get16(b, 12);
    f->fdp = get32(b, 16);
    f->fds = (uint16_t)get16(b, 20);
    for (int k = 0; k < 8; k++) {
        unsigned o = 32 + 16 * (unsigned)k;
        f->st[fpu_phys(f, k)] = fx_make((uint16_t)get16(b, o + 8), get32(b, o) | (uint64_t)get32(b, o + 4) << 32);
    }
    f->tw = 0;
    for (int p = 0; p < 8; p++)
        if (!(b[4] & (1u << p)))
            f->tw |= (uint16_t)(3u << (2 * p));
    fpu_update_es(f);
}
