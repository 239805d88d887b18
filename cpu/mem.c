/*
 * mem.c - guest memory access through segmentation and the TLB.
 *
 * Segment checks follow Intel SDM Vol. 3 section 5.3 (limit checking,
 * expand-down segments) and 5.4 (type checking); alignment checking is section
 * 6.15 (#AC).  Paging itself (the page walk and the TLB fill) is in mmu.c.
 * Accesses that cross a page are split after both pages have been translated,
 * so a fault on the second page leaves memory untouched (restartable).
 */
#include "cpu/cpu.h"
#include "cpu/sem.h"
#include "machine/memmap.h"

static _Noreturn void seg_fault(struct cpu *c, int sreg)
{
    cpu_raise(c, sreg == SEG_SS ? EX_SS : EX_GP, 0);
}

uint32_t cpu_seg_check(struct cpu *c, int sreg, uint32_t off, int size, int write)
{
    const struct seg *s = &c->seg[sreg];
    uint32_t last = off + (uint32_t)size - 1;
    if (!cpu_pm(c)) {
        /* real and v86 mode: only the limit applies (SDM 20.1.1 / 20.2) */
        if (c->model->gen == CPU_8086)
            return s->base + off;
        if (last > s->limit || last < off) {
            if (c->model->gen == CPU_286)
                cpu_raise(c, EX_GP, 0); /* the 286's real-mode segment overrun is int 13, also for SS */
            seg_fault(c, sreg);
        }
        return s->base + off;
    }
    uint16_t a = s->attr;
    if (!(a & SA_P))
        seg_fault(c, sreg); /* null or unusable selector */
    uint32_t type = SA_TYPE(a);
    if (type & 8) {
        /* code segment: never writable, readable if R */
        if (write || !(type & 2))
            seg_fault(c, sreg);
    } else if (write == 1 && !(type & 2)) {
        seg_fault(c, sreg);
    }
    if (!(type & 8) && (type & 4)) {
        /* expand-down: valid offsets limit+1 .. 0xFFFF or 0xFFFFFFFF */
        uint32_t upper = (a & SA_DB) ? 0xFFFFFFFFu : 0xFFFFu;
        if (off <= s->limit || last > upper || last < off)
            seg_fault(c, sreg);
    } else if (last > s->limit || last < off) {
        seg_fault(c, sreg);
    }
    return s->base + off;
}

static inline int cur_user(const struct cpu *c) { return c->cpl == 3; }

static void check_align(struct cpu *c, uint32_t lin, int size)
{
    if ((lin & (uint32_t)(size - 1)) && (c->cr0 & CR0_AM) && (c->eflags & F_AC) && c->cpl == 3 &&
        c->model->gen >= CPU_486)
        cpu_raise(c, EX_AC, 0);
}

/* Translate for an access of `size` bytes at lin that stays within one page. */
static inline struct tlb_entry *tlb_get(struct cpu *c, uint32_t lin, int write, int user)
{
    struct tlb_entry *e = &c->tlb[user][(lin >> 12) & (TLB_SIZE - 1)];
    uint8_t need = write ? TLB_WRITE : TLB_READ;
    if (e->lin_page == (lin >> 12) && (e->perm & need))
        return e;
    cpu_translate(c, lin, write, user);
    return &c->tlb[user][(lin >> 12) & (TLB_SIZE - 1)];
}

static uint32_t lin_read(struct cpu *c, uint32_t lin, int size, int user)
{
    if (c->dr_data)
        cpu_dr_check_data(c, lin, size, 0);
    if (((lin & 0xFFF) + (uint32_t)size) <= 0x1000) {
        struct tlb_entry *e = tlb_get(c, lin, 0, user);
        uint32_t off = lin & 0xFFF;
        if (e->host) {
            const uint8_t *p = e->host + off;
            return size == 1 ? p[0] : size == 2 ? (uint32_t)(p[0] | p[1] << 8)
                                                  : (uint32_t)p[0] | (uint32_t)p[1] << 8 |
                                                        (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        }
        return memmap_read(c->mem, e->phys_page | off, size);
    }
    /* page-crossing: translate both pages first */
    tlb_get(c, lin, 0, user);
    tlb_get(c, (lin | 0xFFF) + 1, 0, user);
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= lin_read(c, lin + (uint32_t)k, 1, user) << (8 * k);
    return v;
}

static void lin_write(struct cpu *c, uint32_t lin, uint32_t v, int size, int user)
{
    if (c->dr_data)
        cpu_dr_check_data(c, lin, size, 1);
    if (((lin & 0xFFF) + (uint32_t)size) <= 0x1000) {
        struct tlb_entry *e = tlb_get(c, lin, 1, user);
        uint32_t off = lin & 0xFFF;
        if (e->host && !memmap_is_code(c->mem, e->phys_page | off, (uint32_t)size)) {
            uint8_t *p = e->host + off;
            p[0] = (uint8_t)v;
            if (size > 1) {
                p[1] = (uint8_t)(v >> 8);
                if (size > 2) {
                    p[2] = (uint8_t)(v >> 16);
                    p[3] = (uint8_t)(v >> 24);
                }
            }
            return;
        }
        memmap_write(c->mem, e->phys_page | off, v, size);
        return;
    }
    tlb_get(c, lin, 1, user);
    tlb_get(c, (lin | 0xFFF) + 1, 1, user);
    for (int k = 0; k < size; k++)
        lin_write(c, lin + (uint32_t)k, (v >> (8 * k)) & 0xFF, 1, user);
}

uint8_t cpu_lin_read8(struct cpu *c, uint32_t lin, int sup) { return (uint8_t)lin_read(c, lin, 1, sup ? 0 : cur_user(c)); }
uint16_t cpu_lin_read16(struct cpu *c, uint32_t lin, int sup) { return (uint16_t)lin_read(c, lin, 2, sup ? 0 : cur_user(c)); }
uint32_t cpu_lin_read32(struct cpu *c, uint32_t lin, int sup) { return lin_read(c, lin, 4, sup ? 0 : cur_user(c)); }
void cpu_lin_write8(struct cpu *c, uint32_t lin, uint8_t v, int sup) { lin_write(c, lin, v, 1, sup ? 0 : cur_user(c)); }
void cpu_lin_write16(struct cpu *c, uint32_t lin, uint16_t v, int sup) { lin_write(c, lin, v, 2, sup ? 0 : cur_user(c)); }
void cpu_lin_write32(struct cpu *c, uint32_t lin, uint32_t v, int sup) { lin_write(c, lin, v, 4, sup ? 0 : cur_user(c)); }

/* 8086: a word at offset 0xFFFF wraps to offset 0 of the same segment. */
static uint32_t read86(struct cpu *c, int sreg, uint32_t off, int size)
{
    uint32_t base = c->seg[sreg].base;
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= lin_read(c, base + ((off + (uint32_t)k) & 0xFFFF), 1, 0) << (8 * k);
    return v;
}

static void write86(struct cpu *c, int sreg, uint32_t off, int size, uint32_t v)
{
    uint32_t base = c->seg[sreg].base;
    for (int k = 0; k < size; k++)
        lin_write(c, base + ((off + (uint32_t)k) & 0xFFFF), (v >> (8 * k)) & 0xFF, 1, 0);
}

uint32_t sem_mem_read_slow(struct cpu *c, int sreg, uint32_t off, int size)
{
    if (c->model->gen == CPU_8086)
        return read86(c, sreg, off, size);
    uint32_t lin = cpu_seg_check(c, sreg, off, size, 0);
    if (size > 1)
        check_align(c, lin, size);
    return lin_read(c, lin, size, cur_user(c));
}

void sem_mem_write_slow(struct cpu *c, int sreg, uint32_t off, int size, uint32_t v)
{
    if (c->model->gen == CPU_8086) {
        write86(c, sreg, off, size, v);
        return;
    }
    uint32_t lin = cpu_seg_check(c, sreg, off, size, 1);
    if (size > 1)
        check_align(c, lin, size);
    lin_write(c, lin, v, size, cur_user(c));
}

uint8_t cpu_read8(struct cpu *c, int sreg, uint32_t off) { return (uint8_t)sem_mem_read(c, sreg, off, 1); }
uint16_t cpu_read16(struct cpu *c, int sreg, uint32_t off) { return (uint16_t)sem_mem_read(c, sreg, off, 2); }
uint32_t cpu_read32(struct cpu *c, int sreg, uint32_t off) { return sem_mem_read(c, sreg, off, 4); }
void cpu_write8(struct cpu *c, int sreg, uint32_t off, uint8_t v) { sem_mem_write(c, sreg, off, 1, v); }
void cpu_write16(struct cpu *c, int sreg, uint32_t off, uint16_t v) { sem_mem_write(c, sreg, off, 2, v); }
void cpu_write32(struct cpu *c, int sreg, uint32_t off, uint32_t v) { sem_mem_write(c, sreg, off, 4, v); }

/* Check that a write to [off, off+size) would succeed, raising the fault it would raise. */
static void probe_write(struct cpu *c, int sreg, uint32_t off, int size)
{
    if (c->model->gen == CPU_8086)
        return;
    uint32_t lin = cpu_seg_check(c, sreg, off, size, 1);
    tlb_get(c, lin, 1, cur_user(c));
    if (((lin & 0xFFF) + (uint32_t)size) > 0x1000)
        tlb_get(c, (lin | 0xFFF) + 1, 1, cur_user(c));
}

/* ---- stack ---- */

static inline uint32_t sp_get(struct cpu *c) { return c->stack32 ? c->r[R_ESP] : (c->r[R_ESP] & 0xFFFF); }
static inline void sp_set(struct cpu *c, uint32_t v)
{
    if (c->stack32)
        c->r[R_ESP] = v;
    else
        c->r[R_ESP] = (c->r[R_ESP] & 0xFFFF0000u) | (v & 0xFFFF);
}

void cpu_push16(struct cpu *c, uint16_t v)
{
    uint32_t sp = sp_get(c) - 2;
    if (!c->stack32)
        sp &= 0xFFFF;
    sem_mem_write(c, SEG_SS, sp, 2, v);
    sp_set(c, sp);
}

void cpu_push32(struct cpu *c, uint32_t v)
{
    uint32_t sp = sp_get(c) - 4;
    if (!c->stack32)
        sp &= 0xFFFF;
    sem_mem_write(c, SEG_SS, sp, 4, v);
    sp_set(c, sp);
}

uint16_t cpu_pop16(struct cpu *c)
{
    uint32_t sp = sp_get(c);
    uint16_t v = (uint16_t)sem_mem_read(c, SEG_SS, sp, 2);
    sp_set(c, sp + 2);
    return v;
}

uint32_t cpu_pop32(struct cpu *c)
{
    uint32_t sp = sp_get(c);
    uint32_t v = sem_mem_read(c, SEG_SS, sp, 4);
    sp_set(c, sp + 4);
    return v;
}

/* ---- ModR/M operands ---- */

uint32_t sem_rmw_read_slow(struct cpu *c, int sreg, uint32_t off, int size)
{
    probe_write(c, sreg, off, size);
    return sem_mem_read(c, sreg, off, size);
}
