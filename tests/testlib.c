/*
 * testlib.c - the Check unit tests' shared helpers (see testlib.h).
 */
#include "tests/testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/insn.h"

/* ---- machines ---- */

struct machine *testlib_create(const struct machine_config *cfg)
{
    char err[256];
    struct machine *m = machine_create(cfg, err, sizeof(err));
    if (!m) {
        /* abort, not ck_assert: also used outside a test (unit_fpu_exc -n) */
        fprintf(stderr, "machine_create: %s\n", err);
        abort();
    }
    return m;
}

struct machine *testlib_cpu_machine(const char *model)
{
    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.cpu_model = model;
    cfg.ram_mb = 2;
    return testlib_create(&cfg);
}

void testlib_board_config(struct machine_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->ram_mb = 16;
    cfg->no_rom = true;
}

struct machine *testlib_board(void)
{
    struct machine_config cfg;
    testlib_board_config(&cfg);
    return testlib_create(&cfg);
}

/* ---- virtual time ---- */

void testlib_advance_to(struct machine *m, uint64_t t)
{
    uint64_t n = (t + m->clock.ns_per_insn - 1) / m->clock.ns_per_insn; /* first count reaching t */
    if (n > m->cpu.icount)
        m->cpu.icount = n;
    machine_sync_clock(m);
}

void testlib_advance(struct machine *m, uint64_t ns)
{
    m->cpu.icount += (ns + m->clock.ns_per_insn - 1) / m->clock.ns_per_insn;
    machine_sync_clock(m);
}

/* ---- guest RAM ---- */

uint16_t testlib_ram16(const struct machine *m, uint32_t a)
{
    return (uint16_t)(m->mem.ram[a] | m->mem.ram[a + 1] << 8);
}

uint64_t testlib_ram64(const struct machine *m, uint32_t a)
{
    uint64_t v = 0;
    for (int k = 7; k >= 0; k--)
        v = v << 8 | m->mem.ram[a + (uint32_t)k];
    return v;
}

void testlib_put_ram64(struct machine *m, uint32_t a, uint64_t v)
{
    for (int k = 0; k < 8; k++)
        m->mem.ram[a + (uint32_t)k] = (uint8_t)(v >> (8 * k));
}

/* ---- running code ---- */

void testlib_put_code(struct machine *m, uint32_t addr, const uint8_t *code, size_t n)
{
    memcpy(m->mem.ram + addr, code, n);
    block_cache_flush_all(&m->cpu);
}

void testlib_real_mode(struct cpu *c)
{
    cpu_load_seg_real(c, SEG_CS, 0);
    cpu_load_seg_real(c, SEG_SS, 0);
    cpu_load_seg_real(c, SEG_DS, 0);
    cpu_load_seg_real(c, SEG_ES, 0);
}

bool testlib_run_for(struct machine *m, uint32_t eip, uint64_t budget)
{
    struct cpu *c = &m->cpu;
    c->r[R_ESP] = 0x8000;
    c->eip = eip;
    c->halted = 0;
    for (uint64_t k = 0; k < budget / 1000 + 1 && !c->halted; k++)
        cpu_run(c, c->icount + 1000);
    return c->halted;
}

void testlib_run_at(struct machine *m, uint32_t eip)
{
    ck_assert_msg(testlib_run_for(m, eip, 10000000), "no HLT: EIP %x", (unsigned)m->cpu.eip);
}

void testlib_run_real(struct machine *m, const uint8_t *code, size_t n)
{
    testlib_put_code(m, 0x100, code, n);
    testlib_real_mode(&m->cpu);
    testlib_run_at(m, 0x100);
}

void testlib_set_vector(struct machine *m, int v, uint16_t off)
{
    uint8_t *e = m->mem.ram + 4 * v;
    e[0] = (uint8_t)off;
    e[1] = (uint8_t)(off >> 8);
    e[2] = e[3] = 0;
}

void testlib_fault_stubs(struct machine *m, uint32_t base)
{
    for (int v = 0; v < 32; v++) {
        uint32_t h = base + 4 * (uint32_t)v;
        testlib_set_vector(m, v, (uint16_t)h);
        m->mem.ram[h] = 0x58; /* pop ax */
        m->mem.ram[h + 1] = 0xF4;
    }
    block_cache_flush_all(&m->cpu);
}

int testlib_stub_vector(const struct cpu *c, uint32_t base)
{
    if (c->eip >= base + 2 && c->eip < base + 4 * 32 && (c->eip - base) % 4 == 2)
        return (int)(c->eip - base - 2) / 4;
    return 0xFF;
}

void testlib_paged_pm16(struct machine *m, uint32_t base)
{
    struct cpu *c = &m->cpu;
    uint8_t *ram = m->mem.ram;
    static const uint8_t gdt[24] = { 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0x9B, 0, 0,
                                     0xFF, 0xFF, 0, 0, 0, 0x93, 0, 0 };
    memcpy(ram + 0x20000, gdt, sizeof(gdt));
    testlib_fault_stubs(m, base);
    for (unsigned v = 0; v < 32; v++) {
        uint32_t h = base + 4 * v;
        const uint8_t gate[8] = { (uint8_t)h, (uint8_t)(h >> 8), 0x08, 0, 0, 0x86, 0, 0 }; /* 286 int gate */
        memcpy(ram + 0x21000 + 8 * v, gate, 8);
    }
    for (uint32_t k = 0; k < 1024; k++) {
        uint32_t pte = k == 0xF ? 0 : k << 12 | 7;
        memcpy(ram + 0x23000 + 4 * k, &pte, 4);
    }
    uint32_t pde = 0x23000 | 7;
    memcpy(ram + 0x22000, &pde, 4);
    c->gdtr.base = 0x20000;
    c->gdtr.limit = 23;
    c->idtr.base = 0x21000;
    c->idtr.limit = 32 * 8 - 1;
    cpu_write_cr3(c, 0x22000);
    cpu_write_cr0(c, c->cr0 | CR0_PE | CR0_PG);
    c->seg[SEG_CS].sel = 0x08;
    c->seg[SEG_CS].base = 0;
    c->seg[SEG_CS].limit = 0xFFFF;
    c->seg[SEG_CS].attr = 0x9B;
    cpu_load_seg(c, SEG_DS, 0x10);
    cpu_load_seg(c, SEG_ES, 0x10);
    cpu_load_seg(c, SEG_SS, 0x10);
    cpu_update_mode(c);
}

/* ---- the runner ---- */

TCase *testlib_tcase(Suite *s, const char *name, double timeout, const TTest *const *tests)
{
    TCase *t = tcase_create(name);
    if (timeout > 0)
        tcase_set_timeout(t, timeout);
    for (; *tests; tests++)
        tcase_add_test(t, *tests);
    suite_add_tcase(s, t);
    return t;
}

int testlib_run_suite(Suite *s)
{
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

int testlib_main(const char *suite, const char *tcase, double timeout, const TTest *const *tests)
{
    Suite *s = suite_create(suite);
    testlib_tcase(s, tcase, timeout, tests);
    return testlib_run_suite(s);
}
