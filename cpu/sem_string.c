/*
 * sem_string.c - string instructions (MOVS, CMPS, STOS, LODS, SCAS, INS,
 * OUTS) with REP/REPE/REPNE, and port I/O (IN, OUT).
 *
 * Each iteration commits ECX/ESI/EDI before the next, so a fault in the middle
 * of a REP string restarts exactly where it stopped (SDM Vol. 2, REP).  A long
 * REP yields after a batch of iterations by re-executing itself, so interrupts
 * are taken between iterations as on hardware.
 */
#include "cpu/sem.h"
#include "machine/portbus.h"

#define REP_BATCH 4096

static inline uint32_t idx_get(struct cpu *c, const struct insn *i, int r)
{
    return i->a32 ? c->r[r] : (c->r[r] & 0xFFFF);
}

static inline void idx_step(struct cpu *c, const struct insn *i, int r, int size)
{
    uint32_t d = (c->eflags & F_DF) ? (uint32_t)-size : (uint32_t)size;
    if (i->a32)
        c->r[r] += d;
    else
        sem_reg_write(c, r, 2, c->r[r] + d);
}

/* Offset in SI/DI for this iteration's access.  The 286 steps the register
 * before the access, so a segment overrun at offset 0xFFFF leaves it advanced
 * (hardware-captured behaviour); the other CPUs step it afterwards. */
static inline uint32_t idx_pre(struct cpu *c, const struct insn *i, int r, int size)
{
    uint32_t v = idx_get(c, i, r);
    if (c->model->gen == CPU_286)
        idx_step(c, i, r, size);
    return v;
}

static inline void idx_post(struct cpu *c, const struct insn *i, int r, int size)
{
    if (c->model->gen != CPU_286)
        idx_step(c, i, r, size);
}

static inline uint32_t count_get(struct cpu *c, const struct insn *i)
{
    return i->a32 ? c->r[R_ECX] : (c->r[R_ECX] & 0xFFFF);
}

static inline void count_dec(struct cpu *c, const struct insn *i)
{
    if (i->a32)
        c->r[R_ECX]--;
    else
        sem_reg_write(c, R_ECX, 2, c->r[R_ECX] - 1);
}

/* 286 with REP: a write that overruns ES takes one more count off CX than a
 * faulting read does (hardware-captured behaviour; the write fault is seen
 * after the next iteration's count). */
static inline uint32_t rep_dst(struct cpu *c, const struct insn *i, int size)
{
    uint32_t di = idx_get(c, i, R_EDI);
    if (c->model->gen == CPU_286 && i->rep && !cpu_pm(c) && di + (uint32_t)size - 1 > c->seg[SEG_ES].limit)
        count_dec(c, i);
    return idx_pre(c, i, R_EDI, size);
}

/* Run body once, or as a REP loop.  cmp: 1 for SCAS, 2 for CMPS (REPE/REPNE
 * test ZF); the 286 counts CX before the access (CMPS: between its reads). */
#define STRING_LOOP(c, i, cmp, body)                                        \
    do {                                                                    \
        if (!(i)->rep) {                                                    \
            body;                                                           \
            break;                                                          \
        }                                                                   \
        for (int n_ = 0;; n_++) {                                           \
            if (count_get(c, i) == 0)                                       \
                break;                                                      \
            if (n_ == REP_BATCH) {                                          \
                (c)->eip = (c)->eip_start;                                  \
                (c)->stop_block = 1;                                        \
                break;                                                      \
            }                                                               \
            int pre_ = (c)->model->gen == CPU_286 && (cmp) != 2;            \
            if (pre_)                                                       \
                count_dec(c, i); /* 286: counted before the access */       \
            body;                                                           \
            if ((c)->model->gen != CPU_286)                                 \
                count_dec(c, i);                                            \
            if (cmp) {                                                      \
                int zf_ = !!(cpu_compute_flags(c) & F_ZF);                  \
                if (((i)->rep == 0xF3) != zf_)                              \
                    break;                                                  \
            }                                                               \
            if (((c)->dr6_pending || ((c)->eflags & F_TF)) &&              \
                count_get(c, i) != 0) {                                     \
                /* data breakpoint or single step: trap after this one */   \
                (c)->eip = (c)->eip_start;                                  \
                break;                                                      \
            }                                                               \
        }                                                                   \
    } while (0)

void sem_movs(struct cpu *c, const struct insn *i)
{
    int size = i->osz;
    STRING_LOOP(c, i, 0, {
        uint32_t v = sem_mem_read(c, i->seg, idx_pre(c, i, R_ESI, size), size);
        sem_mem_write(c, SEG_ES, rep_dst(c, i, size), size, v);
        idx_post(c, i, R_ESI, size);
        idx_post(c, i, R_EDI, size);
    });
}

void sem_cmps(struct cpu *c, const struct insn *i)
{
    int size = i->osz;
    STRING_LOOP(c, i, 2, {
        uint32_t a;
        uint32_t b;
        if (c->model->gen == CPU_286) { /* the 286 reads ES:DI first */
            b = sem_mem_read(c, SEG_ES, idx_pre(c, i, R_EDI, size), size);
            if (i->rep)
                count_dec(c, i);
            a = sem_mem_read(c, i->seg, idx_pre(c, i, R_ESI, size), size);
        } else {
            a = sem_mem_read(c, i->seg, idx_get(c, i, R_ESI), size);
            b = sem_mem_read(c, SEG_ES, idx_get(c, i, R_EDI), size);
        }
        alu_op(c, ALU_CMP, a, b, size);
        idx_post(c, i, R_ESI, size);
        idx_post(c, i, R_EDI, size);
    });
}

void sem_stos(struct cpu *c, const struct insn *i)
{
    int size = i->osz;
    uint32_t v = sem_reg_read(c, R_EAX, size);
    STRING_LOOP(c, i, 0, {
        sem_mem_write(c, SEG_ES, rep_dst(c, i, size), size, v);
        idx_post(c, i, R_EDI, size);
    });
}

void sem_lods(struct cpu *c, const struct insn *i)
{
    int size = i->osz;
    STRING_LOOP(c, i, 0, {
        sem_reg_write(c, R_EAX, size, sem_mem_read(c, i->seg, idx_pre(c, i, R_ESI, size), size));
        idx_post(c, i, R_ESI, size);
    });
}

void sem_scas(struct cpu *c, const struct insn *i)
{
    int size = i->osz;
    uint32_t a = sem_reg_read(c, R_EAX, size);
    STRING_LOOP(c, i, 1, {
        uint32_t b = sem_mem_read(c, SEG_ES, idx_pre(c, i, R_EDI, size), size);
        alu_op(c, ALU_CMP, a, b, size);
        idx_post(c, i, R_EDI, size);
    });
}

/* ---- port I/O ---- */

void cpu_check_io(struct cpu *c, uint16_t port, int size)
{
    if (!cpu_pe(c))
        return;
    if (!cpu_v86(c) && c->cpl <= cpu_iopl(c))
        return;
    /* the I/O permission bitmap of the current 32-bit TSS (SDM 18.5.2) */
    struct seg *tr = &c->seg[SEG_TR];
    uint32_t type = SA_TYPE(tr->attr);
    if ((type & 7) != 3 || tr->limit < 0x67) /* not a busy 32-bit TSS */
        cpu_raise(c, EX_GP, 0);
    uint16_t base = cpu_lin_read16(c, tr->base + 0x66, 1);
    uint32_t byte = (uint32_t)base + (port >> 3);
    if (byte + 1 > tr->limit)
        cpu_raise(c, EX_GP, 0);
    uint16_t bits = cpu_lin_read16(c, tr->base + byte, 1);
    uint16_t mask = (uint16_t)(((1u << size) - 1) << (port & 7));
    if (bits & mask)
        cpu_raise(c, EX_GP, 0);
}

static uint32_t port_in(struct cpu *c, uint16_t port, int size)
{
    cpu_check_io(c, port, size);
    return portbus_in(c->io, port, size);
}

static void port_out(struct cpu *c, uint16_t port, uint32_t v, int size)
{
    cpu_check_io(c, port, size);
    portbus_out(c->io, port, v, size);
    c->stop_block = 1; /* a device may have raised an interrupt or stopped the machine */
}

void sem_in(struct cpu *c, const struct insn *i)
{
    uint16_t port = i->sub ? (uint16_t)c->r[R_EDX] : (uint16_t)(i->imm & 0xFF);
    sem_reg_write(c, R_EAX, i->osz, port_in(c, port, i->osz));
}

void sem_out(struct cpu *c, const struct insn *i)
{
    uint16_t port = i->sub ? (uint16_t)c->r[R_EDX] : (uint16_t)(i->imm & 0xFF);
    port_out(c, port, sem_reg_read(c, R_EAX, i->osz), i->osz);
}

void sem_ins(struct cpu *c, const struct insn *i)
{
    int size = i->osz;
    uint16_t port = (uint16_t)c->r[R_EDX];
    cpu_check_io(c, port, size);
    STRING_LOOP(c, i, 0, {
        /* check the destination before reading the port (a read may have side effects) */
        uint32_t di = rep_dst(c, i, size);
        sem_mem_write(c, SEG_ES, di, size, sem_mem_read(c, SEG_ES, di, size));
        sem_mem_write(c, SEG_ES, di, size, portbus_in(c->io, port, size));
        idx_post(c, i, R_EDI, size);
    });
}

void sem_outs(struct cpu *c, const struct insn *i)
{
    int size = i->osz;
    uint16_t port = (uint16_t)c->r[R_EDX];
    cpu_check_io(c, port, size);
    STRING_LOOP(c, i, 0, {
        uint32_t v = sem_mem_read(c, i->seg, idx_pre(c, i, R_ESI, size), size);
        portbus_out(c->io, port, v, size);
        idx_post(c, i, R_ESI, size);
    });
    c->stop_block = 1;
}
