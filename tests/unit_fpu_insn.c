/*
 * unit_fpu_insn.c - x87 instructions run in a real-mode machine (part of
 * unit_fpu): arithmetic and stores, FLDPI under the rounding control, stack
 * overflow and underflow, unmasked exceptions (#MF at the next waiting
 * instruction), #NM with CR0.TS/MP, FNSAVE/FRSTOR/FNSTENV images, FCOMI and
 * FXAM, and random escapes that must not crash the host.
 */
#include <check.h>

#include "cpu/fpu.h"
#include "machine/machine.h"
#include "tests/testlib.h"
#include "tests/unit_fpu.h"

START_TEST(test_insn_basic)
{
    struct machine *m = testlib_cpu_machine("pentium-pro");
    /* fninit; fldpi; fld1; faddp; fistp word [0x800]; fldz; fstsw ax; hlt */
    static const uint8_t code[] = { 0xDB, 0xE3, 0xD9, 0xEB, 0xD9, 0xE8, 0xDE, 0xC1, 0xDF, 0x1E, 0x00, 0x08,
                                    0xD9, 0xEE, 0xDF, 0xE0, 0xF4 };
    testlib_run_real(m, code, sizeof(code));
    ck_assert_uint_eq(m->mem.ram[0x800], 4);
    ck_assert_uint_eq(m->cpu.fpu.sw & FSW_TOP, 7u << 11);
    ck_assert_uint_eq(m->cpu.r[R_EAX] & 0xFFFF, m->cpu.fpu.sw);
    ck_assert_uint_eq(m->cpu.fpu.sw & FSW_PE, FSW_PE);
    ck_assert_uint_eq(testlib_st(&m->cpu, 0).se, 0);
    machine_destroy(m);
}
END_TEST

START_TEST(test_insn_fldpi_rounding)
{
    struct machine *m = testlib_cpu_machine("pentium-pro");
    /* fninit; fldcw [0x800]; fldpi; hlt with RC = down */
    static const uint8_t code[] = { 0xDB, 0xE3, 0xD9, 0x2E, 0x00, 0x08, 0xD9, 0xEB, 0xF4 };
    m->mem.ram[0x800] = 0x7F;
    m->mem.ram[0x801] = 0x07;
    testlib_run_real(m, code, sizeof(code));
    ck_assert_uint_eq(testlib_st(&m->cpu, 0).sig, 0xC90FDAA22168C234ull);
    m->mem.ram[0x801] = 0x03;
    testlib_run_real(m, code, sizeof(code));
    ck_assert_uint_eq(testlib_st(&m->cpu, 0).sig, 0xC90FDAA22168C235ull);
    machine_destroy(m);
}
END_TEST

START_TEST(test_stack_faults)
{
    struct machine *m = testlib_cpu_machine("pentium-pro");
    /* fninit; 9 x fld1 -> overflow on the 9th; hlt */
    uint8_t code[32];
    int n = 0;
    code[n++] = 0xDB; code[n++] = 0xE3;
    for (int k = 0; k < 9; k++) { code[n++] = 0xD9; code[n++] = 0xE8; }
    code[n++] = 0xF4;
    testlib_run_real(m, code, (size_t)n);
    struct fpu *f = &m->cpu.fpu;
    ck_assert_uint_eq(f->sw & (FSW_IE | FSW_SF | FSW_C1), FSW_IE | FSW_SF | FSW_C1);
    ck_assert_uint_eq(testlib_st(&m->cpu, 0).sig, FX_INDEF_SIG);
    /* underflow: fninit; fadd st0,st1 (empty) -> IE SF, C1 = 0 */
    static const uint8_t code2[] = { 0xDB, 0xE3, 0xD8, 0xC1, 0xF4 };
    testlib_run_real(m, code2, sizeof(code2));
    ck_assert_uint_eq(f->sw & (FSW_IE | FSW_SF | FSW_C1), FSW_IE | FSW_SF);
    machine_destroy(m);
}
END_TEST

START_TEST(test_unmasked_mf)
{
    struct machine *m = testlib_cpu_machine("pentium-pro");
    struct cpu *c = &m->cpu;
    c->cr0 |= CR0_NE;
    testlib_fault_stubs(m, 0x300); /* vector v -> 0:0300 + 4v: pop ax; hlt */
    /* fninit; fldcw [0x800] (ZE unmasked); fld1; fldz; fdivp st1 (ZE pending); fld1 (#MF here); hlt */
    static const uint8_t code[] = { 0xDB, 0xE3, 0xD9, 0x2E, 0x00, 0x08, 0xD9, 0xE8, 0xD9, 0xEE, 0xDE, 0xF9,
                                    0xD9, 0xE8, 0xF4 };
    m->mem.ram[0x800] = 0x7B;
    m->mem.ram[0x801] = 0x03;
    testlib_run_real(m, code, sizeof(code));
    ck_assert_int_eq(testlib_stub_vector(c, 0x300), EX_MF);
    ck_assert_uint_eq(c->r[R_EAX] & 0xFFFF, 0x10C); /* the faulting FLD1 */
    ck_assert_uint_eq(c->fpu.sw & (FSW_ZE | FSW_ES | FSW_B), FSW_ZE | FSW_ES | FSW_B);
    /* the unmasked divide left the stack unchanged: ST0 = 0, ST1 = 1 */
    ck_assert_uint_eq(testlib_st(c, 0).se, 0);
    ck_assert_uint_eq(testlib_st(c, 1).se, 0x3FFF);
    ck_assert_uint_eq(c->fpu.fip, 0x10A);
    machine_destroy(m);
}
END_TEST

START_TEST(test_nm)
{
    struct machine *m = testlib_cpu_machine("pentium-pro");
    struct cpu *c = &m->cpu;
    testlib_fault_stubs(m, 0x300);
    static const uint8_t code[] = { 0x90, 0xD9, 0xE8, 0xF4 };
    c->cr0 |= CR0_TS;
    testlib_run_real(m, code, sizeof(code));
    ck_assert_int_eq(testlib_stub_vector(c, 0x300), EX_NM);
    ck_assert_uint_eq(c->r[R_EAX] & 0xFFFF, 0x101);
    /* WAIT faults only with TS and MP */
    static const uint8_t code2[] = { 0x9B, 0xF4 };
    c->r[R_EAX] = 0;
    testlib_run_real(m, code2, sizeof(code2));
    ck_assert_uint_eq(c->r[R_EAX], 0);
    ck_assert_int_eq(testlib_stub_vector(c, 0x300), 0xFF);
    c->cr0 |= CR0_MP;
    testlib_run_real(m, code2, sizeof(code2));
    ck_assert_int_eq(testlib_stub_vector(c, 0x300), EX_NM);
    ck_assert_uint_eq(c->r[R_EAX] & 0xFFFF, 0x100);
    machine_destroy(m);
}
END_TEST

START_TEST(test_env_roundtrip)
{
    struct machine *m = testlib_cpu_machine("pentium-pro");
    struct cpu *c = &m->cpu;
    /* fninit; fld1; fldpi; fnsave [0x800]; fld1; frstor [0x800]; fnstenv [0x900] (o16); hlt */
    static const uint8_t code[] = { 0xDB, 0xE3, 0xD9, 0xE8, 0xD9, 0xEB, 0xDD, 0x36, 0x00, 0x08, 0xD9, 0xE8,
                                    0xDD, 0x26, 0x00, 0x08, 0xD9, 0x36, 0x00, 0x09, 0xF4 };
    testlib_run_real(m, code, sizeof(code));
    ck_assert_uint_eq(c->fpu.sw & FSW_TOP, 6u << 11);
    ck_assert_uint_eq(testlib_st(c, 0).sig, 0xC90FDAA22168C235ull);
    ck_assert_uint_eq(testlib_st(c, 1).sig, 1ull << 63);
    /* 16-bit real-mode image: tag word has ST0/ST1 valid (phys 6, 7) */
    uint16_t tw = testlib_ram16(m, 0x904);
    ck_assert_uint_eq(tw, 0x0FFF);
    ck_assert_uint_eq(c->fpu.cw & 0x3F, 0x3F);
    machine_destroy(m);
}
END_TEST

START_TEST(test_fcomi_fxam)
{
    struct machine *m = testlib_cpu_machine("pentium-pro");
    struct cpu *c = &m->cpu;
    /* fninit; fld1; fldz; fcomi st0,st1; hlt  -> 0 < 1: CF=1 ZF=0 */
    static const uint8_t code[] = { 0xDB, 0xE3, 0xD9, 0xE8, 0xD9, 0xEE, 0xDB, 0xF1, 0xD9, 0xE5, 0xF4 };
    testlib_run_real(m, code, sizeof(code));
    uint32_t fl = cpu_get_eflags(c);
    ck_assert(fl & F_CF);
    ck_assert(!(fl & F_ZF));
    ck_assert(!(fl & F_PF));
    ck_assert_uint_eq(c->fpu.sw & FSW_CC, FSW_C3); /* fxam: zero */
    machine_destroy(m);
}
END_TEST

/* Random escapes with random register and memory contents: nothing may crash
 * the host, and ASan/UBSan must stay quiet. */
START_TEST(test_fuzz_escapes)
{
    struct machine *m = testlib_cpu_machine("pentium-pro");
    struct cpu *c = &m->cpu;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int round = 0; round < 300; round++) {
        uint8_t code[4 * 40 + 1];
        int n = 0;
        for (int k = 0; k < 40; k++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            uint8_t modrm = (uint8_t)(x >> 8);
            if ((modrm >> 6) != 3)
                modrm = (uint8_t)((modrm & 0x38) | 0x06); /* [disp16] */
            code[n++] = (uint8_t)(0xD8 + (x & 7));
            code[n++] = modrm;
            if ((modrm >> 6) != 3) {
                code[n++] = 0x00;
                code[n++] = 0x08;
            }
        }
        code[n++] = 0xF4;
        for (int k = 0; k < 128; k++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            m->mem.ram[0x800 + k] = (uint8_t)x;
        }
        /* IVT: every vector to an IRET-free hlt */
        for (int v = 0; v < 32; v++)
            testlib_set_vector(m, v, 0x300);
        m->mem.ram[0x300] = 0xF4;
        c->fpu.cw = (uint16_t)(x >> 20) | 0x40;
        for (int k = 0; k < 8; k++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            c->fpu.st[k] = fx_make((uint16_t)(x >> 48), x * 0x2545F4914F6CDD1Dull);
        }
        c->fpu.tw = (uint16_t)(x >> 3);
        c->fpu.sw = 0;
        testlib_run_real(m, code, (size_t)n);
    }
    machine_destroy(m);
}
END_TEST

void fpu_add_insn_tests(Suite *s)
{
    testlib_tcase(s, "insn", 120,
                  (const TTest *const[]){ test_insn_basic, test_insn_fldpi_rounding, test_stack_faults,
                                          test_unmasked_mf, test_nm, test_env_roundtrip, test_fcomi_fxam,
                                          test_fuzz_escapes, NULL });
}
