/*
 * cpu.h - the x86 CPU state and the interface of the CPU core.
 *
 * One struct cpu holds every architectural register of the modelled processor
 * (8086 through Pentium Pro), the descriptor caches, the lazy-flags record, the
 * TLB and the decoded-block cache.  The CPU reaches physical memory through the
 * machine's memory map (machine/memmap.h, a leaf service) and port I/O through
 * the port bus (machine/portbus.h); it never calls up into the board.
 *
 * Guest faults unwind to the execution loop with longjmp (cpu_raise); host
 * errors are return codes.
 */
#ifndef TARSIER_CPU_H
#define TARSIER_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/fpu.h"

struct memmap;
struct portbus;
struct insn;
struct cpu;
struct block_cache;
struct trace;

/* General registers, in ModR/M encoding order. */
enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };

/* Segment registers, in ModR/M sreg encoding order, then LDTR and TR. */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR, SEG_COUNT };
#define SEG_NONE 0xFF

/* EFLAGS bits. */
#define F_CF 0x00000001u
#define F_1 0x00000002u
#define F_PF 0x00000004u
#define F_AF 0x00000010u
#define F_ZF 0x00000040u
#define F_SF 0x00000080u
#define F_TF 0x00000100u
#define F_IF 0x00000200u
#define F_DF 0x00000400u
#define F_OF 0x00000800u
#define F_IOPL 0x00003000u
#define F_NT 0x00004000u
#define F_RF 0x00010000u
#define F_VM 0x00020000u
#define F_AC 0x00040000u
#define F_VIF 0x00080000u
#define F_VIP 0x00100000u
#define F_ID 0x00200000u
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

/* Control register bits. */
#define CR0_PE 0x00000001u
#define CR0_MP 0x00000002u
#define CR0_EM 0x00000004u
#define CR0_TS 0x00000008u
#define CR0_ET 0x00000010u
#define CR0_NE 0x00000020u
#define CR0_WP 0x00010000u
#define CR0_AM 0x00040000u
#define CR0_NW 0x20000000u
#define CR0_CD 0x40000000u
#define CR0_PG 0x80000000u

#define CR4_VME 0x0001u
#define CR4_PVI 0x0002u
#define CR4_TSD 0x0004u
#define CR4_DE 0x0008u
#define CR4_PSE 0x0010u
#define CR4_PAE 0x0020u
#define CR4_MCE 0x0040u
#define CR4_PGE 0x0080u
#define CR4_PCE 0x0100u
#define CR4_OSFXSR 0x0200u

/* Exception vectors. */
enum {
    EX_DE = 0, EX_DB = 1, EX_NMI = 2, EX_BP = 3, EX_OF = 4, EX_BR = 5, EX_UD = 6, EX_NM = 7,
    EX_DF = 8, EX_TS = 10, EX_NP = 11, EX_SS = 12, EX_GP = 13, EX_PF = 14, EX_MF = 16,
    EX_AC = 17, EX_MC = 18
};

/* Processor generations, oldest first; comparisons like model >= CPU_386 are meaningful. */
enum cpu_gen { CPU_8086, CPU_286, CPU_386, CPU_486, CPU_PENTIUM, CPU_PPRO };

struct cpu_model {
    const char *name;
    enum cpu_gen gen;
    uint32_t cpuid_family_model_stepping; /* CPUID.1 EAX; 0 = no CPUID */
    uint32_t cpuid_features_edx;          /* CPUID.1 EDX */
    uint32_t cr4_mask;                   /* CR4 bits that exist */
    uint32_t eflags_fixed1;               /* bits that always read as 1 */
    uint32_t eflags_writable;             /* bits software can change */
    uint8_t max_insn_len;                 /* 15 on 286+ (10 on 286), unlimited (0) on 8086 */
};

const struct cpu_model *cpu_model_find(const char *name);
const struct cpu_model *cpu_model_default(void);
/* Space-separated list of model names for usage messages. */
const char *cpu_model_names(void);

/* A segment register with its hidden descriptor cache. */
struct seg {
    uint16_t sel;
    uint32_t base;
    uint32_t limit;  /* byte-granular limit (G already applied) */
    uint16_t attr;   /* descriptor bytes 5 (type,S,DPL,P) and 6 high nibble (AVL,L,D/B,G) << 8 */
};
/* attr field helpers */
#define SA_TYPE(a) ((a) & 0x0F)
#define SA_S 0x0010u
#define SA_DPL(a) (((a) >> 5) & 3)
#define SA_P 0x0080u
#define SA_DB 0x4000u
#define SA_G 0x8000u

struct dtr {
    uint32_t base;
    uint16_t limit;
};

/* Lazy flags: the last flag-setting arithmetic op, evaluated on demand. */
enum cc_op {
    CC_NONE,        /* eflags holds the arithmetic flags */
    CC_ADD, CC_ADC, CC_SUB, CC_SBB, CC_LOGIC, CC_INC, CC_DEC,
    CC_FIXED,       /* SF ZF PF from res; CF OF AF given in a (shifts, multiply) */
};

struct lazy_flags {
    uint32_t res, a, b; /* result, first and second operand */
    uint8_t op;         /* enum cc_op */
    uint8_t size;       /* operand size in bytes */
    uint8_t carry_in;   /* CF before ADC/SBB, CF preserved by INC/DEC */
};

/* Translation lookaside buffer: direct mapped, one set for supervisor and one
 * for user accesses.  tag holds linear page | TLB_VALID; addend is
 * host pointer minus linear address for RAM pages (0 if not RAM). */
#define TLB_SIZE 256
#define TLB_READ 1u
#define TLB_WRITE 2u
struct tlb_entry {
    uint32_t rtag;      /* ~(linear page) when reads may use host directly, else 0 */
    uint32_t wtag;      /* ~(linear page) when writes may use host (RAM, writable, dirty), else 0 */
    uint8_t *host;      /* host pointer to the page for RAM (not code pages for writes) */
    const uint64_t *code; /* the page's decoded-code line bits (memmap.code_lines) when RAM */
    uint32_t lin_page;  /* linear address >> 12, valid if perm != 0 */
    uint32_t phys_page; /* physical address & ~0xFFF */
    uint8_t perm;       /* TLB_READ | TLB_WRITE allowed without a fault */
    uint8_t global;
};

/* Debug-register state for quick checks. */
struct cpu_stats {
    uint64_t insns;       /* instructions retired */
    uint64_t blocks_decoded;
    uint64_t smc_flushes;
    uint64_t hw_interrupts; /* external interrupts and NMIs delivered */
};

/* Per-MSR storage. */
struct cpu_msrs {
    uint64_t tsc_offset;  /* TSC = icount + tsc_offset */
    uint32_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t apic_base;
    uint64_t mtrr_cap, mtrr_def_type, mtrr_fixed[11], mtrr_var[16];
    uint64_t pat;
    uint64_t bios_sign_id, platform_id, misc_enable;
};

/* Callback interface through which the CPU asks the board for interrupts. */
struct cpu_intr_ops {
    void *opaque;
    int (*ack)(void *opaque);     /* return vector of the highest pending INTR */
    /* FERR# output of the x87 (CR0.NE=0, the PC-compatible path): level 1 when a
     * waiting FP instruction finds an unmasked exception pending, 0 when FNCLEX,
     * FNINIT, FNSAVE or FLDENV/FRSTOR clear it.  The board routes it to IRQ13 and
     * deasserts on a write to port F0h.  NULL: not wired (the FPU acts as if
     * IGNNE# were asserted).  See docs/x87.md. */
    void (*fpu_ferr)(void *opaque, int level);
};

/* The firmware trap: 0F 04 ib, honoured only when it executes from the
 * physical range [lo, hi) of the built-in BIOS ROM; elsewhere it is #UD.
 * call() runs service ib in C with full access to the CPU and returns
 * nonzero when the service must wait (the ROM stub then halts and retries). */
struct cpu_hle_ops {
    void *opaque;
    int (*call)(void *opaque, struct cpu *c, int service);
    uint32_t lo, hi;
};

#define CPU_MAX_DBG_BP 64
#define CPU_MAX_DBG_WATCH 32
struct cpu_watch { uint32_t first, last; };

struct cpu {
    /* architectural state (saved in snapshots through the state table) */
    uint32_t r[8];
    uint32_t eip;
    uint32_t eflags;           /* arithmetic bits valid only when lf.op == CC_NONE */
    struct seg seg[SEG_COUNT];
    struct dtr gdtr, idtr;
    uint32_t cr0, cr2, cr3, cr4;
    uint32_t dr[8];
    struct cpu_msrs msr;
    struct lazy_flags lf;
    struct fpu fpu;            /* x87 (cpu/fpu.h) */
    uint8_t cpl;
    uint8_t halted;
    uint8_t intr_line;         /* INTR pin level (driven by the PIC) */
    uint8_t nmi_pending;
    uint8_t inhibit_irq;       /* interrupt shadow after MOV SS / POP SS / STI */
    uint8_t a20;               /* mirror of the memory map's A20 state */
    uint64_t icount;           /* instructions retired since reset (drives virtual time) */

    /* configuration */
    const struct cpu_model *model;
    struct memmap *mem;
    struct portbus *io;
    struct cpu_intr_ops intr;
    struct cpu_hle_ops hle;

    /* execution-loop scratch (not architectural) */
    uint32_t eip_start;        /* EIP of the instruction being executed */
    uint32_t esp_start;        /* ESP before it (restored on a fault) */
    uint32_t exc_err;          /* exception being raised */
    uint8_t exc_vec;
    int8_t delivering;         /* exception being delivered, -1 none (double-fault rules) */
    uint8_t nmi_blocked;       /* NMI handler running (until IRET) */
    uint8_t suppress_tf;       /* no single-step trap after this instruction */
    uint8_t single;            /* cpu_step: one instruction at a time */
    uint32_t code_epoch;       /* bumped when mappings or the block arena change */
    uint8_t code32;            /* CS.D */
    uint8_t stack32;           /* SS.B */
    uint8_t fault_depth;       /* 0 none, 1 delivering, 2 double fault */
    uint8_t in_block_smc;      /* a store hit the code of the running block */
    uint8_t tf_pending;        /* single-step trap after this instruction */
    uint32_t dr6_pending;      /* DR6 bits for a pending #DB trap */
    uint8_t dr_active;         /* any enabled breakpoint in DR7 */
    uint8_t dr_data;           /* any enabled data breakpoint in DR7 */
    uint8_t stop_block;        /* end the current block after this instruction */
    uint8_t shutdown;          /* triple fault happened; board resets */
    uint64_t run_limit;        /* icount at which cpu_run returns */
    jmp_buf *fault_jmp;
    struct tlb_entry tlb[2][TLB_SIZE];  /* [user][index] */
    struct block_cache *bc;
    struct cpu_stats stats;
    struct trace *trace;       /* optional tracing sink, NULL when off */
    uint8_t warned[64];        /* one-time warnings about unimplemented behaviour */
    uint8_t fastmem;           /* the inline memory fast path applies (not on the 8086) */

    /* debugger hooks (frontend/gdbstub.c), kept apart from the guest's DR0-7.
     * Breakpoints (cpu_set_dbg_breakpoints) are checked once per decoded
     * block: a block whose bytes hold one runs through the slow path, which
     * asks dbg_insn_hook before each instruction (nonzero: stop before it);
     * dbg_insn != 0 while any exists.  Watchpoints (cpu_set_dbg_watch) and
     * the guest's data breakpoints cost nothing outside their linear pages:
     * the TLB gives watched pages no fast host pointer, so only their accesses
     * reach the checked path, where bit 1 of dr_data calls dbg_data_hook.
     * dbg_stop makes cpu_run and machine_run_until return; the debugger
     * clears it. */
    uint8_t dbg_insn;
    uint8_t dbg_stop;
    uint8_t dbg_slow;          /* run the next instruction through the slow path */
    uint8_t dbg_irq_stop;      /* set dbg_stop when an external interrupt or NMI is delivered,
                                  before the handler's first instruction runs */
    uint8_t ndbg_bp, ndbg_watch, nwatch;
    uint32_t dbg_bp[CPU_MAX_DBG_BP];                /* linear addresses */
    struct cpu_watch dbg_watch[CPU_MAX_DBG_WATCH];  /* linear byte ranges */
    struct cpu_watch watch[CPU_MAX_DBG_WATCH + 4];  /* watched linear pages (first/last page numbers) */
    int (*dbg_insn_hook)(void *opaque, struct cpu *c);
    void (*dbg_data_hook)(void *opaque, struct cpu *c, uint32_t lin, int size, int write);
    void *dbg_opaque;
    /* the last exception raised through the fault path (monitor: info last-fault) */
    uint8_t last_exc_valid, last_exc_vec;
    uint16_t last_exc_cs;
    uint32_t last_exc_err, last_exc_eip, last_exc_cr2;
    uint64_t last_exc_icount;
};

/* Life cycle.  cpu_init allocates the block cache; returns 0 or -1. */
int cpu_init(struct cpu *c, const struct cpu_model *model, struct memmap *mem, struct portbus *io);
void cpu_free(struct cpu *c);
void cpu_reset(struct cpu *c);

/* Execute until icount reaches limit, the CPU halts, or a shutdown happens.
 * Returns the number of instructions retired. */
uint64_t cpu_run(struct cpu *c, uint64_t limit);
/* Execute exactly one instruction (or deliver one pending event); used by tests. */
void cpu_step(struct cpu *c);

/* INTR / NMI pins, driven by the board. */
void cpu_set_intr(struct cpu *c, int level);
void cpu_raise_nmi(struct cpu *c);

/* Flags. */
uint32_t cpu_get_eflags(struct cpu *c);
/* Write EFLAGS bits selected by mask (model restrictions applied by caller). */
void cpu_set_eflags(struct cpu *c, uint32_t value, uint32_t mask);
static inline bool cpu_cf(struct cpu *c);

/* Segments (seg.c).  cpu_load_seg performs every protected-mode check and raises
 * the right exception; real and v86 mode load base = sel << 4. */
void cpu_load_seg(struct cpu *c, int sreg, uint16_t sel);
void cpu_load_seg_real(struct cpu *c, int sreg, uint16_t sel);
void cpu_update_mode(struct cpu *c);  /* recompute code32/stack32/cpl after a change */
/* Read an 8-byte descriptor for sel from the GDT/LDT; raises #GP(sel) past the limit
 * (or err_vec if given).  Returns the two dwords. */
void cpu_read_descriptor(struct cpu *c, uint16_t sel, uint32_t *lo, uint32_t *hi, int err_vec);
int cpu_try_descriptor(struct cpu *c, uint16_t sel, uint32_t *lo, uint32_t *hi);
void cpu_seg_from_descriptor(struct seg *s, uint16_t sel, uint32_t lo, uint32_t hi);
void cpu_set_desc_busy_or_accessed(struct cpu *c, uint16_t sel, uint8_t bit);

/* Exceptions and interrupts (except.c). */
_Noreturn void cpu_raise(struct cpu *c, int vec, uint32_t err);         /* with error code */
_Noreturn void cpu_raise_noerr(struct cpu *c, int vec);                 /* no error code */
/* Deliver an interrupt or exception now (called from the execution loop).
 * kind: INT_HW external, INT_SOFT INT n, INT_EXC exception, INT_ICEBP/INT3/INTO soft. */
enum int_kind { INT_HW, INT_SOFT, INT_EXC, INT_SOFT_EXC };
void cpu_interrupt(struct cpu *c, int vec, enum int_kind kind, bool has_err, uint32_t err);
void cpu_iret(struct cpu *c, int o32);
/* Far transfers (far.c) and interrupt delivery, IRET (intr.c). */
void cpu_far_jmp(struct cpu *c, uint16_t sel, uint32_t off);
void cpu_far_call(struct cpu *c, uint16_t sel, uint32_t off, int o32);
void cpu_far_ret(struct cpu *c, int o32, uint16_t pop_bytes);
/* Task switch (task.c).  src: TS_JMP, TS_CALL, TS_IRET, TS_INT. */
enum ts_source { TS_JMP, TS_CALL, TS_IRET, TS_INT };
void cpu_task_switch(struct cpu *c, uint16_t sel, uint32_t desc_lo, uint32_t desc_hi,
                     enum ts_source src, bool has_err, uint32_t err);
/* I/O permission check (IOPL and the TSS bitmap); raises #GP(0). */
void cpu_check_io(struct cpu *c, uint16_t port, int size);

/* Memory access through segmentation and paging (mmu.c, mem.c). */
uint32_t cpu_seg_check(struct cpu *c, int sreg, uint32_t off, int size, int write);
uint8_t cpu_read8(struct cpu *c, int sreg, uint32_t off);
uint16_t cpu_read16(struct cpu *c, int sreg, uint32_t off);
uint32_t cpu_read32(struct cpu *c, int sreg, uint32_t off);
void cpu_write8(struct cpu *c, int sreg, uint32_t off, uint8_t v);
void cpu_write16(struct cpu *c, int sreg, uint32_t off, uint16_t v);
void cpu_write32(struct cpu *c, int sreg, uint32_t off, uint32_t v);
/* Linear-address access (for descriptor tables, TSS, page walks via physical).
 * sup = 1 forces a supervisor access (system structures). */
uint8_t cpu_lin_read8(struct cpu *c, uint32_t lin, int sup);
uint16_t cpu_lin_read16(struct cpu *c, uint32_t lin, int sup);
uint32_t cpu_lin_read32(struct cpu *c, uint32_t lin, int sup);
void cpu_lin_write8(struct cpu *c, uint32_t lin, uint8_t v, int sup);
void cpu_lin_write16(struct cpu *c, uint32_t lin, uint16_t v, int sup);
void cpu_lin_write32(struct cpu *c, uint32_t lin, uint32_t v, int sup);
/* Translate a linear address; raises #PF on failure.  acc: 0 read, 1 write, 2 fetch. */
uint32_t cpu_translate(struct cpu *c, uint32_t lin, int acc, int user);
/* Translate without faulting or side effects (debugger, tracing); returns 0 on success. */
int cpu_probe(struct cpu *c, uint32_t lin, uint32_t *phys);
void cpu_tlb_flush(struct cpu *c, bool include_global);
void cpu_tlb_flush_page(struct cpu *c, uint32_t lin);

/* Stack helpers honouring SS.B. */
void cpu_push16(struct cpu *c, uint16_t v);
void cpu_push32(struct cpu *c, uint32_t v);
uint16_t cpu_pop16(struct cpu *c);
uint32_t cpu_pop32(struct cpu *c);

/* Control registers and MSRs (system.c). */
void cpu_write_cr0(struct cpu *c, uint32_t v);
void cpu_write_cr3(struct cpu *c, uint32_t v);
void cpu_write_cr4(struct cpu *c, uint32_t v);
/* The CPU's state table (cpu_state.c): snapshots, test diffs. */
struct state_table;
extern const struct state_table cpu_state;

void cpu_write_dr7(struct cpu *c, uint32_t v);
void cpu_write_dr(struct cpu *c, int n, uint32_t v);    /* DR0-3 */
/* The debugger's breakpoints (linear addresses) and watchpoints (linear byte
 * ranges, first..last); at most CPU_MAX_DBG_BP / CPU_MAX_DBG_WATCH. */
void cpu_set_dbg_breakpoints(struct cpu *c, const uint32_t *lin, int n);
void cpu_set_dbg_watch(struct cpu *c, const struct cpu_watch *w, int n);
/* Is any byte of linear page `page` watched (data breakpoint or watchpoint)? */
static inline bool cpu_page_watched(const struct cpu *c, uint32_t page)
{
    for (unsigned k = 0; k < c->nwatch; k++)
        if (page >= c->watch[k].first && page <= c->watch[k].last)
            return true;
    return false;
}
/* Data breakpoints (SDM 17.3.1.2): record DR6 bits for an access of size bytes at lin. */
void cpu_dr_check_data(struct cpu *c, uint32_t lin, int size, int write);
int cpu_rdmsr(struct cpu *c, uint32_t idx, uint64_t *val);  /* -1: #GP */
int cpu_wrmsr(struct cpu *c, uint32_t idx, uint64_t val);
uint64_t cpu_tsc(struct cpu *c);

/* Block cache (block.c). */
int block_cache_init(struct cpu *c);
void block_cache_free(struct cpu *c);
void block_cache_flush_all(struct cpu *c);
/* Called by the memory map when a store hits a page holding decoded code. */
void block_cache_invalidate_page(void *opaque, uint32_t phys_page);

/* One-time warning about unimplemented guest behaviour. */
void cpu_warn_once(struct cpu *c, int id, const char *fmt, ...);

/* Mode predicates. */
static inline bool cpu_pe(const struct cpu *c) { return c->cr0 & CR0_PE; }
static inline bool cpu_v86(const struct cpu *c) { return c->eflags & F_VM; }
static inline bool cpu_real(const struct cpu *c) { return !(c->cr0 & CR0_PE); }
static inline bool cpu_pm(const struct cpu *c) { return (c->cr0 & CR0_PE) && !(c->eflags & F_VM); }
static inline int cpu_iopl(const struct cpu *c) { return (c->eflags >> 12) & 3; }

uint32_t cpu_compute_flags(const struct cpu *c);  /* arithmetic flags from the lazy record */
static inline bool cpu_cf(struct cpu *c)
{
    if (c->lf.op == CC_NONE)
        return c->eflags & F_CF;
    return cpu_compute_flags(c) & F_CF;
}

#endif
