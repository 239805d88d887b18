/*
 * unit_fpu_exc.c - Check tests of the x87's unmasked exception responses
 * (docs/x87.md, "Unmasked exceptions"): one golden per rule, frozen from the
 * host x87 (AMD EPYC) and re-checked against the host on x86-64; FENI/FDISI/
 * FSETPM do not wait; a store that crosses into a missing page reports CR2 =
 * that page's first byte and changes nothing.  unit_fpu_exc_host.c adds the
 * random differential run against the host.
 *
 * `unit_fpu_exc -n N [MAX [SEED [PCT]]]` runs N random host cases (PCT % of
 * them unmask exceptions) and prints the differences; `unit_fpu_exc -g`
 * prints the host's results for the golden inputs.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/fpu.h"
#include "cpu/insn.h"
#include "machine/machine.h"
#include "tests/testlib.h"
#include "unit_fpu_exc.h"

void put80(uint8_t *p, uint16_t se, uint64_t sig)
{
    memcpy(p, &sig, 8);
    p[8] = (uint8_t)se;
    p[9] = (uint8_t)(se >> 8);
}

/* ---- tarsier ---- */

struct machine *tmachine(void)
{
    struct machine *m = testlib_cpu_machine("pentium2");
    for (int v = 0; v < 32; v++) /* every vector to a HLT at 0:0300 */
        testlib_set_vector(m, v, 0x300);
    m->mem.ram[0x300] = 0xF4;
    return m;
}

void tarsier_run(struct machine *m, const struct fcase *fc, struct fout *o)
{
    struct cpu *c = &m->cpu;
    struct fpu *f = &c->fpu;
    m->mem.ram[0x100 + fc->len] = 0xF4;
    testlib_put_code(m, 0x100, fc->insn, (size_t)fc->len);
    memcpy(m->mem.ram + 0x800, fc->mem, 16);
    testlib_real_mode(c);
    c->r[R_EBX] = 0x800;
    cpu_set_eflags(c, fc->eflags, 0xFFFFFFFFu);
    f->cw = fc->in.cw;
    f->sw = fc->in.sw;
    int top = (fc->in.sw >> 11) & 7;
    f->tw = 0;
    for (int i = 0; i < 8; i++) {
        int p = (top + i) & 7;
        const uint8_t *b = fc->in.st[i];
        uint64_t sig;
        memcpy(&sig, b, 8);
        f->st[p] = fx_make((uint16_t)(b[8] | b[9] << 8), sig);
        int tag = ((fc->in.tw >> (2 * p)) & 3) == 3 ? 3 : fx_tag(f->st[p]);
        f->tw |= (uint16_t)(tag << (2 * p));
    }
    fpu_update_es(f);
    if (!testlib_run_for(m, 0x100, 10000)) {
        fprintf(stderr, "tarsier did not halt on %02x %02x\n", fc->insn[0], fc->insn[1]);
        abort();
    }
    memset(o, 0, sizeof(*o));
    o->f.cw = f->cw;
    o->f.sw = f->sw;
    o->f.tw = fpu_tag_word(f);
    top = (f->sw >> 11) & 7;
    for (int i = 0; i < 8; i++) {
        struct fx80 v = f->st[(top + i) & 7];
        put80(o->f.st[i], v.se, v.sig);
    }
    memcpy(o->mem, m->mem.ram + 0x800, 16);
    o->eflags = cpu_get_eflags(c);
    /* a fault (vector to 0:0300) shows as EIP past 0x300 */
    if (c->eip < 0x100 || c->eip > 0x100 + (uint32_t)fc->len + 1)
        o->f.fop = 0xFFFF;
}

/* ---- goldens: one per rule ---- */

struct gold {
    const char *what;
    uint8_t insn[2];
    uint16_t cw, sw, tw;   /* tw as in FNSAVE (11 = empty), TOP from sw */
    uint16_t se0;
    uint64_t sig0;
    uint16_t se1;
    uint64_t sig1;
    uint64_t mem;
    uint32_t eflags;
    /* the host's results */
    uint16_t xsw;
    uint16_t xse0;         /* new ST(0) */
    uint64_t xsig0;
    uint64_t xmem;
    uint32_t xflags;       /* ZF PF CF */
};


#define ONE 0x3FFF, 0x8000000000000000ull
static const struct gold golds[] = {
    /* unmasked DE stops FADD: DE only (no PE), C1 cleared, ST0 unchanged */
    { "fadd st,st1 denormal DM", { 0xD8, 0xC1 }, 0x037D, 0x0200, 0xFFF0, ONE, 0x0000, 1, 0, 0x202,
      0x8082, 0x3FFF, 0x8000000000000000ull, 0x0000000000000000ull, 0x00 },
    /* unmasked ZE: ZE only */
    { "fdiv m32 zero ZM", { 0xD8, 0x37 }, 0x037B, 0x0200, 0xFFFC, ONE, 0, 0, 0, 0x202, 0x8084, 0x3FFF, 0x8000000000000000ull, 0x0000000000000000ull, 0x00 },
    /* unmasked DE in a compare: the relation is still set (C0), no pop */
    { "fcomp m32 denormal DM", { 0xD8, 0x1F }, 0x037D, 0x4700, 0xFFFC, 0xBFFF, 1ull << 63, 0, 0, 1, 0x202,
      0x8182, 0xBFFF, 0x8000000000000000ull, 0x0000000000000001ull, 0x00 },
    /* unmasked IE in FUCOMIP: EFLAGS "unordered" all the same, no pop */
    { "fucomip snan IM", { 0xDF, 0xE9 }, 0x037E, 0x0000, 0xFFF0, 0x7FFF, 0xA000000000000000ull, ONE, 0, 0x202,
      0x8081, 0x7FFF, 0xA000000000000000ull, 0x0000000000000000ull, 0x45 },
    /* unmasked DE in FCOMI: EFLAGS = the relation */
    { "fcomi denormal DM", { 0xDB, 0xF1 }, 0x037D, 0x0000, 0xFFF0, 0x0000, 1, ONE, 0, 0x202, 0x8082, 0x0000, 0x0000000000000001ull, 0x0000000000000000ull, 0x01 },
    /* FPREM stopped by an unmasked IE: C1 C2 cleared, C0 C3 kept */
    { "fprem snan IM", { 0xD9, 0xF8 }, 0x037E, 0x4700, 0xFFF0, 0x7FFF, 0xA000000000000000ull, ONE, 0, 0x202,
      0xC181, 0x7FFF, 0xA000000000000000ull, 0x0000000000000000ull, 0x00 },
    /* ... and by an unmasked stack underflow */
    { "fprem1 underflow IM", { 0xD9, 0xF5 }, 0x037E, 0x4700, 0xFFFC, ONE, 0, 0, 0, 0x202, 0xC1C1, 0x3FFF, 0x8000000000000000ull, 0x0000000000000000ull, 0x00 },
    /* FPREM(denormal, inf) = the denormal: tiny, with UM clear UE and the bias */
    { "fprem denormal,inf UM", { 0xD9, 0xF8 }, 0x036F, 0x0000, 0xFFF0, 0x0000, 0x00001000B3366379ull, 0x7FFF,
      1ull << 63, 0, 0x202, 0x8092, 0x5FEE, 0x800599B31BC80000ull, 0x0000000000000000ull, 0x00 },
    /* FSCALE massive overflow with OM clear: infinity, OE PE, C1 */
    { "fscale massive overflow OM", { 0xD9, 0xFD }, 0x0377, 0x0000, 0xFFF0, ONE, 0x400E, 0xC350000000000000ull, 0,
      0x202, 0x82A8, 0x7FFF, 0x8000000000000000ull, 0x0000000000000000ull, 0x00 },
    /* FSCALE massive underflow with UM clear: zero, UE PE */
    { "fscale massive underflow UM", { 0xD9, 0xFD }, 0x036F, 0x0000, 0xFFF0, ONE, 0xC00E, 0xC350000000000000ull, 0,
      0x202, 0x80B0, 0x0000, 0x0000000000000000ull, 0x0000000000000000ull, 0x00 },
    /* FLD m64 denormal with DM clear: flagged, and pushed all the same */
    { "fld m64 denormal DM", { 0xDD, 0x07 }, 0x037D, 0x0000, 0xFFFF, ONE, ONE, 0x000C3CC0AF957420ull, 0x202,
      0xB882, 0x3C00, 0xC3CC0AF957420000ull, 0x000C3CC0AF957420ull, 0x00 },
    /* FSTP m32 overflow with OM clear: memory and stack unchanged, OE only, C1 0 */
    { "fstp m32 overflow OM", { 0xD9, 0x1F }, 0x0377, 0x0200, 0xFFFC, 0x7FF0, 0x8000000000000001ull, 0, 0,
      0x11223344ull, 0x202, 0x8088, 0x7FF0, 0x8000000000000001ull, 0x0000000011223344ull, 0x00 },
    /* FSTP m64 underflow with UM clear: the same with UE */
    { "fstp m64 underflow UM", { 0xDD, 0x1F }, 0x036F, 0x0200, 0xFFFC, 0x0001, 0x8000000000000000ull, 0, 0,
      0x1122334455667788ull, 0x202, 0x8090, 0x0001, 0x8000000000000000ull, 0x1122334455667788ull, 0x00 },
    /* unmasked IE (unnormal operand) stops FSUB: IE only, C1 cleared */
    { "fsub unnormal IM", { 0xD8, 0xE1 }, 0x037E, 0x0200, 0xFFF0, ONE, 0x4000, 0x4000000000000000ull, 0, 0x202,
      0x8081, 0x3FFF, 0x8000000000000000ull, 0x0000000000000000ull, 0x00 },
};

static void gold_case(const struct gold *g, struct fcase *fc)
{
    memset(fc, 0, sizeof(*fc));
    memcpy(fc->insn, g->insn, 2);
    fc->len = 2;
    fc->name = g->what;
    fc->in.cw = g->cw;
    fc->in.sw = g->sw;
    fc->in.tw = g->tw;
    put80(fc->in.st[0], g->se0, g->sig0);
    put80(fc->in.st[1], g->se1, g->sig1);
    memcpy(fc->mem, &g->mem, 8);
    fc->eflags = g->eflags;
}

static uint64_t st0_sig(const struct fout *o)
{
    uint64_t v;
    memcpy(&v, o->f.st[0], 8);
    return v;
}

static uint16_t st0_se(const struct fout *o) { return (uint16_t)(o->f.st[0][8] | o->f.st[0][9] << 8); }

START_TEST(test_goldens)
{
    struct machine *m = tmachine();
    for (size_t k = 0; k < sizeof(golds) / sizeof(golds[0]); k++) {
        const struct gold *g = &golds[k];
        struct fcase fc;
        struct fout t;
        gold_case(g, &fc);
        tarsier_run(m, &fc, &t);
        uint64_t mem;
        memcpy(&mem, t.mem, 8);
        ck_assert_msg(t.f.sw == g->xsw, "%s: sw %04x, expected %04x", g->what, t.f.sw, g->xsw);
        ck_assert_msg(st0_se(&t) == g->xse0 && st0_sig(&t) == g->xsig0, "%s: st0 %04x:%016llx", g->what,
                      st0_se(&t), (unsigned long long)st0_sig(&t));
        ck_assert_msg(mem == g->xmem, "%s: memory %016llx", g->what, (unsigned long long)mem);
        ck_assert_msg((t.eflags & 0x45) == g->xflags, "%s: eflags %x", g->what, t.eflags);
#if FPU_EXC_HOST
        /* the frozen values are the host's */
        struct fout h;
        host_run(&fc, &h);
        memcpy(&mem, h.mem, 8);
        ck_assert_msg(h.f.sw == g->xsw && st0_se(&h) == g->xse0 && st0_sig(&h) == g->xsig0 && mem == g->xmem &&
                      (h.eflags & 0x45) == g->xflags, "%s: the host differs from the golden", g->what);
#endif
    }
    machine_destroy(m);
}
END_TEST

#if FPU_EXC_HOST
static void print_goldens(void)
{
    for (size_t k = 0; k < sizeof(golds) / sizeof(golds[0]); k++) {
        struct fcase fc;
        struct fout h;
        gold_case(&golds[k], &fc);
        host_run(&fc, &h);
        uint64_t mem;
        memcpy(&mem, h.mem, 8);
        printf("%-28s 0x%04X, 0x%04X, 0x%016llXull, 0x%016llXull, 0x%02X\n", golds[k].what, h.f.sw, st0_se(&h),
               (unsigned long long)st0_sig(&h), (unsigned long long)mem, h.eflags & 0x45);
    }
}
#endif

/* FNENI/FNDISI/FNSETPM (DB E0 E1 E4) are non-waiting: a pending unmasked
 * exception does not fault there (measured on the host), but at FNOP. */
START_TEST(test_feni_no_wait)
{
    struct machine *m = tmachine();
    struct cpu *c = &m->cpu;
    c->cr0 |= CR0_NE;
    static const uint8_t code[] = { 0xDB, 0xE0, 0xDB, 0xE1, 0xDB, 0xE4, 0xF4, 0xD9, 0xD0, 0xF4 };
    for (int k = 0; k < 2; k++) {
        testlib_put_code(m, 0x100, code, sizeof(code));
        testlib_real_mode(c);
        c->fpu.cw = 0x037B;
        c->fpu.sw = FSW_ZE | FSW_ES | FSW_B;
        testlib_run_at(m, k ? 0x107 : 0x100);
        /* k = 0: halted at the HLT after FNSETPM; k = 1: FNOP took #MF (vector 16 -> 0:0300 hlt) */
        ck_assert_uint_eq(c->eip, k ? 0x301u : 0x107u);
        ck_assert_uint_eq(c->fpu.sw & (FSW_ZE | FSW_ES | FSW_B), FSW_ZE | FSW_ES | FSW_B);
    }
    machine_destroy(m);
}
END_TEST

/* x87 stores that cross into (or start in) the missing page F000h: #PF with
 * CR2 = the first byte of the missing page (the faulting linear address),
 * error code 2, nothing written, FPU state untouched. */
START_TEST(test_store_pf_cr2)
{
    struct machine *m = tmachine();
    struct cpu *c = &m->cpu;
    testlib_paged_pm16(m, 0x300); /* vector v -> 0300h + 4v: pop ax; hlt */
    static const struct {
        uint8_t code[5];
        uint32_t cr2;
    } cases[] = {
        { { 0xDD, 0x1E, 0xFC, 0xEF, 0xF4 }, 0xF000 }, /* fstp qword [0xEFFC] */
        { { 0xDB, 0x3E, 0xF8, 0xEF, 0xF4 }, 0xF000 }, /* fstp tword [0xEFF8] */
        { { 0xDD, 0x36, 0xC0, 0xEF, 0xF4 }, 0xF000 }, /* fnsave [0xEFC0] (108 bytes) */
        { { 0xDF, 0x3E, 0xFA, 0xEF, 0xF4 }, 0xF000 }, /* fistp qword [0xEFFA] */
        { { 0xD9, 0x16, 0x02, 0xF8, 0xF4 }, 0xF802 }, /* fst dword [0xF802]: inside the missing page */
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        memset(m->mem.ram + 0xEF80, 0x77, 0x80);
        testlib_put_code(m, 0x1000, cases[k].code, 5);
        c->fpu.cw = 0x037F;
        c->fpu.sw = 5u << 11;
        c->fpu.tw = 0xF3FF; /* ST0 (R5) valid */
        c->fpu.st[5] = fx_make(0x4000, 0xC000000000000000ull);
        c->cr2 = 0;
        testlib_run_at(m, 0x1000);
        ck_assert_msg(c->eip == 0x300u + 4 * EX_PF + 2, "case %zu: eip %x error %x ip %x", k, (unsigned)c->eip,
                      (unsigned)c->r[R_EAX] & 0xFFFF, (unsigned)(m->mem.ram[0x7FFA] | m->mem.ram[0x7FFB] << 8));
        ck_assert_msg(c->cr2 == cases[k].cr2, "case %zu: cr2 %x", k, (unsigned)c->cr2);
        ck_assert_uint_eq(c->r[R_EAX] & 0xFFFF, 2); /* not present, write, supervisor */
        for (int b = 0; b < 0x80; b++)
            ck_assert_uint_eq(m->mem.ram[0xEF80 + b], 0x77);
        ck_assert_uint_eq(c->fpu.sw, 5u << 11);
        ck_assert_uint_eq(c->fpu.tw, 0xF3FF);
        ck_assert_uint_eq(c->fpu.cw, 0x037F);
    }
    machine_destroy(m);
}
END_TEST

int main(int argc, char **argv)
{
#if FPU_EXC_HOST
    if (argc >= 2 && !strcmp(argv[1], "-g")) {
        print_goldens();
        return 0;
    }
    if (argc >= 3 && !strcmp(argv[1], "-n")) {
        uint64_t seed = argc >= 5 ? strtoull(argv[4], NULL, 0) : 1;
        int pct = argc >= 6 ? atoi(argv[5]) : 60;
        long bad = run_cases(seed, atol(argv[2]), pct, argc >= 4 ? atoi(argv[3]) : 50);
        printf("%ld differences\n", bad);
        return bad != 0;
    }
#else
    (void)argc;
    (void)argv;
#endif
    Suite *s = suite_create("fpu_exc");
    TCase *t = testlib_tcase(s, "exc", 120,
                             (const TTest *const[]){ test_goldens, test_feni_no_wait, test_store_pf_cr2, NULL });
#if FPU_EXC_HOST
    fpu_exc_add_host_tests(t);
#else
    (void)t;
#endif
    return testlib_run_suite(s);
}
