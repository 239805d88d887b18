/*
 * runners.c - the three places the differential tester runs a sequence:
 * tarsier (a flat 32-bit protected-mode machine whose exception vectors end
 * in HLT), the native helper on the host (a forked dt_native sharing a
 * memory file; see native_helper.c) and, when built with it, Unicorn (loaded
 * with dlopen).  Each fills a struct dt_result.  See difftest.c and
 * docs/difftest.md.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef DT_HAVE_UNICORN
#include <dlfcn.h>
#include <unicorn/unicorn.h>
#endif

#include "cpu/cpu.h"
#include "machine/machine.h"
#include "tests/difftest/difftest.h"

#define SYS_GDT 0x1000u
#define SYS_IDT 0x2000u
#define SYS_HANDLERS 0x3000u
#define NVEC 32

/* ================================================================ tarsier */

static struct machine *tm;
int have_mmx;

static void put32(uint32_t a, uint32_t v) { memmap_write(&tm->mem, a, v, 4); }

int tarsier_init(void)
{
    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    /* pentium2 (MMX, FXSR) once the model exists; pentium-pro before */
    have_mmx = cpu_model_find("pentium2") != NULL;
    cfg.cpu_model = have_mmx ? "pentium2" : "pentium-pro";
    cfg.ram_mb = 64;
    cfg.no_rom = true;
    cfg.no_reboot = true;
    char err[256];
    tm = machine_create(&cfg, err, sizeof(err));
    if (!tm) {
        fprintf(stderr, "difftest: machine_create: %s\n", err);
        return -1;
    }
    struct cpu *c = &tm->cpu;
    /* flat GDT: null, code 0x08, data 0x10 */
    put32(SYS_GDT + 0, 0);
    put32(SYS_GDT + 4, 0);
    put32(SYS_GDT + 8, 0x0000FFFFu);
    put32(SYS_GDT + 12, 0x00CF9B00u);
    put32(SYS_GDT + 16, 0x0000FFFFu);
    put32(SYS_GDT + 20, 0x00CF9300u);
    /* IDT: 32-bit interrupt gates to a HLT per vector */
    for (uint32_t v = 0; v < NVEC; v++) {
        uint32_t off = SYS_HANDLERS + 4 * v;
        put32(SYS_IDT + 8 * v, (0x08u << 16) | (off & 0xFFFF));
        put32(SYS_IDT + 8 * v + 4, (off & 0xFFFF0000u) | 0x8E00u);
        put32(off, 0x909090F4u);
    }
    c->gdtr.base = SYS_GDT;
    c->gdtr.limit = 0x17;
    c->idtr.base = SYS_IDT;
    c->idtr.limit = NVEC * 8 - 1;
    c->cr0 |= CR0_PE | CR0_NE; /* NE: unmasked x87 exceptions as #MF, like the host */
    c->cr0 &= ~(CR0_EM | CR0_TS);
    cpu_seg_from_descriptor(&c->seg[SEG_CS], 0x08, 0x0000FFFFu, 0x00CF9B00u);
    for (int s = 0; s < 6; s++)
        if (s != SEG_CS)
            cpu_seg_from_descriptor(&c->seg[s], 0x10, 0x0000FFFFu, 0x00CF9300u);
    cpu_update_mode(c);
    cpu_tlb_flush(c, true);
    return 0;
}

static uint8_t *tram(uint32_t a)
{
    uint8_t *p = memmap_ram_page(&tm->mem, a & ~0xFFFu);
    return p ? p + (a & 0xFFF) : NULL;
}

/* Load tarsier's FPU from the 32-bit FNSAVE image of the sequence. */
static void tarsier_fpu_load(struct fpu *f, const uint8_t *im)
{
    f->cw = rd16(im);
    f->sw = rd16(im + 4);
    int top = (f->sw >> 11) & 7;
    uint16_t tw = rd16(im + 8);
    f->tw = 0;
    for (int i = 0; i < 8; i++) {
        int p = (top + i) & 7;
        f->st[p] = fx_make(rd16(im + 28 + 10 * i + 8), rd64(im + 28 + 10 * i));
    }
    for (int p = 0; p < 8; p++) {
        unsigned t = ((tw >> (2 * p)) & 3) == TAG_EMPTY ? TAG_EMPTY : (unsigned)fx_tag(f->st[p]);
        f->tw |= (uint16_t)(t << (2 * p));
    }
    f->fop = 0;
    f->fip = f->fdp = 0;
    f->fcs = f->fds = 0;
}

static void tarsier_fpu_get(const struct fpu *f, struct dt_fpust *o)
{
    o->cw = f->cw;
    o->sw = f->sw;
    o->tags = 0;
    for (int p = 0; p < 8; p++)
        if (((f->tw >> (2 * p)) & 3) != TAG_EMPTY)
            o->tags |= (uint8_t)(1u << p);
    int top = (f->sw >> 11) & 7;
    for (int i = 0; i < 8; i++) {
        struct fx80 v = f->st[(top + i) & 7];
        for (int k = 0; k < 8; k++)
            o->st[i][k] = (uint8_t)(v.sig >> (8 * k));
        o->st[i][8] = (uint8_t)v.se;
        o->st[i][9] = (uint8_t)(v.se >> 8);
    }
}

/* The comparable part of an FXSAVE image (FIP, FDP, FOP, MXCSR, XMM left out). */
static void fxsave_get(const uint8_t *fx, struct dt_fpust *o)
{
    o->cw = rd16(fx);
    o->sw = rd16(fx + 2);
    o->tags = fx[4];
    for (int i = 0; i < 8; i++)
        memcpy(o->st[i], fx + 32 + 16 * i, 10);
}

static int insn_at(const uint32_t *off, int n, uint32_t o)
{
    if (o > off[n])
        return -1;
    int k = 0;
    while (k < n && off[k + 1] <= o)
        k++;
    return k;
}

void tarsier_run(const struct dt_seq *s, const uint8_t *data, struct dt_result *res, uint64_t *icount)
{
    struct cpu *c = &tm->cpu;
    memmap_write_bytes(&tm->mem, DT_CODE_BASE, s->tcode, s->tlen);
    for (uint32_t k = 0; k < DT_DATA_SIZE; k += 0x1000)
        memcpy(tram(DT_DATA_BASE + k), data + k, 0x1000);
    memcpy(c->r, s->regs, sizeof(c->r));
    c->eip = DT_CODE_BASE;
    c->eflags = s->eflags;
    c->lf.op = CC_NONE;
    tarsier_fpu_load(&c->fpu, s->fpu);
    c->halted = 0;
    c->shutdown = 0;
    c->delivering = -1;
    c->fault_depth = 0;
    uint64_t before = c->icount;
    cpu_run(c, c->icount + 1000000);
    *icount += c->icount - before;
    res->fault_vec = -1;
    res->fault_insn = -1;
    res->stack_junk = 0;
    memcpy(res->regs, c->r, sizeof(res->regs));
    res->eflags = cpu_get_eflags(c);
    tarsier_fpu_get(&c->fpu, &res->fpu);
    if (c->halted && c->eip == DT_CODE_BASE + s->tlen) {
        /* the final HLT */
    } else if (c->halted && c->eip > SYS_HANDLERS && c->eip <= SYS_HANDLERS + 4 * NVEC) {
        uint32_t esp = c->r[R_ESP];
        res->fault_vec = (int)((c->eip - SYS_HANDLERS - 1) / 4);
        uint32_t ferr = (res->fault_vec == 8 || (res->fault_vec >= 10 && res->fault_vec <= 14) ||
                         res->fault_vec == 17) ? 4 : 0;
        uint32_t feip = memmap_read(&tm->mem, esp + ferr, 4);
        res->eflags = memmap_read(&tm->mem, esp + ferr + 8, 4);
        res->regs[R_ESP] = esp + ferr + 12;
        res->stack_junk = esp;
        res->fault_insn = insn_at(s->toff, s->n, feip - DT_CODE_BASE);
        if (feip < DT_CODE_BASE)
            res->fault_insn = -2;
    } else {
        res->fault_vec = 99; /* did not finish */
        res->fault_insn = insn_at(s->toff, s->n, c->eip - DT_CODE_BASE);
    }
    for (uint32_t k = 0; k < DT_DATA_SIZE; k += 0x1000)
        memcpy(res->mem + k, tram(DT_DATA_BASE + k), 0x1000);
}

/* ================================================================ native */

static uint8_t *shm;
static struct dt_ctl *nctl;
static int cmd_fd = -1, resp_fd = -1;
static pid_t helper_pid;
uint64_t capture_addr;

int native_start(const char *path)
{
    int fd = memfd_create("difftest", 0);
    if (fd < 0 || ftruncate(fd, DT_SHM_SIZE) < 0) {
        perror("difftest: memfd");
        return -1;
    }
    shm = mmap(NULL, DT_SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (shm == MAP_FAILED)
        return -1;
    nctl = (struct dt_ctl *)(shm + DT_SHM_CTL);
    int p1[2], p2[2];
    if (pipe(p1) || pipe(p2))
        return -1;
    helper_pid = fork();
    if (helper_pid < 0)
        return -1;
    if (helper_pid == 0) {
        char a[3][16];
        snprintf(a[0], sizeof(a[0]), "%d", fd);
        snprintf(a[1], sizeof(a[1]), "%d", p1[0]);
        snprintf(a[2], sizeof(a[2]), "%d", p2[1]);
        close(p1[1]);
        close(p2[0]);
        execl(path, path, a[0], a[1], a[2], (char *)NULL);
        fprintf(stderr, "difftest: cannot run %s: %s\n", path, strerror(errno));
        _exit(2);
    }
    close(p1[0]);
    close(p2[1]);
    close(fd);
    cmd_fd = p1[1];
    resp_fd = p2[0];
    char c;
    if (read(resp_fd, &c, 1) != 1 || c != 'R') {
        fprintf(stderr, "difftest: native helper did not start\n");
        return -1;
    }
    capture_addr = nctl->capture_addr;
    return 0;
}

void native_go(const struct dt_seq *s, const uint8_t *data)
{
    memcpy(shm + DT_SHM_CODE, s->ncode, s->nlen);
    memcpy(shm + DT_SHM_DATA, data, DT_DATA_SIZE);
    memcpy(nctl->in_regs, s->regs, sizeof(nctl->in_regs));
    memcpy(shm + DT_SHM_CTL + DT_CTL_FPU_IN, s->fpu, DT_FPU_IMAGE);
    nctl->in_eflags = s->eflags;
    char c = 'G';
    if (write(cmd_fd, &c, 1) != 1) {
        fprintf(stderr, "difftest: native helper gone\n");
        exit(2);
    }
}

void native_wait(const struct dt_seq *s, struct dt_result *res)
{
    char c;
    if (read(resp_fd, &c, 1) != 1) {
        int st = 0;
        waitpid(helper_pid, &st, 0);
        fprintf(stderr, "difftest: native helper died (status %#x)\n", st);
        exit(2);
    }
    memcpy(res->regs, nctl->out_regs, sizeof(res->regs));
    res->eflags = (uint32_t)nctl->out_eflags;
    fxsave_get(shm + DT_SHM_CTL + DT_CTL_FX_OUT, &res->fpu);
    res->fault_vec = nctl->fault_vec;
    res->fault_insn = -1;
    res->stack_junk = 0;
    if (res->fault_vec >= 0) {
        res->fault_insn = nctl->fault_off < DT_CODE_SIZE ? insn_at(s->noff, s->n, nctl->fault_off) : -2;
        if (res->fault_vec == 1 || res->fault_vec == 3)
            res->fault_vec = 100 + res->fault_vec; /* a trap: should never happen */
    }
    memcpy(res->mem, shm + DT_SHM_DATA, DT_DATA_SIZE);
}

/* ================================================================ unicorn */

#ifdef DT_HAVE_UNICORN
/* Unicorn is loaded with dlopen(RTLD_DEEPBIND): it embeds QEMU, whose global
 * symbols (cpu_reset, ...) would otherwise bind to tarsier's functions of the
 * same names. */
static uc_err (*p_uc_open)(uc_arch, uc_mode, uc_engine **);
static uc_err (*p_uc_mem_map)(uc_engine *, uint64_t, size_t, uint32_t);
static uc_err (*p_uc_hook_add)(uc_engine *, uc_hook *, int, void *, void *, uint64_t, uint64_t, ...);
static uc_err (*p_uc_mem_write)(uc_engine *, uint64_t, const void *, size_t);
static uc_err (*p_uc_mem_read)(uc_engine *, uint64_t, void *, size_t);
static uc_err (*p_uc_reg_write)(uc_engine *, int, const void *);
static uc_err (*p_uc_reg_read)(uc_engine *, int, void *);
static uc_err (*p_uc_emu_start)(uc_engine *, uint64_t, uint64_t, uint64_t, size_t);
static uc_err (*p_uc_emu_stop)(uc_engine *);
static uc_err (*p_uc_ctl)(uc_engine *, uc_control_type, ...);
static uc_err (*p_uc_close)(uc_engine *);

static uc_engine *uc;
static int uc_intno;
static uint32_t uc_fault_eip;

static void uc_on_intr(uc_engine *u, uint32_t intno, void *user)
{
    (void)user;
    uc_intno = (int)intno;
    int32_t eip;
    p_uc_reg_read(u, UC_X86_REG_EIP, &eip);
    uc_fault_eip = (uint32_t)eip;
    p_uc_emu_stop(u);
}

static int unicorn_open(void);

int unicorn_init(void)
{
#if defined(__SANITIZE_ADDRESS__)
    /* the ASan runtime refuses RTLD_DEEPBIND: no Unicorn in sanitizer builds */
    return -1;
#endif
    void *h = dlopen("libunicorn.so.2", RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!h) {
        fprintf(stderr, "difftest: %s\n", dlerror());
        return -1;
    }
#define DT_SYM(n) (*(void **)&p_##n = dlsym(h, #n)) == NULL
    if (DT_SYM(uc_open) || DT_SYM(uc_mem_map) || DT_SYM(uc_hook_add) || DT_SYM(uc_mem_write) ||
        DT_SYM(uc_mem_read) || DT_SYM(uc_reg_write) || DT_SYM(uc_reg_read) || DT_SYM(uc_emu_start) ||
        DT_SYM(uc_emu_stop) || DT_SYM(uc_ctl) || DT_SYM(uc_close))
        return -1;
#undef DT_SYM
    return unicorn_open();
}

/* A fresh engine: after an exception stopped the emulation, Unicorn 2.0.1
 * misses the next one (no interrupt hook call), so each fault reopens it. */
static int unicorn_open(void)
{
    if (uc)
        p_uc_close(uc);
    uc = NULL;
    if (p_uc_open(UC_ARCH_X86, UC_MODE_32, &uc) != UC_ERR_OK)
        return -1;
    p_uc_mem_map(uc, DT_CODE_BASE, DT_CODE_SIZE, UC_PROT_ALL);
    p_uc_mem_map(uc, DT_DATA_BASE, DT_DATA_SIZE, UC_PROT_READ | UC_PROT_WRITE);
    uc_hook hk;
    p_uc_hook_add(uc, &hk, UC_HOOK_INTR, (void *)uc_on_intr, NULL, 1, 0);
    return 0;
}

/* Unicorn 2.0.1 divides EDX:EAX = 2^63 by -1 with the host's IDIV in
 * helper_idivl_EAX and dies of SIGFPE: catch that, drop the engine and the
 * comparison (counted as "unicorn crashes"). */
static sigjmp_buf uc_crash_jmp;
static volatile sig_atomic_t uc_in_run;
uint64_t uc_crashes;

static void uc_on_sigfpe(int sig)
{
    if (uc_in_run)
        siglongjmp(uc_crash_jmp, 1);
    signal(sig, SIG_DFL);
    raise(sig);
}

int unicorn_run(const struct dt_seq *s, const uint8_t *data, struct dt_result *res)
{
    static const int ids[8] = { UC_X86_REG_EAX, UC_X86_REG_ECX, UC_X86_REG_EDX, UC_X86_REG_EBX,
                                UC_X86_REG_ESP, UC_X86_REG_EBP, UC_X86_REG_ESI, UC_X86_REG_EDI };
    p_uc_mem_write(uc, DT_CODE_BASE, s->tcode, s->tlen);
    p_uc_ctl(uc, UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2), (uint64_t)DT_CODE_BASE,
             (uint64_t)(DT_CODE_BASE + DT_CODE_SIZE));
    p_uc_mem_write(uc, DT_DATA_BASE, data, DT_DATA_SIZE);
    for (int k = 0; k < 8; k++) {
        uint32_t v = s->regs[k];
        p_uc_reg_write(uc, ids[k], &v);
    }
    uint32_t fl = s->eflags;
    p_uc_reg_write(uc, UC_X86_REG_EFLAGS, &fl);
    uc_intno = -1;
    signal(SIGFPE, uc_on_sigfpe);
    if (sigsetjmp(uc_crash_jmp, 1)) {
        uc_in_run = 0;
        uc_crashes++;
        uc = NULL; /* abandoned: its state is unknown after the longjmp */
        if (unicorn_open()) {
            fprintf(stderr, "difftest: cannot reopen Unicorn\n");
            exit(2);
        }
        return -1;
    }
    uc_in_run = 1;
    uc_err err = p_uc_emu_start(uc, DT_CODE_BASE, DT_CODE_BASE + s->toff[s->n], 0, 1000000);
    uc_in_run = 0;
    res->fault_vec = -1;
    res->fault_insn = -1;
    res->stack_junk = 0;
    for (int k = 0; k < 8; k++)
        p_uc_reg_read(uc, ids[k], &res->regs[k]);
    p_uc_reg_read(uc, UC_X86_REG_EFLAGS, &res->eflags);
    if (uc_intno >= 0) {
        res->fault_vec = uc_intno;
        res->fault_insn = insn_at(s->toff, s->n, uc_fault_eip - DT_CODE_BASE);
    } else if (err != UC_ERR_OK) {
        int32_t eip;
        p_uc_reg_read(uc, UC_X86_REG_EIP, &eip);
        res->fault_vec = err == UC_ERR_INSN_INVALID ? 6 : 98;
        res->fault_insn = insn_at(s->toff, s->n, (uint32_t)eip - DT_CODE_BASE);
    }
    p_uc_mem_read(uc, DT_DATA_BASE, res->mem, DT_DATA_SIZE);
    if (res->fault_vec >= 0 && unicorn_open()) {
        fprintf(stderr, "difftest: cannot reopen Unicorn\n");
        exit(2);
    }
    return 0;
}
#endif
