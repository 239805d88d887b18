/*
 * block.c - the decoded-block cache and the block interpreter.
 * See block.h for the keying and invalidation rules.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/block.h"
#include "cpu/sem.h"
#include "cpu/trace.h"
#include "machine/memmap.h"

#define BC_HASH_BITS 15
#define BC_HASH (1u << BC_HASH_BITS)
#define BC_ARENA (16u << 20)
#define BLOCK_BYTES(n) (sizeof(struct block) + (size_t)(n) * sizeof(struct insn))

struct block_cache {
    struct block *hash[BC_HASH];
    uint8_t *arena;
    size_t used;
    uint32_t *page_gen;
    uint32_t npages;
    struct block *scratch;       /* uncached single-instruction block */
    uint32_t cur_page;           /* physical page of the running block, or ~0 */
    uint32_t flush_gen;          /* buckets of older flush generations are empty */
    uint32_t hash_gen[BC_HASH];  /* flush generation in which each bucket was filled */
};

int block_cache_init(struct cpu *c)
{
    struct block_cache *bc = calloc(1, sizeof(*bc));
    if (!bc)
        return -1;
    bc->arena = malloc(BC_ARENA);
    bc->npages = c->mem->ram_size >> PAGE_SHIFT;
    bc->page_gen = calloc(bc->npages ? bc->npages : 1, sizeof(uint32_t));
    bc->scratch = malloc(BLOCK_BYTES(1));
    if (!bc->arena || !bc->page_gen || !bc->scratch) {
        free(bc->arena);
        free(bc->page_gen);
        free(bc->scratch);
        free(bc);
        return -1;
    }
    bc->cur_page = ~0u;
    c->bc = bc;
    return 0;
}

void block_cache_free(struct cpu *c)
{
    struct block_cache *bc = c->bc;
    if (!bc)
        return;
    free(bc->arena);
    free(bc->page_gen);
    free(bc->scratch);
    free(bc);
    c->bc = NULL;
}

void block_cache_flush_all(struct cpu *c)
{
    struct block_cache *bc = c->bc;
    /* O(1): a bucket whose generation is older than flush_gen is empty, so
     * the table need not be cleared */
    bc->flush_gen++;
    bc->used = 0;
    c->code_epoch++;
    memset(c->mem->code_lines, 0, (size_t)(c->mem->ram_size >> PAGE_SHIFT) * CODE_WORDS_PER_PAGE * sizeof(uint64_t));
    c->stop_block = 1;
}

void block_cache_invalidate_page(void *opaque, uint32_t phys_page)
{
    struct cpu *c = opaque;
    struct block_cache *bc = c->bc;
    uint32_t p = phys_page >> PAGE_SHIFT;
    if (p < bc->npages) {
        bc->page_gen[p]++;
        memmap_clear_code(c->mem, p);
    } else {
        /* code outside RAM (a ROM or MMIO region) changed place: its pages
         * have no generation, so every block goes */
        block_cache_flush_all(c);
    }
    c->code_epoch++; /* block links are checked against the epoch only */
    c->stats.smc_flushes++;
    if (p == bc->cur_page)
        c->stop_block = 1;
}

static inline uint32_t hash_key(uint32_t phys, int code32)
{
    uint32_t h = phys * 0x9E3779B1u ^ (uint32_t)code32;
    return h >> (32 - BC_HASH_BITS);
}

static inline uint32_t page_gen(struct block_cache *bc, uint32_t phys)
{
    uint32_t p = phys >> PAGE_SHIFT;
    return p < bc->npages ? bc->page_gen[p] : 0;
}

/* ---- instruction fetch for the decoder ---- */

struct fetch_ctx {
    struct cpu *c;
    uint32_t eip;        /* EIP of the instruction start */
    uint32_t page_lin;   /* linear page the block is confined to */
    const uint8_t *page_host;
    uint32_t page_phys;
    int first;           /* may fault and cross pages */
    int crossed;         /* the instruction touched a second page */
};

static int fetch_byte(void *opaque, unsigned n)
{
    struct fetch_ctx *f = opaque;
    struct cpu *c = f->c;
    uint32_t off = f->eip + n;
    if (c->model->gen == CPU_8086 || !c->code32)
        off = c->model->gen == CPU_8086 ? (off & 0xFFFF) : off;
    if (c->model->gen != CPU_8086 && off > c->seg[SEG_CS].limit) {
        if (!f->first)
            return -1;
        cpu_raise(c, EX_GP, 0);
    }
    uint32_t lin = c->seg[SEG_CS].base + off;
    if ((lin & ~0xFFFu) == f->page_lin) {
        if (f->page_host)
            return f->page_host[lin & 0xFFF];
        return (int)memmap_read(c->mem, f->page_phys | (lin & 0xFFF), 1);
    }
    if (!f->first)
        return -1;
    f->crossed = 1;
    uint32_t phys = cpu_translate(c, lin, 2, c->cpl == 3);
    return (int)memmap_read(c->mem, phys, 1);
}

static int decode_at(struct cpu *c, struct fetch_ctx *f, struct insn *i)
{
    int r = decode_insn(i, c->code32, c->model->gen, fetch_byte, f);
    if (r == DEC_TOOLONG && f->first)
        cpu_raise(c, EX_GP, 0); /* the 286's 10-byte limit also raises #GP (vectors) */
    return r;
}

static struct block *build(struct cpu *c, uint32_t lin, uint32_t phys)
{
    struct block_cache *bc = c->bc;
    if (bc->used + BLOCK_BYTES(BLOCK_MAX_INSNS) > BC_ARENA) {
        block_cache_flush_all(c);
        c->stop_block = 0;
    }
    struct block *b = (struct block *)(bc->arena + bc->used);
    struct fetch_ctx f = { c, c->eip, lin & ~0xFFFu, memmap_read_page(c->mem, phys & ~0xFFFu),
                           phys & ~0xFFFu, 1, 0 };
    b->n = 0;
    b->bytes = 0;
    b->link[0].b = b->link[1].b = NULL;
    b->next_link = 0;
    b->phys = phys;
    b->code32 = c->code32;
    b->gen = page_gen(bc, phys);
    b->next = NULL;
    for (;;) {
        struct insn *i = &b->insns[b->n];
        f.eip = c->eip + b->bytes;
        int r = decode_at(c, &f, i);
        if (r > 0)
            i->sem = sem_fast_pick(i, c->model->gen);
        if (r == DEC_FETCH || r == DEC_TOOLONG) {
            if (b->n == 0) {
                /* cannot happen for the first instruction: fetch faults raise */
                i->sem = sem_ud;
                i->len = 1;
            } else {
                break;
            }
        }
        if (f.crossed) {
            /* an instruction spanning two pages runs uncached */
            struct block *s = bc->scratch;
            s->n = 1;
            s->bytes = i->len;
            s->phys = phys;
            s->code32 = c->code32;
            s->gen = ~0u;
            s->insns[0] = *i;
            return s;
        }
        b->n++;
        b->bytes = (uint16_t)(b->bytes + i->len);
        f.first = 0;
        if (r < 0 || (i->row->attrs & (A_BRANCH | A_STOP)) || b->n == BLOCK_MAX_INSNS)
            break;
    }
    memmap_mark_code(c->mem, phys, b->bytes);
    /* a block confined to a page whose start crossed nothing: cache it */
    bc->used += BLOCK_BYTES(b->n);
    uint32_t h = hash_key(phys, c->code32);
    b->next = bc->hash_gen[h] == bc->flush_gen ? bc->hash[h] : NULL;
    bc->hash[h] = b;
    bc->hash_gen[h] = bc->flush_gen;
    c->stats.blocks_decoded++;
    return b;
}

static struct block *lookup(struct cpu *c)
{
    struct block_cache *bc = c->bc;
    uint32_t eip = c->eip;
    /* a fetch fault belongs to the instruction about to run */
    c->eip_start = eip;
    c->esp_start = c->r[R_ESP];
    if (c->model->gen != CPU_8086 && eip > c->seg[SEG_CS].limit)
        cpu_raise(c, EX_GP, 0);
    uint32_t lin = c->seg[SEG_CS].base + eip;
    struct tlb_entry *e = &c->tlb[c->cpl == 3][(lin >> 12) & (TLB_SIZE - 1)];
    uint32_t phys;
    if (e->lin_page == (lin >> 12) && (e->perm & TLB_READ))
        phys = e->phys_page | (lin & 0xFFF);
    else
        phys = cpu_translate(c, lin, 2, c->cpl == 3);
    uint32_t h = hash_key(phys, c->code32);
    for (struct block *b = bc->hash_gen[h] == bc->flush_gen ? bc->hash[h] : NULL; b; b = b->next) {
        if (b->phys == phys && b->code32 == c->code32) {
            if (b->gen != page_gen(bc, phys))
                break; /* stale: rebuild */
            if (c->model->gen != CPU_8086 && eip + b->bytes - 1 > c->seg[SEG_CS].limit)
                break;
            if (c->model->gen == CPU_8086 && (eip & 0xFFFF) + b->bytes > 0x10000)
                break;
            return b;
        }
    }
    return build(c, lin, phys);
}

/* With tracing on: the reference loop, one instruction at a time. */
static void exec_block_traced(struct cpu *c, struct block *b, uint64_t limit)
{
    uint32_t ipmask = c->code32 ? 0xFFFFFFFFu : 0xFFFFu;
    for (unsigned k = 0; k < b->n; k++) {
        const struct insn *i = &b->insns[k];
        c->eip_start = c->eip;
        c->esp_start = c->r[R_ESP];
        c->eip = (c->eip + i->len) & ipmask;
        trace_insn(c, NULL, i->len);
        i->sem(c, i);
        c->icount++;
        if (c->stop_block || c->icount >= limit)
            break;
    }
}

/*
 * Run the instructions of a block.  The instruction count and EIP are kept in
 * locals and stored after each instruction (plain stores: no read-modify-write
 * chain through memory).  The instruction limit is applied once, up front.
 * Inside a block only its last instruction transfers control; anything else
 * that moves EIP (an interrupt delivered by an instruction, a REP yield) sets
 * stop_block or is caught by the EIP compare, so the loop stops there.
 */
static inline __attribute__((always_inline)) void exec_block(struct cpu *c, struct block *b, uint64_t limit)
{
    struct block_cache *bc = c->bc;
    bc->cur_page = b->phys >> PAGE_SHIFT;
    if (__builtin_expect(c->trace != NULL, 0)) {
        exec_block_traced(c, b, limit);
        bc->cur_page = ~0u;
        return;
    }
    uint64_t ic = c->icount;
    unsigned n = b->n;
    if (ic + n > limit)
        n = (unsigned)(limit - ic); /* callers guarantee ic < limit */
    uint32_t ipmask = c->code32 ? 0xFFFFFFFFu : 0xFFFFu;
    uint32_t eip = c->eip;
    const struct insn *i = b->insns, *end = i + n;
    for (; i < end; i++) {
        uint32_t next = (eip + i->len) & ipmask;
        c->eip_start = eip;
        c->esp_start = c->r[R_ESP];
        c->eip = next;
        i->sem(c, i);
        c->icount = ++ic;
        if (__builtin_expect(c->stop_block, 0) || c->eip != next)
            break;
        eip = next;
    }
    bc->cur_page = ~0u;
}

/* The successor of prev at the current CS:EIP, if remembered and still valid. */
static struct block *linked(struct cpu *c, struct block *prev)
{
    uint32_t lin = c->seg[SEG_CS].base + c->eip;
    for (int k = 0; k < 2; k++) {
        struct block_link *l = &prev->link[k];
        if (l->b && l->lin == lin && l->epoch == c->code_epoch && l->cpl == c->cpl &&
            l->b->code32 == c->code32 &&
            (c->model->gen == CPU_8086 ? (c->eip & 0xFFFF) + l->b->bytes <= 0x10000
                                       : c->eip + l->b->bytes - 1 <= c->seg[SEG_CS].limit))
            return l->b;
    }
    return NULL;
}

/* Does a debugger breakpoint fall on one of the block's bytes? */
static int block_has_breakpoint(const struct cpu *c, const struct block *b)
{
    uint32_t lin = c->seg[SEG_CS].base + c->eip;
    for (unsigned k = 0; k < c->ndbg_bp; k++)
        if (c->dbg_bp[k] - lin < b->bytes)
            return 1;
    return 0;
}

void block_run(struct cpu *c, uint64_t limit)
{
    struct block *prev = NULL;
    while (c->icount < limit) {
        struct block *b = prev ? linked(c, prev) : NULL;
        if (!b) {
            uint32_t epoch = c->code_epoch;
            b = lookup(c);
            if (prev && c->code_epoch == epoch && b != c->bc->scratch) {
                struct block_link *l = &prev->link[prev->next_link];
                prev->next_link ^= 1;
                l->b = b;
                l->lin = c->seg[SEG_CS].base + c->eip;
                l->epoch = epoch;
                l->cpl = c->cpl;
            }
        }
        if (__builtin_expect(c->dbg_insn, 0) && block_has_breakpoint(c, b)) {
            c->dbg_slow = 1; /* the run loop takes it one instruction at a time */
            return;
        }
        exec_block(c, b, limit);
        if (c->stop_block || c->halted || (c->eflags & F_TF) || c->dr_active)
            return;
        prev = b == c->bc->scratch ? NULL : b;
    }
}

void block_exec_one(struct cpu *c)
{
    struct block *b = lookup(c);
    exec_block(c, b, c->icount + 1);
}
