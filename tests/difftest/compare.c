/*
 * compare.c - the differential tester's comparison of two results
 * (registers, EFLAGS under the defined-flags mask, x87/MMX state, the data
 * buffer, faults) with a text description of every difference, and the
 * reports: a sequence listed with capstone, differences counted per culprit
 * mnemonic.  See difftest.c and docs/difftest.md.
 */
#include <capstone/capstone.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cpu/cpu.h"
#include "tests/difftest/difftest.h"

const char *const regname[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };

/* ================================================================ compare */

uint64_t explained_undef, explained_cc;

static void dprintf_(struct diff *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(d->text + d->len, sizeof(d->text) - (size_t)d->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        d->len = d->len + n < (int)sizeof(d->text) ? d->len + n : (int)sizeof(d->text) - 1;
}

/* Compare two results; returns the number of differing items and describes them in d. */
static int skipped(const struct dt_seq *s, uint32_t addr)
{
    for (int k = 0; k < s->nskip; k++)
        if (addr >= s->skip_addr[k] && addr < s->skip_addr[k] + s->skip_len[k])
            return 1;
    return 0;
}

static void print_fx80(struct diff *d, const uint8_t *v)
{
    dprintf_(d, "%04x:%016llx", rd16(v + 8), (unsigned long long)rd64(v));
}

/* x87/MMX state: control word, status word (C0-C3 under cm), tags, ST(0)-ST(7). */
static int compare_fpu(const struct dt_fpust *a, const struct dt_fpust *b, uint16_t cm, const char *an,
                       const char *bn, struct diff *d)
{
    int nd = 0;
    if (a->cw != b->cw) {
        dprintf_(d, "  fpu cw: %s %04x, %s %04x\n", an, a->cw, bn, b->cw);
        nd++;
    }
    if ((a->sw ^ b->sw) & cm) {
        dprintf_(d, "  fpu sw (mask %04x): %s %04x, %s %04x\n", cm, an, a->sw, bn, b->sw);
        nd++;
    }
    if (a->tags != b->tags) {
        dprintf_(d, "  fpu tags (non-empty): %s %02x, %s %02x\n", an, a->tags, bn, b->tags);
        nd++;
    }
    for (int i = 0; i < 8; i++)
        if (memcmp(a->st[i], b->st[i], 10)) {
            dprintf_(d, "  st(%d): %s ", i, an);
            print_fx80(d, a->st[i]);
            dprintf_(d, ", %s ", bn);
            print_fx80(d, b->st[i]);
            dprintf_(d, "\n");
            nd++;
        }
    return nd;
}

int compare(const struct dt_seq *s, const struct dt_result *a, const struct dt_result *b,
                   const char *an, const char *bn, struct diff *d, int with_fpu)
{
    int nd = 0;
    if (a->fault_vec != b->fault_vec || a->fault_insn != b->fault_insn) {
        dprintf_(d, "  fault: %s vec %d at insn %d, %s vec %d at insn %d\n", an, a->fault_vec,
                 a->fault_insn, bn, b->fault_vec, b->fault_insn);
        return 1; /* the states are not comparable */
    }
    int at = a->fault_vec >= 0 ? a->fault_insn : s->n;
    if (at < 0)
        at = s->n;
    for (int k = 0; k < 8; k++)
        if (a->regs[k] != b->regs[k]) {
            dprintf_(d, "  %s: %s %08x, %s %08x\n", regname[k], an, a->regs[k], bn, b->regs[k]);
            nd++;
        }
    uint32_t m = s->fmask[at];
    if ((a->eflags ^ b->eflags) & 0x00247FD7u & ~m)
        explained_undef++; /* only flags the SDM leaves undefined differ */
    if ((a->eflags ^ b->eflags) & m) {
        dprintf_(d, "  eflags (mask %08x): %s %08x, %s %08x, differing %08x\n", m, an, a->eflags & m, bn,
                 b->eflags & m, (a->eflags ^ b->eflags) & m);
        nd++;
    }
    if (with_fpu) {
        if ((a->fpu.sw ^ b->fpu.sw) & FSW_CC & ~s->cmask[at])
            explained_cc++; /* only condition codes the SDM leaves undefined differ */
        nd += compare_fpu(&a->fpu, &b->fpu, s->cmask[at], an, bn, d);
    }
    uint32_t j0 = a->stack_junk | b->stack_junk;
    int shown = 0;
    for (uint32_t k = 0; k < DT_DATA_SIZE; k++) {
        uint32_t addr = DT_DATA_BASE + k;
        if ((j0 && addr >= j0 && addr < j0 + 16) || skipped(s, addr))
            continue;
        if (a->mem[k] != b->mem[k]) {
            if (shown++ < 8)
                dprintf_(d, "  mem[%08x]: %s %02x, %s %02x\n", addr, an, a->mem[k], bn, b->mem[k]);
            nd++;
        }
    }
    if (shown > 8)
        dprintf_(d, "  ... %d differing bytes in all\n", shown);
    return nd;
}

/* ================================================================ reports */

csh cs_handle;

void print_seq(FILE *f, const struct dt_seq *s, int upto, int mark)
{
    fprintf(f, "  initial:");
    for (int k = 0; k < 8; k++)
        fprintf(f, " %s=%08x", regname[k], s->regs[k]);
    fprintf(f, " eflags=%08x mem_seed=%016llx\n", s->eflags, (unsigned long long)s->mem_seed);
    if (s->has_fpu) {
        fprintf(f, "  initial x87: cw=%04x sw=%04x tw=%04x", rd16(s->fpu), rd16(s->fpu + 4), rd16(s->fpu + 8));
        for (int i = 0; i < 8; i++)
            fprintf(f, "%s st%d=%04x:%016llx", i % 3 == 0 ? "\n   " : "", i, rd16(s->fpu + 28 + 10 * i + 8),
                    (unsigned long long)rd64(s->fpu + 28 + 10 * i));
        fprintf(f, "\n");
    }
    for (int k = 0; k < upto && k < s->n; k++) {
        uint32_t o = s->toff[k], len = s->toff[k + 1] - o;
        cs_insn *in = NULL;
        size_t cnt = cs_disasm(cs_handle, s->tcode + o, len, DT_CODE_BASE + o, 1, &in);
        fprintf(f, "  %c %2d %08x ", k == mark ? '>' : ' ', k, DT_CODE_BASE + o);
        for (uint32_t b = 0; b < len; b++)
            fprintf(f, "%02x", s->tcode[o + b]);
        fprintf(f, "%*s %s %s\n", (int)(len > 12 ? 0 : 2 * (12 - len)), "", cnt ? in[0].mnemonic : "?",
                cnt ? in[0].op_str : "");
        if (cnt)
            cs_free(in, cnt);
    }
}

struct mn_count mn_tab[64];

void count_mnemonic(const struct dt_seq *s, int k)
{
    uint32_t o = s->toff[k];
    cs_insn *in = NULL;
    char key[48] = "?";
    if (cs_disasm(cs_handle, s->tcode + o, s->toff[k + 1] - o, DT_CODE_BASE + o, 1, &in) == 1) {
        snprintf(key, sizeof(key), "%s%s", in[0].mnemonic, strchr(in[0].op_str, '[') ? " mem" : "");
        cs_free(in, 1);
    }
    for (int j = 0; j < 64; j++) {
        if (!mn_tab[j].name[0])
            snprintf(mn_tab[j].name, sizeof(mn_tab[j].name), "%s", key);
        if (!strcmp(mn_tab[j].name, key)) {
            mn_tab[j].n++;
            return;
        }
    }
}
