/*
 * block.h - the decoded-block cache.  Blocks are runs of decoded instructions
 * keyed by the physical address of their first byte and the code size (CS.D);
 * they end at a branch, a mode-changing instruction, a page boundary or 32
 * instructions.  A store to a page holding decoded code bumps that page's
 * generation, so its blocks are dropped at their next lookup, and ends the
 * running block after the current instruction (self-modifying code).
 */
#ifndef TARSIER_BLOCK_H
#define TARSIER_BLOCK_H

#include "cpu/cpu.h"
#include "cpu/insn.h"

#define BLOCK_MAX_INSNS 32

/* A remembered successor: the block that ran after this one from linear
 * address lin at privilege cpl, valid while the CPU's code epoch (mappings,
 * block arena, any invalidation of decoded code) is unchanged and the block
 * still fits the CS limit. */
struct block_link {
    struct block *b;
    uint32_t lin;
    uint32_t epoch;
    uint8_t cpl;
};

struct block {
    struct block *next;     /* hash chain */
    struct block_link link[2];
    uint8_t next_link;
    uint32_t phys;          /* physical address of the first byte */
    uint32_t gen;           /* generation of its page when decoded */
    uint16_t bytes;         /* total length in bytes */
    uint8_t code32;
    uint8_t n;
    struct insn insns[];
};

/* Run decoded blocks until the icount limit, a control event or a fault. */
void block_run(struct cpu *c, uint64_t limit);
/* Decode and execute exactly one instruction at CS:EIP. */
void block_exec_one(struct cpu *c);

#endif
