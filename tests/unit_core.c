/*
 * unit_core.c - Check unit tests of the machine foundation: memory map (RAM,
 * ROM, MMIO, A20), port bus (ranges, splitting, open bus), virtual clock,
 * state tables, the decoder on known encodings, and small CPU programs run
 * from RAM (flags, self-modifying code, exceptions in real mode, two machines
 * in one process).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/insn.h"
#include "cpu/sem.h"
#include "machine/machine.h"
#include "tests/testlib.h"


/* ---- memory map ---- */

struct mmio_dev {
    uint32_t last_off, last_val;
    int last_size, reads, writes;
};

static uint32_t mmio_read(void *o, uint32_t off, int size)
{
    struct mmio_dev *d = o;
    d->reads++;
    d->last_off = off;
    d->last_size = size;
    return 0xA0 + off;
}

static void mmio_write(void *o, uint32_t off, uint32_t val, int size)
{
    struct mmio_dev *d = o;
    d->writes++;
    d->last_off = off;
    d->last_val = val;
    d->last_size = size;
}

static const struct io_ops mmio_ops8 = { mmio_read, mmio_write, IO_SIZE8 };

START_TEST(test_memmap_ram_rom_mmio)
{
    struct memmap m;
    ck_assert_int_eq(memmap_init(&m, 2 << 20), 0);
    memmap_write(&m, 0x1234, 0xDEADBEEF, 4);
    ck_assert_uint_eq(memmap_read(&m, 0x1234, 4), 0xDEADBEEF);
    ck_assert_uint_eq(memmap_read(&m, 0x1235, 2), 0xADBE);
    uint8_t rom[4096];
    memset(rom, 0x5A, sizeof(rom));
    ck_assert_int_eq(memmap_add_rom(&m, 0xF0000, 4096, rom, "rom", 1), 0);
    memmap_write(&m, 0xF0010, 0x11, 1); /* ignored */
    ck_assert_uint_eq(memmap_read(&m, 0xF0010, 1), 0x5A);
    ck_assert_ptr_null(memmap_ram_page(&m, 0xF0000));
    ck_assert_ptr_nonnull(memmap_read_page(&m, 0xF0000));
    struct mmio_dev d = { 0 };
    ck_assert_int_eq(memmap_add_mmio(&m, 0x100000, 0x1000, &mmio_ops8, &d, "dev", 1), 0);
    ck_assert_uint_eq(memmap_read(&m, 0x100002, 2), 0xA3A2); /* split into two byte reads */
    ck_assert_int_eq(d.reads, 2);
    memmap_write(&m, 0x100008, 0x1122, 2);
    ck_assert_int_eq(d.writes, 2);
    ck_assert_uint_eq(d.last_off, 9);
    ck_assert_uint_eq(d.last_val, 0x11);
    /* beyond RAM: open bus */
    ck_assert_uint_eq(memmap_read(&m, 0x40000000, 4), 0xFFFFFFFFu);
    memmap_free(&m);
}
END_TEST

START_TEST(test_memmap_a20)
{
    struct memmap m;
    ck_assert_int_eq(memmap_init(&m, 2 << 20), 0);
    memmap_write(&m, 0x100000, 0x77, 1);
    memmap_write(&m, 0x000000, 0x11, 1);
    ck_assert_uint_eq(memmap_read(&m, 0x100000, 1), 0x77);
    memmap_set_a20(&m, false);
    ck_assert(!memmap_a20(&m));
    ck_assert_uint_eq(memmap_read(&m, 0x100000, 1), 0x11); /* wraps to 0 */
    memmap_set_a20(&m, true);
    ck_assert_uint_eq(memmap_read(&m, 0x100000, 1), 0x77);
    memmap_free(&m);
}
END_TEST

/* ---- port bus ---- */

static const struct io_ops port_ops8 = { mmio_read, mmio_write, IO_SIZE8 };

START_TEST(test_portbus)
{
    struct portbus b;
    struct mmio_dev d = { 0 };
    portbus_init(&b);
    ck_assert_int_eq(portbus_register(&b, 0x40, 4, &port_ops8, &d, "pit"), 0);
    ck_assert_int_eq(portbus_register(&b, 0x42, 1, &port_ops8, &d, "clash"), -1);
    ck_assert_uint_eq(portbus_in(&b, 0x41, 1), 0xA1);
    ck_assert_uint_eq(portbus_in(&b, 0x40, 2), 0xA1A0);
    ck_assert_uint_eq(portbus_in(&b, 0x1234, 1), 0xFF);
    ck_assert_uint_eq(portbus_in(&b, 0x1234, 4), 0xFFFFFFFFu);
    portbus_out(&b, 0x42, 0xBBAA, 2);
    ck_assert_int_eq(d.writes, 2);
    ck_assert_uint_eq(d.last_off, 3);
    ck_assert_uint_eq(d.last_val, 0xBB);
    ck_assert_str_eq(portbus_name(&b, 0x43), "pit");
    ck_assert_str_eq(portbus_name(&b, 0x44), "unassigned");
}
END_TEST

/* ---- clock ---- */

struct tick {
    int fired;
    uint64_t at[4];
};

static void on_tick(void *o, uint64_t now)
{
    struct tick *t = o;
    if (t->fired < 4)
        t->at[t->fired] = now;
    t->fired++;
}

START_TEST(test_clock_order)
{
    struct vclock k;
    struct tick a = { 0 }, b = { 0 };
    clock_init(&k, 1);
    int ia = clock_add_event(&k, "a", on_tick, &a);
    int ib = clock_add_event(&k, "b", on_tick, &b);
    clock_schedule(&k, ia, 500);
    clock_schedule(&k, ib, 200);
    ck_assert_uint_eq(clock_next_deadline(&k), 200);
    clock_advance(&k, 100);
    ck_assert_int_eq(a.fired + b.fired, 0);
    clock_advance(&k, 600);
    ck_assert_int_eq(a.fired, 1);
    ck_assert_int_eq(b.fired, 1);
    ck_assert_uint_eq(b.at[0], 200);
    ck_assert_uint_eq(clock_next_deadline(&k), CLOCK_NEVER);
}
END_TEST

/* ---- state tables ---- */

struct sample {
    uint8_t a;
    uint16_t b[3];
    uint32_t c;
    uint64_t d;
};
static const struct state_field sample_fields[] = {
    STATE_FIELD(struct sample, a, ST_U8), STATE_ARRAY(struct sample, b, ST_U16, 3),
    STATE_FIELD(struct sample, c, ST_U32), STATE_FIELD(struct sample, d, ST_U64), STATE_END
};
static const struct state_table sample_table = { "sample", 1, sample_fields };

START_TEST(test_state_roundtrip)
{
    struct sample s = { 7, { 1, 2, 3 }, 0xCAFEBABE, 0x0123456789ABCDEFull }, t;
    memset(&t, 0, sizeof(t));
    ck_assert_uint_eq(state_size(&sample_table), 1 + 6 + 4 + 8);
    uint8_t buf[64];
    state_save(&sample_table, &s, buf);
    ck_assert_int_eq(state_diff(NULL, &sample_table, &s, &t), 6);
    state_load(&sample_table, &t, buf);
    ck_assert_int_eq(state_diff(NULL, &sample_table, &s, &t), 0);
    ck_assert_uint_eq(t.d, 0x0123456789ABCDEFull);
}
END_TEST

/* ---- decoder ---- */

START_TEST(test_decoder_lengths)
{
    struct insn i;
    static const struct {
        const char *bytes;
        unsigned n;
        int code32;
        int len;
    } cases[] = {
        { "\x90", 1, 0, 1 },
        { "\x66\xB8\x01\x02\x03\x04", 6, 0, 6 },          /* mov eax, imm32 in 16-bit code */
        { "\x8B\x84\x88\x00\x01\x00\x00", 7, 1, 7 },      /* mov eax,[eax+ecx*4+0x100] */
        { "\x67\x8B\x47\x10", 4, 1, 4 },                  /* mov eax,[bx+0x10] */
        { "\x0F\xC7\x0E", 3, 1, 2 + 1 },                  /* cmpxchg8b [esi] */
        { "\xC8\x10\x00\x01", 4, 0, 4 },                  /* enter 16,1 */
        { "\xEA\x00\x00\x00\xF0\x08\x00", 7, 1, 7 },      /* jmp far 8:f0000000 */
        { "\xF3\xA5", 2, 1, 2 },                          /* rep movsd */
    };
    for (unsigned k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        int r = decode_buf(&i, cases[k].code32, CPU_PPRO, (const uint8_t *)cases[k].bytes, cases[k].n);
        ck_assert_msg(r == cases[k].len, "case %u: got %d", k, r);
    }
    ck_assert_int_eq(decode_buf(&i, 1, CPU_PPRO, (const uint8_t *)"\x0F\x0B", 2), DEC_UD);      /* ud2 */
    ck_assert_int_eq(decode_buf(&i, 1, CPU_PPRO, (const uint8_t *)"\xF0\x90", 2), DEC_UD);      /* lock nop */
    ck_assert_int_eq(decode_buf(&i, 1, CPU_386, (const uint8_t *)"\x0F\x40\xC0", 3), DEC_UD);   /* cmov on 386 */
    ck_assert_int_eq(decode_buf(&i, 1, CPU_PPRO, (const uint8_t *)"\x0F\x40\xC0", 3), 3);
    static const uint8_t longp[16] = { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                       0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x90 };
    ck_assert_int_eq(decode_buf(&i, 1, CPU_PPRO, longp, 16), DEC_TOOLONG);
    /* 8086: 0F is POP CS and C0 aliases C2 */
    ck_assert_int_eq(decode_buf(&i, 0, CPU_8086, (const uint8_t *)"\x0F", 1), 1);
    ck_assert_str_eq(i.row->mnem, "pop cs");
    ck_assert_int_eq(decode_buf(&i, 0, CPU_8086, (const uint8_t *)"\xC0\x04\x00", 3), 3);
    ck_assert_str_eq(i.row->mnem, "ret");
}
END_TEST

/* ---- CPU programs in RAM ---- */

START_TEST(test_cpu_add_flags)
{
    struct machine *m = testlib_cpu_machine("pentium-pro");
    static const uint8_t code[] = { 0xB8, 0xFF, 0x7F, /* mov ax,0x7fff */
                                    0x05, 0x01, 0x00, /* add ax,1 */
                                    0xF4 };
    testlib_run_real(m, code, sizeof(code));
    uint32_t f = cpu_get_eflags(&m->cpu);
    ck_assert_uint_eq(m->cpu.r[R_EAX] & 0xFFFF, 0x8000);
    ck_assert(f & F_OF);
    ck_assert(f & F_SF);
    ck_assert(!(f & F_CF));
    ck_assert(!(f & F_ZF));
    ck_assert(f & F_AF);
    machine_destroy(m);
}
END_TEST

START_TEST(test_cpu_self_modifying)
{
    struct machine *m = testlib_cpu_machine("pentium-pro");
    /* mov byte [0x108], 0x42 ; then the next instruction (mov al, imm8 at 0x107)
     * must see its modified immediate */
    static const uint8_t code[] = { 0xC6, 0x06, 0x08, 0x01, 0x42, /* mov byte [0x108],0x42 */
                                    0x90, 0x90,                   /* 0x105 */
                                    0xB0, 0x00,                   /* 0x107: mov al, 0 */
                                    0xF4 };
    testlib_run_real(m, code, sizeof(code));
    ck_assert_uint_eq(m->cpu.r[R_EAX] & 0xFF, 0x42);
    ck_assert_uint_ge(m->cpu.stats.smc_flushes, 1);
    machine_destroy(m);
}
END_TEST

START_TEST(test_cpu_divide_error_real_mode)
{
    /* DIV by zero through the IVT: 286+ push the faulting IP, the 8086 the next */
    static const uint8_t code[] = { 0x31, 0xDB, /* xor bx,bx */
                                    0xF7, 0xF3, /* 0x102: div bx */
                                    0xF4 };
    const char *models[] = { "8086", "pentium-pro" };
    for (int k = 0; k < 2; k++) {
        struct machine *m = testlib_cpu_machine(models[k]);
        /* vector 0 -> 0000:0200, which does pop ax (saved IP) ; hlt */
        testlib_set_vector(m, 0, 0x200);
        m->mem.ram[0x200] = 0x58;
        m->mem.ram[0x201] = 0xF4;
        testlib_run_real(m, code, sizeof(code));
        ck_assert_uint_eq(m->cpu.r[R_EAX] & 0xFFFF, k == 0 ? 0x104 : 0x102);
        machine_destroy(m);
    }
}
END_TEST

START_TEST(test_two_machines)
{
    struct machine *a = testlib_cpu_machine("386"), *b = testlib_cpu_machine("486");
    static const uint8_t code1[] = { 0xB8, 0x11, 0x11, 0xF4 };
    static const uint8_t code2[] = { 0xB8, 0x22, 0x22, 0xF4 };
    testlib_run_real(a, code1, sizeof(code1));
    testlib_run_real(b, code2, sizeof(code2));
    ck_assert_uint_eq(a->cpu.r[R_EAX] & 0xFFFF, 0x1111);
    ck_assert_uint_eq(b->cpu.r[R_EAX] & 0xFFFF, 0x2222);
    ck_assert_int_gt(state_diff(NULL, &cpu_state, &a->cpu, &b->cpu), 0);
    machine_destroy(a);
    machine_destroy(b);
}
END_TEST

START_TEST(test_cpuid_models)
{
    static const uint8_t code[] = { 0x66, 0x31, 0xC0, 0x40, /* xor eax,eax ; inc ax */
                                    0x0F, 0xA2, 0xF4 };     /* cpuid ; hlt */
    struct machine *m = testlib_cpu_machine("pentium-pro");
    testlib_run_real(m, code, sizeof(code));
    ck_assert_uint_eq(m->cpu.r[R_EAX] >> 8 & 0xF, 6);
    ck_assert(m->cpu.r[R_EDX] & (1u << 15)); /* CMOV */
    machine_destroy(m);
    m = testlib_cpu_machine("386");
    /* no CPUID on the 386: #UD through vector 6 -> 0:0300 hlt */
    testlib_set_vector(m, 6, 0x300);
    m->mem.ram[0x300] = 0xF4;
    testlib_run_real(m, code, sizeof(code));
    ck_assert_uint_eq(m->cpu.eip, 0x301);
    machine_destroy(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core");
    testlib_tcase(s, "machine", 0,
                  (const TTest *const[]){ test_memmap_ram_rom_mmio, test_memmap_a20, test_portbus, test_clock_order,
                                          test_state_roundtrip, NULL });
    testlib_tcase(s, "cpu", 0,
                  (const TTest *const[]){ test_decoder_lengths, test_cpu_add_flags, test_cpu_self_modifying,
                                          test_cpu_divide_error_real_mode, test_two_machines, test_cpuid_models,
                                          NULL });
    return testlib_run_suite(s);
}
