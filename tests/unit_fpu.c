/*
 * unit_fpu.c - Check tests of the x87: conversions (integers, BCD, single,
 * double), operand classes and NaNs, masked and unmasked exception results,
 * and on x86 hosts a differential run against the host's own x87 (inline
 * asm, tests only) with random operands; with unit_fpu_golden.c (golden
 * results for + - * / sqrt under every rounding x precision control) and
 * unit_fpu_insn.c (instructions in a machine: stack faults, #MF, #NM,
 * environment images).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "cpu/fpu.h"
#include "tests/testlib.h"
#include "tests/unit_fpu.h"

START_TEST(test_conversions)
{
    struct fpstat s = { 0x037F, 0, 0, 0, 0 };
    /* integers: 2.5 rounds to 2 (nearest even), 3 (up), 2 (down/zero) */
    struct fx80 x = fx_make(0x4000, 0xA000000000000000ull);
    uint64_t want[4] = { 2, 2, 3, 2 };
    for (int rc = 0; rc < 4; rc++) {
        s.cw = (uint16_t)(0x037F | rc << 10);
        s.ex = 0;
        ck_assert_uint_eq(fx_to_int(&s, x, 2, 0), want[rc]);
        ck_assert_uint_eq(s.ex, FSW_PE);
    }
    s.cw = 0x037F;
    s.ex = 0;
    ck_assert_uint_eq(fx_to_int(&s, fx_from_i64(-32768), 2, 0), 0x8000);
    ck_assert_uint_eq(s.ex, 0);
    ck_assert_uint_eq(fx_to_int(&s, fx_from_i64(32768), 2, 0), 0x8000);
    ck_assert_uint_eq(s.ex, FSW_IE);
    s.ex = 0;
    ck_assert_uint_eq(fx_to_int(&s, fx_from_i64(INT64_MIN), 8, 0), 0x8000000000000000ull);
    ck_assert_uint_eq(s.ex, 0);
    ck_assert_uint_eq(fx_to_int(&s, fx_indefinite(), 4, 0), 0x80000000u);
    ck_assert_uint_eq(s.ex, FSW_IE);
    /* BCD round trip and indefinite */
    uint8_t bcd[10] = { 0x89, 0x67, 0x45, 0x23, 0x01, 0x89, 0x67, 0x45, 0x23, 0x80 }, out[10];
    struct fx80 v = fx_from_bcd(bcd);
    ck_assert_uint_eq(v.se, 0xC000 | (16383 + 57)); /* 234567890123456789 */
    s.ex = 0;
    fx_to_bcd(&s, v, out);
    ck_assert_mem_eq(out, bcd, 10);
    fx_to_bcd(&s, fx_from_i64(1000000000000000000ll), out);
    ck_assert_uint_eq(s.ex, FSW_IE);
    ck_assert_uint_eq(out[9], 0xFF);
    ck_assert_uint_eq(out[8], 0xFF);
    ck_assert_uint_eq(out[7], 0xC0);
    /* single and double: SNaN quiets with IE, denormals raise DE */
    s.ex = 0;
    struct fx80 q = fx_from_f32(&s, 0x7F800001u);
    ck_assert_uint_eq(s.ex, FSW_IE);
    ck_assert_uint_eq(q.sig, 0xC000010000000000ull);
    s.ex = 0;
    struct fx80 d = fx_from_f64(&s, 1);
    ck_assert_uint_eq(s.ex, FSW_DE);
    ck_assert_uint_eq(d.se, 16383 - 1074);
    s.ex = 0;
    ck_assert_uint_eq(fx_to_f64(&s, d), 1);
    ck_assert_uint_eq(fx_to_f32(&s, d), 0);
    ck_assert_uint_eq(s.ex, FSW_UE | FSW_PE);
    s.ex = 0;
    ck_assert_uint_eq(fx_to_f32(&s, fx_make(0x7FFE, ~0ull)), 0x7F800000u);
    ck_assert_uint_eq(s.ex, FSW_OE | FSW_PE);
    s.cw = 0x037F | RC_ZERO << 10;
    ck_assert_uint_eq(fx_to_f32(&s, fx_make(0x7FFE, ~0ull)), 0x7F7FFFFFu);
}
END_TEST

START_TEST(test_classes_and_nans)
{
    struct fpstat s = { 0x037F, 0, 0, 0, 0 };
    struct fx80 unnormal = fx_make(0x4000, 0x4000000000000000ull);
    struct fx80 pseudo_inf = fx_make(0x7FFF, 0);
    struct fx80 pseudo_nan = fx_make(0x7FFF, 0x4000000000000001ull);
    struct fx80 one = fx_make(0x3FFF, 1ull << 63);
    ck_assert_int_eq(fx_classify(unnormal), FXC_UNSUPPORTED);
    ck_assert_int_eq(fx_classify(pseudo_inf), FXC_UNSUPPORTED);
    ck_assert_int_eq(fx_classify(pseudo_nan), FXC_UNSUPPORTED);
    struct fx80 r = fx_add(&s, unnormal, one);
    ck_assert_uint_eq(r.se, FX_INDEF_SE);
    ck_assert_uint_eq(r.sig, FX_INDEF_SIG);
    ck_assert_uint_eq(s.ex, FSW_IE);
    /* SNaN + QNaN: the QNaN; two QNaNs: the larger significand */
    struct fx80 sn = fx_make(0x7FFF, 0x8000000000000005ull), qn = fx_make(0xFFFF, 0xC000000000000001ull);
    s.ex = 0;
    r = fx_mul(&s, sn, qn);
    ck_assert_uint_eq(r.sig, qn.sig);
    ck_assert_uint_eq(s.ex, FSW_IE);
    s.ex = 0;
    r = fx_add(&s, sn, one);
    ck_assert_uint_eq(r.sig, 0xC000000000000005ull);
    ck_assert_uint_eq(s.ex, FSW_IE);
    /* inf - inf, 0/0, x/0 */
    struct fx80 inf = fx_make(0x7FFF, 1ull << 63);
    s.ex = 0;
    fx_sub(&s, inf, inf);
    ck_assert_uint_eq(s.ex, FSW_IE);
    s.ex = 0;
    r = fx_div(&s, one, fx_make(0x8000, 0));
    ck_assert_uint_eq(r.se, 0xFFFF);
    ck_assert_uint_eq(s.ex, FSW_ZE);
    /* masked underflow: tiny and inexact; unmasked: biased by 24576 */
    struct fx80 tiny = fx_make(0x0001, 0xC000000000000000ull);
    s.ex = 0;
    r = fx_mul(&s, tiny, fx_make(0x3FFD, 0xC000000000000001ull));
    ck_assert_uint_eq(s.ex, FSW_UE | FSW_PE);
    ck_assert_uint_eq(r.se, 0);
    s.cw = 0x037F & ~FSW_UE;
    s.ex = 0;
    r = fx_mul(&s, tiny, fx_make(0x3FFE, 0x8000000000000000ull));
    ck_assert_uint_eq(s.ex, FSW_UE);
    ck_assert_uint_eq(r.se, 0x6000);
    s.cw = 0x037F & ~FSW_OE;
    s.ex = 0;
    r = fx_mul(&s, fx_make(0x7FFE, 1ull << 63), fx_make(0x4000, 1ull << 63));
    ck_assert_uint_eq(s.ex, FSW_OE);
    ck_assert_uint_eq(r.se, 0x7FFF - 0x6000);
}
END_TEST

#if defined(__x86_64__) || defined(__i386__)
/* ---- the host x87 as an oracle (tests only) ---- */
struct h80 {
    uint64_t sig;
    uint16_t se;
} __attribute__((packed));

#define HOST2(name, insn)                                                                          \
    static uint16_t name(const struct h80 *a, const struct h80 *b, uint16_t cw, struct h80 *r)    \
    {                                                                                              \
        uint16_t sw;                                                                               \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn               \
                         "\n\tfnstsw %[sw]\n\tfstpt %[r]\n\tfninit"                                \
                         : [sw] "=m"(sw), [r] "=m"(*r)                                            \
                         : [cw] "m"(cw), [a] "m"(*a), [b] "m"(*b)                                 \
                         : "memory", "st", "st(1)");                                               \
        return sw;                                                                                 \
    }
HOST2(host_add, "fadd %%st(1), %%st")
HOST2(host_sub, "fsub %%st(1), %%st")
HOST2(host_mul, "fmul %%st(1), %%st")
HOST2(host_div, "fdiv %%st(1), %%st")
HOST2(host_sqrt, "fsqrt")
HOST2(host_rndint, "frndint")
HOST2(host_prem, "fprem")
HOST2(host_prem1, "fprem1")
HOST2(host_scale, "fscale")

static uint64_t rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static struct fx80 random_operand(uint64_t *rs)
{
    uint64_t r = rng(rs);
    struct fx80 a;
    a.sig = rng(rs);
    int e;
    switch (r % 16) {
    case 0: e = 0; if (r & 0x100) a.sig >>= (r >> 20) % 64; break;
    case 1: e = 0x7FFF; if (r & 0x100) a.sig = 1ull << 63; else a.sig |= 1ull << 63; break;
    case 2: e = (int)((r >> 8) % 70); break;
    case 3: e = 0x7FFF - (int)((r >> 8) % 70); break;
    case 4: e = 16383 + (int)((r >> 8) % 130) - 65; a.sig &= ~0ull << ((r >> 24) % 64); break;
    case 5: e = 0; a.sig = 0; break;
    case 6: e = (int)((r >> 8) & 0x7FFF); a.sig &= ~(1ull << 63); break;
    default: e = 16383 + (int)((r >> 8) % 200) - 100; break;
    }
    if (r % 16 != 6 && e != 0 && r % 16 != 1)
        a.sig |= 1ull << 63;
    a.se = (uint16_t)(e | ((r >> 40) & 1) << 15);
    return a;
}

START_TEST(test_host_differential)
{
    uint64_t rs = 88172645463325252ull;
    static const char *names[] = { "add", "sub", "mul", "div", "sqrt", "frndint", "fprem", "fprem1", "fscale" };
    long bad[9] = { 0 };
    for (long k = 0; k < 60000; k++) {
        struct fx80 a = random_operand(&rs), b = random_operand(&rs);
        if (rng(&rs) % 4 == 0) {
            b = a;
            b.sig ^= rng(&rs) & 0xFFFF;
        }
        uint16_t cw = (uint16_t)(0x3F | (rng(&rs) % 4) << 10);
        int pc = (int)(rng(&rs) % 3);
        cw |= (uint16_t)((pc == 0 ? PC_24 : pc == 1 ? PC_53 : PC_64) << 8);
        for (int op = 0; op < 9; op++) {
            struct fpstat s = { cw, 0, 0, 0, 0 };
            struct h80 ha = { a.sig, a.se }, hb = { b.sig, b.se }, hr;
            struct fx80 r;
            uint16_t sw, cc = 0, mask = FSW_EXC | FSW_C1;
            switch (op) {
            case 0: r = fx_add(&s, a, b); sw = host_add(&ha, &hb, cw, &hr); break;
            case 1: r = fx_sub(&s, a, b); sw = host_sub(&ha, &hb, cw, &hr); break;
            case 2: r = fx_mul(&s, a, b); sw = host_mul(&ha, &hb, cw, &hr); break;
            case 3: r = fx_div(&s, a, b); sw = host_div(&ha, &hb, cw, &hr); break;
            case 4: r = fx_sqrt(&s, a); sw = host_sqrt(&ha, &hb, cw, &hr); break;
            case 5: r = fx_round_int(&s, a); sw = host_rndint(&ha, &hb, cw, &hr); break;
            case 6: r = fx_rem(&s, a, b, 0, &cc); sw = host_prem(&ha, &hb, cw, &hr); mask = FSW_EXC | FSW_CC; break;
            case 7: r = fx_rem(&s, a, b, 1, &cc); sw = host_prem1(&ha, &hb, cw, &hr); mask = FSW_EXC | FSW_CC; break;
            default: r = fx_scale(&s, a, b); sw = host_scale(&ha, &hb, cw, &hr); mask = FSW_EXC; break;
            }
            uint16_t mine = (uint16_t)(s.ex | (op >= 6 ? cc : s.c1 ? FSW_C1 : 0));
            if (r.sig != hr.sig || r.se != hr.se || (mine & mask) != (sw & mask)) {
                if (bad[op]++ < 3)
                    fprintf(stderr, "%s cw=%04x a=%04x:%016llx b=%04x:%016llx: %04x:%016llx sw %04x, host %04x:%016llx sw %04x\n",
                            names[op], cw, a.se, (unsigned long long)a.sig, b.se, (unsigned long long)b.sig, r.se,
                            (unsigned long long)r.sig, mine & mask, hr.se, (unsigned long long)hr.sig, sw & mask);
            }
        }
    }
    for (int op = 0; op < 9; op++)
        ck_assert_msg(bad[op] == 0, "%s: %ld differences from the host x87", names[op], bad[op]);
}
END_TEST
#endif

int main(void)
{
    Suite *s = suite_create("fpu");
    TCase *t = testlib_tcase(s, "arith", 120, (const TTest *const[]){ NULL });
    fpu_add_golden_tests(t);
    tcase_add_test(t, test_conversions);
    tcase_add_test(t, test_classes_and_nans);
#if defined(__x86_64__) || defined(__i386__)
    tcase_add_test(t, test_host_differential);
#endif
    fpu_add_insn_tests(s);
    return testlib_run_suite(s);
}
