/*
 * exec.c - the execution loop: reset, the fault/interrupt dispatcher, the
 * interrupt window and single-step/breakpoint handling around each
 * instruction.  Instructions run from decoded blocks (block.c).
 *
 * Faults: cpu_raise records the exception and longjmps back to cpu_run, which
 * restores EIP and ESP of the faulting instruction and delivers it (with the
 * double-fault and triple-fault rules of SDM Vol. 3 section 6.15, table 6-5).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/block.h"
#include "cpu/cpu.h"
#include "cpu/insn.h"
#include "cpu/sem.h"
#include "cpu/trace.h"
#include "machine/memmap.h"

static void cpu_a20_changed(void *opaque)
{
    cpu_tlb_flush(opaque, true);
}

int cpu_init(struct cpu *c, const struct cpu_model *model, struct memmap *mem, struct portbus *io)
{
    memset(c, 0, sizeof(*c));
    c->model = model;
    c->mem = mem;
    c->io = io;
    c->fastmem = model->gen != CPU_8086;
    if (block_cache_init(c))
        return -1;
    mem->code_write_hook = block_cache_invalidate_page;
    mem->code_write_opaque = c;
    mem->a20_hook = cpu_a20_changed;
    mem->a20_opaque = c;
    cpu_reset(c);
    return 0;
}

void cpu_free(struct cpu *c)
{
    block_cache_free(c);
}

static void seg_reset(struct seg *s, uint16_t sel, uint32_t base, uint16_t attr)
{
    s->sel = sel;
    s->base = base;
    s->limit = 0xFFFF;
    s->attr = attr;
}

void cpu_reset(struct cpu *c)
{
    const struct cpu_model *m = c->model;
    memset(c->r, 0, sizeof(c->r));
    for (int k = 0; k < SEG_COUNT; k++)
        seg_reset(&c->seg[k], 0, 0, 0x93);
    seg_reset(&c->seg[SEG_LDTR], 0, 0, 0x82);
    seg_reset(&c->seg[SEG_TR], 0, 0, 0x8B);
    if (m->gen == CPU_8086) {
        seg_reset(&c->seg[SEG_CS], 0xFFFF, 0xFFFF0, 0x9B);
        c->eip = 0;
    } else {
        /* 286: CS base 0xFF0000 on its 24-bit bus; 386+: 0xFFFF0000 */
        seg_reset(&c->seg[SEG_CS], 0xF000, m->gen == CPU_286 ? 0xFF0000 : 0xFFFF0000u, 0x9B);
        c->eip = 0xFFF0;
    }
    c->eflags = m->eflags_fixed1;
    c->lf.op = CC_NONE;
    c->gdtr.base = c->idtr.base = 0;
    c->gdtr.limit = c->idtr.limit = 0xFFFF;
    c->cr0 = m->gen >= CPU_486 ? (CR0_CD | CR0_NW | CR0_ET) : m->gen == CPU_386 ? CR0_ET : 0;
    if (m->gen == CPU_286)
        c->cr0 = 0xFFF0; /* MSW reserved bits read as 1 */
    c->cr2 = c->cr3 = c->cr4 = 0;
    memset(c->dr, 0, sizeof(c->dr));
    c->dr[6] = 0xFFFF0FF0u;
    cpu_write_dr7(c, 0x400); /* also drops the guest's watched pages */
    c->r[R_EDX] = m->cpuid_family_model_stepping ? m->cpuid_family_model_stepping
                                                : (m->gen == CPU_386 ? 0x0303 : 0);
    memset(&c->msr, 0, sizeof(c->msr));
    fpu_power_on(&c->fpu);
    c->msr.apic_base = 0xFEE00900u;
    c->cpl = 0;
    c->halted = 0;
    c->nmi_pending = 0;
    c->inhibit_irq = 0;
    c->shutdown = 0;
    c->fault_depth = 0;
    c->delivering = -1;
    c->code32 = c->stack32 = 0;
    cpu_tlb_flush(c, true);
    block_cache_flush_all(c);
}

void cpu_warn_once(struct cpu *c, int id, const char *fmt, ...)
{
    if (id < 0 || id >= (int)sizeof(c->warned) || c->warned[id])
        return;
    c->warned[id] = 1;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tarsier: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (reported once)\n");
    va_end(ap);
}

void cpu_set_intr(struct cpu *c, int level)
{
    c->intr_line = (uint8_t)(level != 0);
    if (level)
        c->stop_block = 1;
}

void cpu_raise_nmi(struct cpu *c)
{
    c->nmi_pending = 1;
    c->stop_block = 1;
}

static int exc_has_error_code(int vec)
{
    return vec == EX_DF || (vec >= EX_TS && vec <= EX_PF) || vec == EX_AC;
}

_Noreturn void cpu_raise(struct cpu *c, int vec, uint32_t err)
{
    c->exc_vec = (uint8_t)vec;
    c->exc_err = err;
    longjmp(*c->fault_jmp, 1);
}

_Noreturn void cpu_raise_noerr(struct cpu *c, int vec)
{
    cpu_raise(c, vec, 0);
}

static int exc_class(int vec)
{
    if (vec == EX_DE || (vec >= EX_TS && vec <= EX_GP))
        return 1; /* contributory */
    if (vec == EX_PF)
        return 2;
    return 0;     /* benign */
}

/* Deliver c->exc_vec after a fault unwound to cpu_run. */
static void handle_fault(struct cpu *c)
{
    int vec = c->exc_vec;
    uint32_t err = c->exc_err;
    c->eip = c->eip_start;
    c->r[R_ESP] = c->esp_start;
    c->stop_block = 1;
    if (c->delivering >= 0) {
        int prev = c->delivering;
        if (prev == EX_DF) {
            trace_int(c, vec, "triple fault (exception %d while delivering #DF): shutdown", vec);
            c->shutdown = 1;
            c->delivering = -1;
            return;
        }
        int p = exc_class(prev), n = exc_class(vec);
        if ((p == 1 && n == 1) || (p == 2 && n != 0)) {
            vec = EX_DF;
            err = 0;
        }
    }
    if (c->model->gen == CPU_8086 && vec > EX_BR && vec != EX_NMI) {
        /* the 8086 raises none of these; reaching here is an emulator bug */
        cpu_warn_once(c, 0, "8086 model raised exception %d", vec);
    }
    trace_int(c, vec, "exception %d err=%x at %04x:%08x", vec, err, c->seg[SEG_CS].sel, c->eip);
    c->last_exc_valid = 1; /* for the monitor's info last-fault */
    c->last_exc_vec = (uint8_t)vec;
    c->last_exc_err = err;
    c->last_exc_cs = c->seg[SEG_CS].sel;
    c->last_exc_eip = c->eip;
    c->last_exc_cr2 = c->cr2;
    c->last_exc_icount = c->icount;
    c->delivering = vec;
    cpu_interrupt(c, vec, INT_EXC, exc_has_error_code(vec), err);
    c->delivering = -1;
}

/* Interrupts and NMI at an instruction boundary.  Returns 1 if one was delivered. */
static int check_interrupts(struct cpu *c)
{
    if (c->inhibit_irq) {
        c->inhibit_irq = 0;
        return 0;
    }
    if (c->nmi_pending && !c->nmi_blocked) {
        c->nmi_pending = 0;
        c->nmi_blocked = 1;
        c->halted = 0;
        c->eip_start = c->eip;
        c->esp_start = c->r[R_ESP];
        c->stats.hw_interrupts++;
        cpu_interrupt(c, EX_NMI, INT_HW, false, 0);
        return 1;
    }
    if (c->intr_line && (c->eflags & F_IF) && c->intr.ack) {
        c->halted = 0;
        int vec = c->intr.ack(c->intr.opaque);
        if (vec < 0)
            return 0;
        c->eip_start = c->eip;
        c->esp_start = c->r[R_ESP];
        trace_int(c, vec, "interrupt vector %02x", vec);
        c->stats.hw_interrupts++;
        cpu_interrupt(c, vec, INT_HW, false, 0);
        return 1;
    }
    return 0;
}

/* Debug-register instruction breakpoints (SDM 17.3.1.1): fault before execution. */
static void check_insn_breakpoints(struct cpu *c)
{
    if (c->eflags & F_RF)
        return;
    uint32_t lin = c->seg[SEG_CS].base + c->eip;
    uint32_t hit = 0;
    for (int k = 0; k < 4; k++) {
        uint32_t en = (c->dr[7] >> (k * 2)) & 3;
        uint32_t rw = (c->dr[7] >> (16 + k * 4)) & 3;
        if (en && rw == 0 && c->dr[k] == lin)
            hit |= 1u << k;
    }
    if (hit) {
        c->dr[6] = (c->dr[6] & ~0xFu) | hit;
        c->eip_start = c->eip;
        c->esp_start = c->r[R_ESP];
        cpu_raise(c, EX_DB, 0);
    }
}

/* Execute one instruction with single-step, breakpoint and RF handling. */
static void step_slow(struct cpu *c)
{
    int tf = !!(c->eflags & F_TF);
    if (c->dbg_insn && c->dbg_insn_hook && c->dbg_insn_hook(c->dbg_opaque, c)) {
        c->dbg_stop = 1; /* a debugger breakpoint: stop before this instruction */
        return;
    }
    if (c->dr_active)
        check_insn_breakpoints(c);
    c->dr6_pending = 0;
    /* RF suppresses instruction breakpoints for one instruction; an IRET or
     * task switch executed now may set it again for the next one */
    c->eflags &= ~F_RF;
    c->suppress_tf = 0;
    block_exec_one(c);
    uint32_t bits = c->dr6_pending;
    if (tf && !c->suppress_tf)
        bits |= 0x4000; /* BS */
    c->suppress_tf = 0;
    if (bits) {
        c->dr[6] |= bits;
        c->eip_start = c->eip;
        c->esp_start = c->r[R_ESP];
        c->stop_block = 1;
        cpu_interrupt(c, EX_DB, INT_EXC, false, 0);
    }
}

static void run_loop(struct cpu *c, uint64_t limit)
{
    while (c->icount < limit && !c->shutdown && !c->dbg_stop) {
        if (c->stop_block || c->intr_line || c->nmi_pending || c->inhibit_irq) {
            c->stop_block = 0;
            if (c->inhibit_irq && (c->intr_line || c->nmi_pending) && !c->halted &&
                !((c->eflags & F_TF) || c->dr_active || c->single)) {
                /* the instruction in the STI / MOV SS shadow runs alone, and the
                 * pending interrupt is taken right after it: "sti; nop; cli"
                 * must let an interrupt in (SeaBIOS waits for IRQs that way) */
                c->inhibit_irq = 0;
                if (c->dbg_insn) {
                    step_slow(c);
                    if (c->dbg_stop) {
                        c->inhibit_irq = 1; /* stopped before it: the shadow still holds */
                        break;
                    }
                } else {
                    block_exec_one(c);
                }
                c->stop_block = 1;
                continue;
            }
            if (check_interrupts(c) && c->dbg_irq_stop) {
                c->dbg_stop = 1; /* a debugger step stops at the handler's entry */
                break;
            }
        }
        if (c->halted)
            return;
        if ((c->eflags & F_TF) || c->dr_active || c->single || c->dbg_slow) {
            c->dbg_slow = 0;
            step_slow(c);
        } else {
            block_run(c, limit);
        }
        if (c->single)
            return;
    }
}

uint64_t cpu_run(struct cpu *c, uint64_t limit)
{
    jmp_buf jb;
    jmp_buf *saved = c->fault_jmp;
    uint64_t start = c->icount;
    c->fault_jmp = &jb;
    if (setjmp(jb)) {
        handle_fault(c);
        if (c->single) {
            c->fault_jmp = saved;
            return c->icount - start;
        }
    }
    run_loop(c, limit);
    c->fault_jmp = saved;
    return c->icount - start;
}

void cpu_step(struct cpu *c)
{
    c->single = 1;
    cpu_run(c, c->icount + 1);
    c->single = 0;
}
