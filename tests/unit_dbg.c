/*
 * unit_dbg.c - the CPU's debugger interface (cpu_set_dbg_breakpoints,
 * cpu_set_dbg_watch) on code that already sits in the decoded-block cache
 * and pages already in the TLB: a breakpoint in the middle of a cached block
 * stops exactly before its instruction; a watchpoint set after the page was
 * cached stops after the write; pages without watchpoints keep the fast path;
 * the guest's own DR0-3 data breakpoints follow the same rule.
 */
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

struct hits {
    uint32_t bp;         /* the breakpoint address */
    int insn_calls;      /* how often the CPU asked about an instruction */
    uint32_t wlo, whi;   /* the watched range, filtered here as the stub does */
    int data_calls;      /* accesses the CPU reported (all on watched pages) */
    int data_hits;       /* accesses inside the range */
    int other_page;      /* reports from pages without a watchpoint */
    uint32_t last_lin;
    int last_write;
};

static int insn_hook(void *opaque, struct cpu *c)
{
    struct hits *h = opaque;
    h->insn_calls++;
    return c->seg[SEG_CS].base + c->eip == h->bp;
}

static void data_hook(void *opaque, struct cpu *c, uint32_t lin, int size, int write)
{
    struct hits *h = opaque;
    h->data_calls++;
    if ((lin >> 12) != (h->wlo >> 12))
        h->other_page++;
    if (lin + (uint32_t)size - 1 < h->wlo || lin > h->whi)
        return;
    h->data_hits++;
    h->last_lin = lin;
    h->last_write = write;
    c->dbg_stop = 1;
    c->stop_block = 1;
}

static void attach(struct cpu *c, struct hits *h)
{
    memset(h, 0, sizeof(*h));
    c->dbg_opaque = h;
    c->dbg_insn_hook = insn_hook;
    c->dbg_data_hook = data_hook;
}

/* Run until HLT or a debugger stop; true when the debugger stopped it. */
static bool run(struct cpu *c)
{
    for (int k = 0; k < 1000 && !c->halted && !c->dbg_stop; k++)
        cpu_run(c, c->icount + 1000);
    ck_assert(c->halted || c->dbg_stop);
    bool stopped = c->dbg_stop;
    c->dbg_stop = 0;
    return stopped;
}

/* 0100: 10 x inc ax; hlt  (one straight-line block) */
static void put_incs(struct machine *m)
{
    uint8_t code[11];
    memset(code, 0x40, 10);
    code[10] = 0xF4;
    testlib_put_code(m, 0x100, code, sizeof(code));
    testlib_real_mode(&m->cpu);
}

START_TEST(test_breakpoint_mid_block)
{
    struct machine *m = testlib_cpu_machine("pentium2");
    struct cpu *c = &m->cpu;
    struct hits h;
    put_incs(m);
    c->r[R_EAX] = 0;
    testlib_run_at(m, 0x100); /* decodes and caches the block */
    ck_assert_uint_eq(c->r[R_EAX] & 0xFFFF, 10);

    attach(c, &h);
    h.bp = 0x105;
    uint32_t bp = h.bp;
    cpu_set_dbg_breakpoints(c, &bp, 1);
    c->r[R_EAX] = 0;
    c->eip = 0x100;
    c->halted = 0;
    ck_assert(run(c));
    ck_assert_uint_eq(c->eip, 0x105);
    ck_assert_uint_eq(c->r[R_EAX] & 0xFFFF, 5); /* the five INCs before it ran, not the sixth */

    /* a breakpoint elsewhere: the block runs whole, the hook is never asked */
    h.bp = bp = 0x2000;
    h.insn_calls = 0;
    cpu_set_dbg_breakpoints(c, &bp, 1);
    c->r[R_EAX] = 0;
    c->eip = 0x100;
    ck_assert(!run(c));
    ck_assert_uint_eq(c->r[R_EAX] & 0xFFFF, 10);
    ck_assert_int_eq(h.insn_calls, 0);

    cpu_set_dbg_breakpoints(c, NULL, 0);
    ck_assert_int_eq(c->dbg_insn, 0);
    machine_destroy(m);
}
END_TEST

/* 0100: mov [3000h], ax; mov [5000h], ax; mov [3002h], ax; hlt */
static const uint8_t stores[] = { 0xA3, 0x00, 0x30, 0xA3, 0x00, 0x50, 0xA3, 0x02, 0x30, 0xF4 };

static const struct tlb_entry *tlb_of(const struct cpu *c, uint32_t lin)
{
    return &c->tlb[0][(lin >> 12) & (TLB_SIZE - 1)];
}

START_TEST(test_watchpoint_after_caching)
{
    struct machine *m = testlib_cpu_machine("pentium2");
    struct cpu *c = &m->cpu;
    struct hits h;
    testlib_put_code(m, 0x100, stores, sizeof(stores));
    testlib_real_mode(c);
    testlib_run_at(m, 0x100); /* pages 3 and 5 are now in the TLB with fast pointers */
    ck_assert_uint_eq(tlb_of(c, 0x3000)->wtag, ~3u);
    ck_assert_uint_eq(tlb_of(c, 0x5000)->wtag, ~5u);

    attach(c, &h);
    struct cpu_watch w = { 0x3002, 0x3003 };
    h.wlo = w.first;
    h.whi = w.last;
    cpu_set_dbg_watch(c, &w, 1);
    c->r[R_EAX] = 0x1234;
    c->eip = 0x100;
    c->halted = 0;
    ck_assert(run(c));
    /* the first store (3000h) is outside the range: the stop is after the third */
    ck_assert_int_eq(h.data_hits, 1);
    ck_assert_uint_eq(h.last_lin, 0x3002);
    ck_assert_int_eq(h.last_write, 1);
    ck_assert_uint_eq(c->eip, 0x109);
    ck_assert_uint_eq(testlib_ram16(m, 0x3002), 0x1234);
    /* the second time round only page 3's stores reach the checked path: the
     * store to 5000h (checked once, as the TLB refilled after the flush that
     * setting the watchpoint caused) is back on the fast path */
    int calls = h.data_calls, other = h.other_page;
    ck_assert(!run(c));
    c->eip = 0x100;
    c->halted = 0;
    ck_assert(run(c));
    ck_assert_int_eq(h.data_hits, 2);
    ck_assert_int_eq(h.data_calls - calls, 2); /* 3000h and 3002h */
    ck_assert_int_eq(h.other_page, other);
    /* the watched page lost its fast pointer, the other kept it */
    ck_assert_uint_eq(tlb_of(c, 0x3000)->wtag, 0);
    ck_assert_uint_eq(tlb_of(c, 0x5000)->wtag, ~5u);

    cpu_set_dbg_watch(c, NULL, 0);
    ck_assert_int_eq(c->nwatch, 0);
    calls = h.data_calls;
    c->eip = 0x100;
    c->halted = 0;
    ck_assert(!run(c));
    ck_assert_int_eq(h.data_calls, calls); /* nothing reported any more */
    machine_destroy(m);
}
END_TEST

/* The guest's DR0 write breakpoint on a page that was cached: #DB after the
 * store, through the real-mode IVT (vector 1 -> a stub that halts). */
START_TEST(test_guest_data_breakpoint_page)
{
    struct machine *m = testlib_cpu_machine("pentium2");
    struct cpu *c = &m->cpu;
    testlib_put_code(m, 0x100, stores, sizeof(stores));
    testlib_real_mode(c);
    testlib_run_at(m, 0x100);
    testlib_fault_stubs(m, 0x600);
    cpu_write_dr(c, 0, 0x5000);
    cpu_write_dr7(c, 0x000D0001); /* L0, RW0 = 01 (writes), LEN0 = 11 (4 bytes) */
    ck_assert_uint_eq(tlb_of(c, 0x3000)->wtag, 0); /* flushed; refilled on demand */
    testlib_run_at(m, 0x100);
    ck_assert_int_eq(testlib_stub_vector(c, 0x600), 1);
    ck_assert_uint_eq(c->r[R_EAX] & 0xFFFF, 0x106); /* the trap's IP: after the store to 5000h */
    ck_assert_uint_eq(c->dr[6] & 0xF, 1);
    ck_assert_uint_eq(tlb_of(c, 0x3000)->wtag, ~3u); /* unwatched page: fast again */
    ck_assert_uint_eq(tlb_of(c, 0x5000)->wtag, 0);
    machine_destroy(m);
}
END_TEST

int main(void)
{
    return testlib_main("dbg", "debugger", 0,
                        (const TTest *const[]){ test_breakpoint_mid_block, test_watchpoint_after_caching,
                                                test_guest_data_breakpoint_page, NULL });
}
