/*
 * unit_mmx_state.c - the MMX tests around the x87 state (part of unit_mmx):
 * MOVQ/EMMS aliasing seen through FNSTENV and FXSAVE (compared with the host
 * on x86), FXRSTOR, and the faults: #UD without MMX or with CR0.EM, #NM with
 * CR0.TS, #MF for a pending x87 exception, restartable #GP and #PF, the
 * register-only shift groups, the CPUID bits of the models, and a fuzz run.
 */
#include <check.h>
#include <string.h>

#include "cpu/fpu.h"
#include "cpu/insn.h"
#include "machine/machine.h"
#include "tests/unit_mmx.h"

/* ---- aliasing with the x87 ---- */

/* fninit; 8 x fldz (every register +0); fninit; fld1; movq mm2, [DATA]; fnstenv [0x900]; hlt */
static const uint8_t alias_code[] = { 0xDB, 0xE3, 0xD9, 0xEE, 0xD9, 0xEE, 0xD9, 0xEE, 0xD9, 0xEE, 0xD9, 0xEE,
                                      0xD9, 0xEE, 0xD9, 0xEE, 0xD9, 0xEE, 0xDB, 0xE3, 0xD9, 0xE8, 0x0F, 0x6F,
                                      0x16, DATA & 0xFF, DATA >> 8, 0xD9, 0x36, 0x00, 0x09, 0xF4 };

START_TEST(test_alias_movq_fnstenv)
{
    struct machine *m = mmx_machine("pentium2");
    struct cpu *c = &m->cpu;
    testlib_put_ram64(m, DATA, 0x0123456789ABCDEFull);
    run_code(m, alias_code, sizeof(alias_code));
    ck_assert_uint_eq(exc_vector(c), 0xFF);
    /* MM2 = R2: the value, exponent/sign all ones; R7 holds the 1.0 of FLD1 */
    ck_assert_uint_eq(c->fpu.st[2].sig, 0x0123456789ABCDEFull);
    ck_assert_uint_eq(c->fpu.st[2].se, 0xFFFF);
    ck_assert_uint_eq(c->fpu.st[7].se, 0x3FFF);
    ck_assert_uint_eq(c->fpu.sw & FSW_TOP, 0);
    ck_assert_uint_eq(c->fpu.tw, 0);
    /* FNSTENV recomputes tags from the contents: R2 special (10), R7 valid
     * (00), the zeros zero (01) -> 0x1565; TOP 0 in the stored status word */
    uint16_t tw = testlib_ram16(m, 0x904);
    uint16_t sw = testlib_ram16(m, 0x902);
    ck_assert_uint_eq(tw, 0x1565);
    ck_assert_uint_eq(sw & FSW_TOP, 0);
#if HOST_MMX
    uint8_t env[28];
    uint64_t v = 0x0123456789ABCDEFull;
    __asm__ volatile("fninit\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfninit\n\t"
                     "fld1\n\tmovq %1, %%mm2\n\tfnstenv %0\n\temms"
                     : "=m"(env) : "m"(v) : "mm2");
    ck_assert_uint_eq(env[8] | env[9] << 8, tw);
    ck_assert_uint_eq((env[4] | env[5] << 8) & FSW_TOP, 0);
#endif
    machine_destroy(m);
}
END_TEST

START_TEST(test_emms)
{
    struct machine *m = mmx_machine("pentium2");
    struct cpu *c = &m->cpu;
    /* fninit; fld1; fld1; emms; fnstenv [0x900]; fld1; fstp qword [DATA]; hlt */
    static const uint8_t code[] = { 0xDB, 0xE3, 0xD9, 0xE8, 0xD9, 0xE8, 0x0F, 0x77, 0xD9, 0x36, 0x00, 0x09,
                                    0xD9, 0xE8, 0xDD, 0x1E, DATA & 0xFF, DATA >> 8, 0xF4 };
    run_code(m, code, sizeof(code));
    ck_assert_uint_eq(exc_vector(c), 0xFF);
    uint16_t tw = testlib_ram16(m, 0x904);
    uint16_t sw = testlib_ram16(m, 0x902);
    ck_assert_uint_eq(tw, 0xFFFF);
    ck_assert_uint_eq(sw & FSW_TOP, 0); /* EMMS sets TOP to 0 too (SDM Vol. 3 12.2) */
    /* the stack is usable again: no overflow, 1.0 stored */
    ck_assert_uint_eq(testlib_ram64(m, DATA), 0x3FF0000000000000ull);
    ck_assert_uint_eq(c->fpu.sw & (FSW_IE | FSW_SF), 0);
#if HOST_MMX
    uint8_t env[28];
    __asm__ volatile("fninit\n\tfld1\n\tfld1\n\temms\n\tfnstenv %0\n\tfninit" : "=m"(env));
    ck_assert_uint_eq(env[8] | env[9] << 8, tw);
    ck_assert_uint_eq((env[4] | env[5] << 8) & FSW_TOP, 0);
#endif
    /* without EMMS the eight valid tags make the next FLD overflow */
    static const uint8_t code2[] = { 0xDB, 0xE3, 0x0F, 0xEF, 0xC0, 0xD9, 0xE8, 0xF4 }; /* pxor mm0,mm0; fld1 */
    run_code(m, code2, sizeof(code2));
    ck_assert_uint_eq(c->fpu.sw & (FSW_IE | FSW_SF | FSW_C1), FSW_IE | FSW_SF | FSW_C1);
    machine_destroy(m);
}
END_TEST

/* MOVD r32, mm only reads: TOP and tags change, no exponent is written. */
START_TEST(test_read_only_alias)
{
    struct machine *m = mmx_machine("pentium2");
    struct cpu *c = &m->cpu;
    /* fninit; fld1; movd eax, mm7; hlt  (TOP was 7: ST0 = R7 = 1.0) */
    static const uint8_t code[] = { 0xDB, 0xE3, 0xD9, 0xE8, 0x0F, 0x7E, 0xF8, 0xF4 };
    c->r[R_EAX] = 0x12345678;
    run_code(m, code, sizeof(code));
    ck_assert_int_eq(exc_vector(c), 0xFF);
    ck_assert_uint_eq(c->r[R_EAX], 0);
    ck_assert_uint_eq(c->fpu.st[7].se, 0x3FFF);
    ck_assert_uint_eq(c->fpu.st[7].sig, 1ull << 63);
    ck_assert_uint_eq(c->fpu.sw & FSW_TOP, 0);
    ck_assert_uint_eq(c->fpu.tw, 0);
    machine_destroy(m);
}
END_TEST

/* ---- FXSAVE / FXRSTOR ---- */

/* fninit; 8 x fldz; fninit; fld1; movq mm3, [DATA]; fxsave [0xA00]; hlt */
static const uint8_t fxsave_code[] = { 0xDB, 0xE3, 0xD9, 0xEE, 0xD9, 0xEE, 0xD9, 0xEE, 0xD9, 0xEE, 0xD9, 0xEE,
                                       0xD9, 0xEE, 0xD9, 0xEE, 0xD9, 0xEE, 0xDB, 0xE3, 0xD9, 0xE8, 0x0F, 0x6F,
                                       0x1E, DATA & 0xFF, DATA >> 8, 0x0F, 0xAE, 0x06, 0x00, 0x0A, 0xF4 };

START_TEST(test_fxsave_image)
{
    struct machine *m = mmx_machine("pentium2");
    struct cpu *c = &m->cpu;
    const uint64_t v = 0xFEDCBA9876543210ull;
    testlib_put_ram64(m, DATA, v);
    run_code(m, fxsave_code, sizeof(fxsave_code));
    ck_assert_uint_eq(exc_vector(c), 0xFF);
    const uint8_t *img = m->mem.ram + 0xA00;
    ck_assert_uint_eq(img[0] | img[1] << 8, 0x037F);       /* FCW */
    ck_assert_uint_eq((img[2] | img[3] << 8) & FSW_TOP, 0); /* FSW: TOP 0 */
    ck_assert_uint_eq(img[4], 0xFF);                        /* abridged FTW: all valid */
    /* ST(i) = Ri with TOP 0: R3 = FFFF:v, R7 = 1.0, the rest +0 */
    ck_assert_uint_eq(testlib_ram64(m, 0xA00 + 32 + 16 * 3), v);
    ck_assert_uint_eq(img[32 + 16 * 3 + 8] | img[32 + 16 * 3 + 9] << 8, 0xFFFF);
    ck_assert_uint_eq(testlib_ram64(m, 0xA00 + 32 + 16 * 7), 1ull << 63);
    ck_assert_uint_eq(img[32 + 16 * 7 + 8] | img[32 + 16 * 7 + 9] << 8, 0x3FFF);
    ck_assert_uint_eq(testlib_ram64(m, 0xA00 + 32), 0);
#if HOST_MMX
    static uint8_t host[512] __attribute__((aligned(16)));
    __asm__ volatile("fninit\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfldz\n\tfninit\n\t"
                     "fld1\n\tmovq %1, %%mm3\n\tfxsave %0\n\temms\n\tfninit"
                     : "=m"(host) : "m"(v) : "mm3");
    ck_assert_int_eq(memcmp(host, img, 6), 0);              /* FCW FSW FTW */
    for (int k = 0; k < 8; k++)                             /* the registers */
        ck_assert_int_eq(memcmp(host + 32 + 16 * k, img + 32 + 16 * k, 10), 0);
#endif
    /* FXRSTOR: MM5 from the image, tags from the abridged byte (R5 only) */
    testlib_put_ram64(m, 0xA00 + 32 + 16 * 5, 0x1122334455667788ull);
    m->mem.ram[0xA00 + 4] = 0x20;
    /* fxrstor [0xA00]; hlt */
    static const uint8_t code2[] = { 0x0F, 0xAE, 0x0E, 0x00, 0x0A, 0xF4 };
    run_code(m, code2, sizeof(code2));
    ck_assert_uint_eq(c->fpu.st[5].sig, 0x1122334455667788ull);
    ck_assert_uint_eq(c->fpu.st[3].sig, v);
    ck_assert_uint_eq(c->fpu.tw, 0xF3FF);
    /* and back through MMX: movq [DATA], mm5 */
    static const uint8_t code3[] = { 0x0F, 0x7F, 0x2E, DATA & 0xFF, DATA >> 8, 0xF4 };
    run_code(m, code3, sizeof(code3));
    ck_assert_uint_eq(testlib_ram64(m, DATA), 0x1122334455667788ull);
    machine_destroy(m);
}
END_TEST

/* FXSAVE needs CPUID.FXSR: #UD on the Pentium Pro and the Pentium MMX. */
START_TEST(test_fxsave_needs_fxsr)
{
    static const char *const models[] = { "pentium-pro", "pentium-mmx" };
    for (int k = 0; k < 2; k++) {
        struct machine *m = mmx_machine(models[k]);
        static const uint8_t code[] = { 0x0F, 0xAE, 0x06, 0x00, 0x0A, 0xF4 };
        memset(m->mem.ram + 0xA00, 0xA5, 512);
        run_code(m, code, sizeof(code));
        ck_assert_int_eq(exc_vector(&m->cpu), EX_UD);
        ck_assert_uint_eq(m->cpu.r[R_EAX] & 0xFFFF, CODE);
        ck_assert_uint_eq(m->mem.ram[0xA00], 0xA5);
        machine_destroy(m);
    }
}
END_TEST

/* ---- faults ---- */

/* paddb mm0, mm1; hlt */
static const uint8_t paddb_code[] = { 0x0F, 0xFC, 0xC1, 0xF4 };

static void expect_fault(struct machine *m, const uint8_t *code, size_t n, int vec)
{
    struct cpu *c = &m->cpu;
    c->fpu.st[0] = fx_make(0x4000, 0x0101010101010101ull);
    c->fpu.st[1] = fx_make(0x4000, 0x0202020202020202ull);
    c->fpu.sw = (uint16_t)((c->fpu.sw & ~FSW_TOP) | 5u << 11);
    c->fpu.tw = 0xAAAA;
    run_code(m, code, n);
    ck_assert_int_eq(exc_vector(c), vec);
    ck_assert_uint_eq(c->r[R_EAX] & 0xFFFF, CODE); /* the faulting instruction */
    /* nothing of the MMX instruction happened */
    ck_assert_uint_eq(c->fpu.st[0].sig, 0x0101010101010101ull);
    ck_assert_uint_eq(c->fpu.st[0].se, 0x4000);
    ck_assert_uint_eq((c->fpu.sw & FSW_TOP) >> 11, 5);
    ck_assert_uint_eq(c->fpu.tw, 0xAAAA);
}

START_TEST(test_ud_without_mmx)
{
    static const char *const models[] = { "pentium-pro", "pentium", "486" };
    for (int k = 0; k < 3; k++) {
        struct machine *m = mmx_machine(models[k]);
        expect_fault(m, paddb_code, sizeof(paddb_code), EX_UD);
        static const uint8_t emms[] = { 0x0F, 0x77, 0xF4 };
        expect_fault(m, emms, sizeof(emms), EX_UD);
        static const uint8_t movd[] = { 0x0F, 0x6E, 0xC0, 0xF4 };
        expect_fault(m, movd, sizeof(movd), EX_UD);
        machine_destroy(m);
    }
    /* the Pentium MMX runs it */
    struct machine *m = mmx_machine("pentium-mmx");
    m->cpu.fpu.st[0].sig = 0x0101010101010101ull;
    m->cpu.fpu.st[1].sig = 0x02020202020202FFull;
    run_code(m, paddb_code, sizeof(paddb_code));
    ck_assert_int_eq(exc_vector(&m->cpu), 0xFF);
    ck_assert_uint_eq(m->cpu.fpu.st[0].sig, 0x0303030303030300ull);
    machine_destroy(m);
}
END_TEST

START_TEST(test_em_ts)
{
    struct machine *m = mmx_machine("pentium2");
    struct cpu *c = &m->cpu;
    c->cr0 |= CR0_EM;
    expect_fault(m, paddb_code, sizeof(paddb_code), EX_UD);
    c->cr0 |= CR0_TS; /* EM wins over TS */
    expect_fault(m, paddb_code, sizeof(paddb_code), EX_UD);
    c->cr0 &= ~CR0_EM;
    expect_fault(m, paddb_code, sizeof(paddb_code), EX_NM);
    static const uint8_t emms[] = { 0x0F, 0x77, 0xF4 };
    expect_fault(m, emms, sizeof(emms), EX_NM);
    /* movq [DATA], mm0 with TS: memory untouched */
    static const uint8_t st[] = { 0x0F, 0x7F, 0x06, DATA & 0xFF, DATA >> 8, 0xF4 };
    testlib_put_ram64(m, DATA, 0x5A5A5A5A5A5A5A5Aull);
    expect_fault(m, st, sizeof(st), EX_NM);
    ck_assert_uint_eq(testlib_ram64(m, DATA), 0x5A5A5A5A5A5A5A5Aull);
    c->cr0 &= ~CR0_TS;
    run_code(m, paddb_code, sizeof(paddb_code));
    ck_assert_int_eq(exc_vector(c), 0xFF);
    machine_destroy(m);
}
END_TEST

/* A pending unmasked x87 exception: #MF with CR0.NE=1, before anything changes. */
START_TEST(test_pending_mf)
{
    struct machine *m = mmx_machine("pentium2");
    struct cpu *c = &m->cpu;
    c->cr0 |= CR0_NE;
    c->fpu.cw = 0x037B; /* ZE unmasked */
    c->fpu.sw = FSW_ZE | FSW_ES | FSW_B;
    expect_fault(m, paddb_code, sizeof(paddb_code), EX_MF);
    ck_assert_uint_eq(c->fpu.sw & (FSW_ZE | FSW_ES), FSW_ZE | FSW_ES);
    static const uint8_t emms[] = { 0x0F, 0x77, 0xF4 };
    expect_fault(m, emms, sizeof(emms), EX_MF);
    /* a masked flag is not pending */
    c->fpu.cw = 0x037F;
    c->fpu.sw = FSW_ZE;
    run_code(m, paddb_code, sizeof(paddb_code));
    ck_assert_int_eq(exc_vector(c), 0xFF);
    ck_assert_uint_eq(c->fpu.sw, FSW_ZE);
    machine_destroy(m);
}
END_TEST

/* 64-bit operands past the segment limit fault before any byte is written;
 * PUNPCKLxx reads only 32 bits. */
START_TEST(test_segment_limit)
{
    struct machine *m = mmx_machine("pentium2");
    struct cpu *c = &m->cpu;
    memset(m->mem.ram + 0xFFF8, 0x77, 8);
    /* movq [0xFFFC], mm0 */
    static const uint8_t st[] = { 0x0F, 0x7F, 0x06, 0xFC, 0xFF, 0xF4 };
    expect_fault(m, st, sizeof(st), EX_GP);
    for (int k = 0; k < 8; k++)
        ck_assert_uint_eq(m->mem.ram[0xFFF8 + k], 0x77);
    /* paddb mm0, [0xFFFC] */
    static const uint8_t add[] = { 0x0F, 0xFC, 0x06, 0xFC, 0xFF, 0xF4 };
    expect_fault(m, add, sizeof(add), EX_GP);
    /* punpcklbw mm0, [0xFFFC]: m32, inside the limit */
    static const uint8_t unp[] = { 0x0F, 0x60, 0x06, 0xFC, 0xFF, 0xF4 };
    c->fpu.st[0].sig = 0;
    run_code(m, unp, sizeof(unp));
    ck_assert_int_eq(exc_vector(c), 0xFF);
    ck_assert_uint_eq(c->fpu.st[0].sig, 0x7700770077007700ull);
    /* movq [0xFFF8], mm0 (the last 8 bytes) is fine */
    static const uint8_t ok[] = { 0x0F, 0x7F, 0x06, 0xF8, 0xFF, 0xF4 };
    run_code(m, ok, sizeof(ok));
    ck_assert_int_eq(exc_vector(c), 0xFF);
    ck_assert_uint_eq(testlib_ram64(m, 0xFFF8), 0x7700770077007700ull);
    machine_destroy(m);
}
END_TEST

/* A 64-bit store across into a not-present page writes nothing; a 64-bit
 * load from there changes nothing: both are restartable #PF. */
START_TEST(test_page_fault_restartable)
{
    struct machine *m = mmx_machine("pentium2");
    struct cpu *c = &m->cpu;
    testlib_paged_pm16(m, HANDLERS);
    memset(m->mem.ram + 0xEFF8, 0x77, 16);
    static const uint8_t st[] = { 0x0F, 0x7F, 0x06, 0xFC, 0xEF, 0xF4 };   /* movq [0xEFFC], mm0 */
    static const uint8_t ld[] = { 0x0F, 0xFC, 0x06, 0xFC, 0xEF, 0xF4 };   /* paddb mm0, [0xEFFC] */
    static const uint8_t ok[] = { 0x0F, 0x7F, 0x06, 0xF8, 0xEF, 0xF4 };   /* movq [0xEFF8], mm0 */
    const uint8_t *const codes[2] = { st, ld };
    for (int k = 0; k < 2; k++) {
        c->fpu.st[0] = fx_make(0x4000, 0x0101010101010101ull);
        c->fpu.sw = 5u << 11;
        c->fpu.tw = 0xAAAA;
        run_code(m, codes[k], sizeof(st));
        ck_assert_int_eq(exc_vector(c), EX_PF);
        ck_assert_uint_eq(c->cr2, 0xF000);
        ck_assert_uint_eq(c->r[R_EAX] & 0xFFFF, k == 0 ? 2 : 0); /* error code: not present, W/R */
        ck_assert_uint_eq(c->fpu.st[0].se, 0x4000);
        ck_assert_uint_eq(c->fpu.sw, 5u << 11);
        ck_assert_uint_eq(c->fpu.tw, 0xAAAA);
        for (int b = 0; b < 16; b++)
            ck_assert_uint_eq(m->mem.ram[0xEFF8 + b], 0x77);
        /* the faulting IP, pushed under the error code */
        ck_assert_uint_eq(m->mem.ram[0x7FFA] | m->mem.ram[0x7FFB] << 8, CODE);
    }
    run_code(m, ok, sizeof(ok));
    ck_assert_int_eq(exc_vector(c), 0xFF);
    ck_assert_uint_eq(testlib_ram64(m, 0xEFF8), 0x0101010101010101ull);
    machine_destroy(m);
}
END_TEST

/* The shift-by-immediate groups: memory forms and unassigned slots are #UD. */
START_TEST(test_group_ud)
{
    struct machine *m = mmx_machine("pentium2");
    static const uint8_t bad[][6] = {
        { 0x0F, 0x71, 0x16, 0x00, 0x08, 0x05 }, /* psrlw [0x800], 5: memory form */
        { 0x0F, 0x71, 0xC0, 0x05, 0xF4, 0 },   /* 0F 71 /0 */
        { 0x0F, 0x73, 0xE0, 0x05, 0xF4, 0 },   /* 0F 73 /4: no PSRAQ */
        { 0x0F, 0x73, 0xD8, 0x05, 0xF4, 0 },   /* 0F 73 /3: PSRLDQ is SSE2 */
        { 0x0F, 0x70, 0xC1, 0x05, 0xF4, 0 },   /* PSHUFW is SSE */
    };
    for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        uint8_t code[7];
        memcpy(code, bad[k], 6);
        code[6] = 0xF4;
        expect_fault(m, code, sizeof(code), EX_UD);
    }
    machine_destroy(m);
}
END_TEST

/* ---- models ---- */

START_TEST(test_cpuid_models)
{
    static const struct {
        const char *name;
        uint32_t eax, edx_set, edx_clear;
    } t[] = {
        { "pentium", 0x0525, 0, (1u << 23) | (1u << 24) },
        { "pentium-mmx", 0x0543, 1u << 23, 1u << 24 },
        { "pentium-pro", 0x0619, (1u << 15) | (1u << 11), (1u << 23) | (1u << 24) },
        { "pentium2", 0x0652, (1u << 23) | (1u << 24) | (1u << 15) | (1u << 13) | (1u << 12) | (1u << 11) |
                                  (1u << 8) | (1u << 6) | (1u << 3) | 1u, 0 },
    };
    for (unsigned k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
        struct machine *m = mmx_machine(t[k].name);
        /* mov eax, 1; cpuid; hlt */
        static const uint8_t code[] = { 0x66, 0xB8, 0x01, 0x00, 0x00, 0x00, 0x0F, 0xA2, 0xF4 };
        run_code(m, code, sizeof(code));
        ck_assert_uint_eq(m->cpu.r[R_EAX], t[k].eax);
        ck_assert_uint_eq(m->cpu.r[R_EDX] & t[k].edx_set, t[k].edx_set);
        ck_assert_uint_eq(m->cpu.r[R_EDX] & t[k].edx_clear, 0);
        machine_destroy(m);
    }
    /* CR4.OSFXSR is writable with FXSR only: mov eax, cr4; or eax, 200h; mov cr4, eax; hlt */
    static const uint8_t cr4[] = { 0x0F, 0x20, 0xE0, 0x66, 0x0D, 0x00, 0x02, 0x00, 0x00, 0x0F, 0x22, 0xE0, 0xF4 };
    struct machine *m = mmx_machine("pentium2");
    run_code(m, cr4, sizeof(cr4));
    ck_assert_int_eq(exc_vector(&m->cpu), 0xFF);
    ck_assert_uint_eq(m->cpu.cr4 & CR4_OSFXSR, CR4_OSFXSR);
    machine_destroy(m);
    m = mmx_machine("pentium-pro");
    run_code(m, cr4, sizeof(cr4));
    ck_assert_int_eq(exc_vector(&m->cpu), EX_GP);
    ck_assert_uint_eq(m->cpu.cr4 & CR4_OSFXSR, 0);
    machine_destroy(m);
    /* the default stays the Pentium Pro */
    ck_assert_str_eq(cpu_model_default()->name, "pentium-pro");
}
END_TEST

/* Random MMX encodings with random registers and memory: nothing may crash
 * the host (ASan/UBSan stay quiet), and no x87 register is left with a
 * stale tag. */
START_TEST(test_fuzz)
{
    static const uint8_t opcs[] = { 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B,
                                    0x6E, 0x6F, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x7E, 0x7F, 0xD1,
                                    0xD2, 0xD3, 0xD5, 0xD8, 0xD9, 0xDB, 0xDC, 0xDD, 0xDF, 0xE1, 0xE2, 0xE5,
                                    0xE8, 0xE9, 0xEB, 0xEC, 0xED, 0xEF, 0xF1, 0xF2, 0xF3, 0xF5, 0xF8, 0xF9,
                                    0xFA, 0xFC, 0xFD, 0xFE };
    struct machine *m = mmx_machine("pentium2");
    struct cpu *c = &m->cpu;
    uint64_t x = 0x452821E638D01377ull;
    for (int round = 0; round < 300; round++) {
        uint8_t code[6 * 30 + 1];
        int n = 0;
        for (int k = 0; k < 30; k++) {
            uint64_t r = rng(&x);
            uint8_t modrm = (uint8_t)(r >> 8), opc = opcs[r % sizeof(opcs)];
            if (((r >> 20) & 3) == 1)
                code[n++] = 0x66;
            code[n++] = 0x0F;
            code[n++] = opc;
            if (opc == 0x77)
                continue; /* EMMS: no ModR/M */
            /* memory operands in [0x800, 0x880) ([bx+si+disp8] with BX = 0x800, SI = 0) */
            if ((modrm >> 6) != 3)
                modrm = (uint8_t)(0x40 | (modrm & 0x38));
            else if (opc == 0x7E) /* MOVD r32, mm: only into EAX ECX EDX EDI */
                modrm = (uint8_t)((modrm & 0xF8) | (const uint8_t[]){ 0, 1, 2, 0, 0, 1, 2, 7 }[modrm & 7]);
            code[n++] = modrm;
            if ((modrm >> 6) != 3)
                code[n++] = (uint8_t)(r >> 24) & 0x7F;
            if (opc >= 0x71 && opc <= 0x73)
                code[n++] = (uint8_t)(r >> 32);
        }
        code[n++] = 0xF4;
        random_fpu(c, &x, &(struct fstate){ 0 });
        for (int r = 0; r < 8; r++)
            c->r[r] = (uint32_t)rng(&x);
        c->r[R_EBX] = 0x800;
        c->r[R_ESI] = 0;
        c->cr0 &= ~(CR0_TS | CR0_EM);
        c->fpu.sw = 0;
        run_code(m, code, (size_t)n);
        ck_assert(c->halted);
    }
    machine_destroy(m);
}
END_TEST

void mmx_add_state_tests(Suite *s)
{
    testlib_tcase(s, "x87", 0,
                  (const TTest *const[]){ test_alias_movq_fnstenv, test_emms, test_read_only_alias, test_fxsave_image,
                                          test_fxsave_needs_fxsr, NULL });
    testlib_tcase(s, "faults", 60,
                  (const TTest *const[]){ test_ud_without_mmx, test_em_ts, test_pending_mf, test_segment_limit,
                                          test_page_fault_restartable, test_group_ud, test_cpuid_models, test_fuzz,
                                          NULL });
}
