/*
 * difftest.c - differential tester: random instruction sequences run in
 * tarsier and on the host processor (native helper), optionally also in
 * Unicorn; registers, EFLAGS (undefined flags masked), memory and faults are
 * compared.  See docs/difftest.md.
 *
 * Usage: difftest [options]
 *   -s SEED     base seed (default 1)
 *   -n N        stop after N generated instructions (default 200000)
 *   -S SEQSEED  run the single sequence with this seed (reproducer), verbose
 *   -H PATH     native helper executable (default: dt_native next to difftest)
 *   -u          also run native-encodable sequences in Unicorn (third opinion)
 *   -U          Unicorn only (no native helper)
 *   -b PCT      percentage of sequences with BCD/PUSHA/POPA (Unicorn only; default 10
 *               when Unicorn is available)
 *   -m N        print at most N difference reports (default 10)
 *   -q          quiet: summary only
 *   -e LIST     comma-separated generator classes to leave out (e.g. -e xadd while a
 *               known bug would hide others); -e help lists them
 *   -k N        with -S: run only the first N instructions of the sequence
 *   -E PCT      percentage of sequences that may unmask x87 exceptions (default 0;
 *               docs/difftest.md class 13)
 *   -x HEX      run these bytes (one instruction each, 32-bit encoding) instead of random
 *               sequences; -X HEX gives the native bytes (default: the same), -r
 *               "eax=1,ecx=2,...,eflags=0x202" the initial registers (others 0, ESP
 *               0x02001800; also cw=, sw=, tw= and st0..st7=SE:SIG for the x87, which
 *               otherwise starts in the FNINIT state), -M SEED the data-buffer seed.
 *               With -u, Unicorn too.
 * Exit status: 0 no unexplained difference, 1 differences, 2 setup error.
 */
#include <capstone/capstone.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef DT_HAVE_UNICORN
#include <dlfcn.h>
#include <unicorn/unicorn.h>
#endif

#include "cpu/cpu.h"
#include "machine/machine.h"
#include "tests/difftest/dt.h"

#define SYS_GDT 0x1000u
#define SYS_IDT 0x2000u
#define SYS_HANDLERS 0x3000u
#define NVEC 32

static const char *const regname[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };

/* ================================================================ tarsier */

static struct machine *tm;
static int have_mmx; /* the tarsier model runs MMX (pentium2) */

static void put32(uint32_t a, uint32_t v) { memmap_write(&tm->mem, a, v, 4); }

static int tarsier_init(void)
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

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint64_t rd64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int k = 7; k >= 0; k--)
        v = v << 8 | p[k];
    return v;
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

static void tarsier_run(const struct dt_seq *s, const uint8_t *data, struct dt_result *res, uint64_t *icount)
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
static uint64_t capture_addr;

static int native_start(const char *path)
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

static void native_go(const struct dt_seq *s, const uint8_t *data)
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

static void native_wait(const struct dt_seq *s, struct dt_result *res)
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

static int unicorn_init(void)
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
static uint64_t uc_crashes;

static void uc_on_sigfpe(int sig)
{
    if (uc_in_run)
        siglongjmp(uc_crash_jmp, 1);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Returns -1 when Unicorn crashed (no result). */
static int unicorn_run(const struct dt_seq *s, const uint8_t *data, struct dt_result *res)
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

/* ================================================================ compare */

static uint64_t explained_undef, explained_cc, fault_seen[128], uc_only_diffs;

struct diff {
    char text[4096];
    int len;
};

static void dprintf_(struct diff *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(d->text + d->len, sizeof(d->text) - (size_t)d->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        d->len = d->len + n < (int)sizeof(d->text) ? d->len + n : (int)sizeof(d->text) - 1;
}

/* Compare two results; returns the number of differing items and describes them in d. */
static int skipped(const struct dt_seq *s, uint32_t addr)
{
    for (int k = 0; k < s->nskip; k++)
        if (addr >= s->skip_addr[k] && addr < s->skip_addr[k] + s->skip_len[k])
            return 1;
    return 0;
}

static void print_fx80(struct diff *d, const uint8_t *v)
{
    dprintf_(d, "%04x:%016llx", rd16(v + 8), (unsigned long long)rd64(v));
}

/* x87/MMX state: control word, status word (C0-C3 under cm), tags, ST(0)-ST(7). */
static int compare_fpu(const struct dt_fpust *a, const struct dt_fpust *b, uint16_t cm, const char *an,
                       const char *bn, struct diff *d)
{
    int nd = 0;
    if (a->cw != b->cw) {
        dprintf_(d, "  fpu cw: %s %04x, %s %04x\n", an, a->cw, bn, b->cw);
        nd++;
    }
    if ((a->sw ^ b->sw) & cm) {
        dprintf_(d, "  fpu sw (mask %04x): %s %04x, %s %04x\n", cm, an, a->sw, bn, b->sw);
        nd++;
    }
    if (a->tags != b->tags) {
        dprintf_(d, "  fpu tags (non-empty): %s %02x, %s %02x\n", an, a->tags, bn, b->tags);
        nd++;
    }
    for (int i = 0; i < 8; i++)
        if (memcmp(a->st[i], b->st[i], 10)) {
            dprintf_(d, "  st(%d): %s ", i, an);
            print_fx80(d, a->st[i]);
            dprintf_(d, ", %s ", bn);
            print_fx80(d, b->st[i]);
            dprintf_(d, "\n");
            nd++;
        }
    return nd;
}

static int compare(const struct dt_seq *s, const struct dt_result *a, const struct dt_result *b,
                   const char *an, const char *bn, struct diff *d, int with_fpu)
{
    int nd = 0;
    if (a->fault_vec != b->fault_vec || a->fault_insn != b->fault_insn) {
        dprintf_(d, "  fault: %s vec %d at insn %d, %s vec %d at insn %d\n", an, a->fault_vec,
                 a->fault_insn, bn, b->fault_vec, b->fault_insn);
        return 1; /* the states are not comparable */
    }
    int at = a->fault_vec >= 0 ? a->fault_insn : s->n;
    if (at < 0)
        at = s->n;
    for (int k = 0; k < 8; k++)
        if (a->regs[k] != b->regs[k]) {
            dprintf_(d, "  %s: %s %08x, %s %08x\n", regname[k], an, a->regs[k], bn, b->regs[k]);
            nd++;
        }
    uint32_t m = s->fmask[at];
    if ((a->eflags ^ b->eflags) & 0x00247FD7u & ~m)
        explained_undef++; /* only flags the SDM leaves undefined differ */
    if ((a->eflags ^ b->eflags) & m) {
        dprintf_(d, "  eflags (mask %08x): %s %08x, %s %08x, differing %08x\n", m, an, a->eflags & m, bn,
                 b->eflags & m, (a->eflags ^ b->eflags) & m);
        nd++;
    }
    if (with_fpu) {
        if ((a->fpu.sw ^ b->fpu.sw) & FSW_CC & ~s->cmask[at])
            explained_cc++; /* only condition codes the SDM leaves undefined differ */
        nd += compare_fpu(&a->fpu, &b->fpu, s->cmask[at], an, bn, d);
    }
    uint32_t j0 = a->stack_junk | b->stack_junk;
    int shown = 0;
    for (uint32_t k = 0; k < DT_DATA_SIZE; k++) {
        uint32_t addr = DT_DATA_BASE + k;
        if ((j0 && addr >= j0 && addr < j0 + 16) || skipped(s, addr))
            continue;
        if (a->mem[k] != b->mem[k]) {
            if (shown++ < 8)
                dprintf_(d, "  mem[%08x]: %s %02x, %s %02x\n", addr, an, a->mem[k], bn, b->mem[k]);
            nd++;
        }
    }
    if (shown > 8)
        dprintf_(d, "  ... %d differing bytes in all\n", shown);
    return nd;
}

/* ================================================================ reports */

static csh cs_handle;

static void print_seq(FILE *f, const struct dt_seq *s, int upto, int mark)
{
    fprintf(f, "  initial:");
    for (int k = 0; k < 8; k++)
        fprintf(f, " %s=%08x", regname[k], s->regs[k]);
    fprintf(f, " eflags=%08x mem_seed=%016llx\n", s->eflags, (unsigned long long)s->mem_seed);
    if (s->has_fpu) {
        fprintf(f, "  initial x87: cw=%04x sw=%04x tw=%04x", rd16(s->fpu), rd16(s->fpu + 4), rd16(s->fpu + 8));
        for (int i = 0; i < 8; i++)
            fprintf(f, "%s st%d=%04x:%016llx", i % 3 == 0 ? "\n   " : "", i, rd16(s->fpu + 28 + 10 * i + 8),
                    (unsigned long long)rd64(s->fpu + 28 + 10 * i));
        fprintf(f, "\n");
    }
    for (int k = 0; k < upto && k < s->n; k++) {
        uint32_t o = s->toff[k], len = s->toff[k + 1] - o;
        cs_insn *in = NULL;
        size_t cnt = cs_disasm(cs_handle, s->tcode + o, len, DT_CODE_BASE + o, 1, &in);
        fprintf(f, "  %c %2d %08x ", k == mark ? '>' : ' ', k, DT_CODE_BASE + o);
        for (uint32_t b = 0; b < len; b++)
            fprintf(f, "%02x", s->tcode[o + b]);
        fprintf(f, "%*s %s %s\n", (int)(len > 12 ? 0 : 2 * (12 - len)), "", cnt ? in[0].mnemonic : "?",
                cnt ? in[0].op_str : "");
        if (cnt)
            cs_free(in, cnt);
    }
}

/* Differences per culprit mnemonic (with the operand kinds), for the summary. */
static struct {
    char name[48];
    uint64_t n;
} mn_tab[64];

static void count_mnemonic(const struct dt_seq *s, int k)
{
    uint32_t o = s->toff[k];
    cs_insn *in = NULL;
    char key[48] = "?";
    if (cs_disasm(cs_handle, s->tcode + o, s->toff[k + 1] - o, DT_CODE_BASE + o, 1, &in) == 1) {
        snprintf(key, sizeof(key), "%s%s", in[0].mnemonic, strchr(in[0].op_str, '[') ? " mem" : "");
        cs_free(in, 1);
    }
    for (int j = 0; j < 64; j++) {
        if (!mn_tab[j].name[0])
            snprintf(mn_tab[j].name, sizeof(mn_tab[j].name), "%s", key);
        if (!strcmp(mn_tab[j].name, key)) {
            mn_tab[j].n++;
            return;
        }
    }
}

/* ================================================================ driver */

struct opts {
    uint64_t seed;
    uint64_t ninsns;
    int single;
    uint64_t single_seed;
    const char *helper;
    int also_unicorn, unicorn_only;
    int bcd_pct;
    int max_reports;
    int quiet;
    const char *xhex, *nhex, *regs;
    uint64_t mseed;
    int cut;
};

static int parse_hex(const char *h, uint8_t *out, int max)
{
    int n = 0;
    while (*h && n < max) {
        if (*h == ' ' || *h == ':') {
            h++;
            continue;
        }
        unsigned v;
        if (sscanf(h, "%2x", &v) != 1)
            return -1;
        out[n++] = (uint8_t)v;
        h += 2;
    }
    return n;
}

/* A sequence from -x/-X/-r/-M: the whole byte string counts as one instruction. */
static int explicit_seq(const struct opts *o, struct dt_seq *s)
{
    memset(s, 0, sizeof(*s));
    int tl = parse_hex(o->xhex, s->tcode, DT_MAX_CODE - 16);
    int nl = parse_hex(o->nhex ? o->nhex : o->xhex, s->ncode, DT_MAX_CODE - 16);
    if (tl <= 0 || nl <= 0)
        return -1;
    s->n = 1;
    s->toff[1] = (uint32_t)tl;
    s->noff[1] = (uint32_t)nl;
    s->fmask[0] = s->fmask[1] = 0x00247FD7u;
    s->tlen = (uint32_t)tl;
    s->nlen = (uint32_t)nl;
    s->tcode[s->tlen++] = 0xF4;
    static const uint8_t tail[3] = { 0x41, 0xFF, 0xE0 };
    s->ncode[s->nlen++] = 0x49;
    s->ncode[s->nlen++] = 0xB8;
    for (int k = 0; k < 8; k++)
        s->ncode[s->nlen++] = (uint8_t)(capture_addr >> (8 * k));
    memcpy(s->ncode + s->nlen, tail, 3);
    s->nlen += 3;
    s->native_ok = 1;
    /* x87 in the FNINIT state */
    s->fpu[0] = 0x7F;
    s->fpu[1] = 0x03;
    s->fpu[8] = s->fpu[9] = 0xFF;
    s->cmask[0] = s->cmask[1] = 0xFFFF;
    s->regs[R_ESP] = DT_DATA_BASE + 0x1800;
    s->eflags = 0x202;
    s->mem_seed = o->mseed;
    const char *p = o->regs ? o->regs : "";
    while (*p) {
        char name[16];
        unsigned long v;
        int used = 0;
        unsigned se;
        unsigned long long sig;
        if (sscanf(p, "st%1[0-7]=%x:%llx%n", name, &se, &sig, &used) == 3) {
            /* st0..st7 = SE:SIGNIFICAND (hex) of the initial FNSAVE image */
            uint8_t *q = s->fpu + 28 + 10 * (name[0] - '0');
            for (int k = 0; k < 8; k++)
                q[k] = (uint8_t)(sig >> (8 * k));
            q[8] = (uint8_t)se;
            q[9] = (uint8_t)(se >> 8);
            p += used;
            if (*p == ',')
                p++;
            continue;
        }
        if (sscanf(p, "%15[a-z]=%li%n", name, (long *)&v, &used) != 2)
            return -1;
        int found = 0;
        static const char *const fpn[3] = { "cw", "sw", "tw" }; /* x87 control, status, tag word */
        for (int k = 0; k < 3; k++)
            if (!strcmp(name, fpn[k])) {
                s->fpu[4 * k] = (uint8_t)v;
                s->fpu[4 * k + 1] = (uint8_t)(v >> 8);
                found = 1;
            }
        for (int k = 0; k < 8; k++)
            if (!strcmp(name, regname[k])) {
                s->regs[k] = (uint32_t)v;
                found = 1;
            }
        if (!strcmp(name, "eflags")) {
            s->eflags = (uint32_t)v;
            found = 1;
        }
        if (!found)
            return -1;
        p += used;
        if (*p == ',')
            p++;
    }
    return 0;
}

static struct dt_genopt genopt = { 4, 40, 0, 0, 0, 0 };
static int have_native, have_unicorn;

/* Run sequence s on the reference(s) and tarsier; returns unexplained differences. */
static struct dt_result rt, rn, ru;

static void print_fpu(const char *who, const struct dt_result *r)
{
    printf("  %s: vec %d insn %d eflags=%08x x87 cw=%04x sw=%04x tags=%02x", who, r->fault_vec, r->fault_insn,
           r->eflags, r->fpu.cw, r->fpu.sw, r->fpu.tags);
    for (int i = 0; i < 8; i++)
        printf("%s st%d=%04x:%016llx", i % 3 == 0 ? "\n   " : "", i, rd16(r->fpu.st[i] + 8),
               (unsigned long long)rd64(r->fpu.st[i]));
    printf("\n");
}

static int run_one(const struct opts *o, const struct dt_seq *s, uint8_t *data, struct diff *d, uint64_t *ic)
{
    int nd = 0;
    dt_fill_data(data, s->mem_seed);
    int use_native = have_native && s->native_ok && !o->unicorn_only;
    if (use_native)
        native_go(s, data);
    tarsier_run(s, data, &rt, ic);
    fault_seen[rt.fault_vec >= 0 && rt.fault_vec < 127 ? rt.fault_vec : 127]++;
    if (use_native) {
        native_wait(s, &rn);
        nd += compare(s, &rn, &rt, "host", "tarsier", d, 1);
    }
#ifdef DT_HAVE_UNICORN
    /* Unicorn is no x87/MMX oracle: sequences with FP instructions are not run there */
    if (have_unicorn && !s->has_fpu && (!use_native || o->also_unicorn)) {
        if (unicorn_run(s, data, &ru) == 0) {
            if (use_native && nd == 0) {
                /* the host is the authority: Unicorn alone disagreeing is Unicorn's defect */
                struct diff tmp;
                tmp.len = 0;
                if (compare(s, &ru, &rt, "unicorn", "tarsier", &tmp, 0))
                    uc_only_diffs++;
            } else {
                nd += compare(s, &ru, &rt, "unicorn", "tarsier", d, 0);
            }
        }
    }
#else
    (void)ru;
#endif
    return nd;
}

/* t = the first n instructions of s (n must not be a nocut point). */
static void prefix_of(const struct dt_seq *s, int n, struct dt_seq *t)
{
    *t = *s;
    t->n = n;
    t->tlen = s->toff[n];
    t->nlen = s->noff[n];
    t->tcode[t->tlen++] = 0xF4;
    memcpy(t->ncode + t->nlen, s->ncode + s->noff[s->n], s->nlen - s->noff[s->n]);
    t->nlen += s->nlen - s->noff[s->n];
}

/* Shortest prefix of s that still differs: the culprit is its last instruction. */
static int minimize(const struct opts *o, const struct dt_seq *s, uint8_t *data, struct dt_seq *t)
{
    int lo = 0, hi = s->n; /* prefix hi differs; find the smallest */
    struct diff d;
    uint64_t ic = 0;
    while (lo + 1 < hi) {
        int mid = (lo + hi) / 2;
        while (mid < hi && s->nocut[mid])
            mid++;
        if (mid >= hi)
            break;
        prefix_of(s, mid, t);
        d.len = 0;
        if (run_one(o, t, data, &d, &ic))
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

static uint64_t seq_seed(uint64_t base, uint64_t idx)
{
    struct dt_rng r = { base * 0x100000001B3ull ^ (idx + 1) * 0x9E3779B97F4A7C15ull };
    return dt_rand64(&r);
}

static void usage(void)
{
    fprintf(stderr, "usage: difftest [-s SEED] [-n INSNS] [-S SEQSEED] [-H HELPER] [-u] [-U] [-b PCT] "
                    "[-m N] [-q]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    struct opts o = { 1, 200000, 0, 0, NULL, 0, 0, -1, 10, 0, NULL, NULL, NULL, 0, 0 };
    int opt;
    while ((opt = getopt(argc, argv, "s:n:S:H:uUb:m:qx:X:r:M:e:E:k:")) != -1) {
        switch (opt) {
        case 's': o.seed = strtoull(optarg, NULL, 0); break;
        case 'n': o.ninsns = strtoull(optarg, NULL, 0); break;
        case 'S': o.single = 1; o.single_seed = strtoull(optarg, NULL, 0); break;
        case 'H': o.helper = optarg; break;
        case 'u': o.also_unicorn = 1; break;
        case 'U': o.unicorn_only = 1; break;
        case 'b': o.bcd_pct = atoi(optarg); break;
        case 'm': o.max_reports = atoi(optarg); break;
        case 'q': o.quiet = 1; break;
        case 'e': {
            char buf[256];
            snprintf(buf, sizeof(buf), "%s", optarg);
            for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
                int k = dt_class_index(t);
                if (k < 0) {
                    fprintf(stderr, "difftest: classes: %s\n", dt_class_names());
                    return 2;
                }
                genopt.exclude |= 1u << k;
            }
            break;
        }
        case 'x': o.xhex = optarg; o.single = 1; break;
        case 'X': o.nhex = optarg; break;
        case 'r': o.regs = optarg; break;
        case 'M': o.mseed = strtoull(optarg, NULL, 0); break;
        case 'E': genopt.fpu_unmasked_pct = atoi(optarg); break;
        case 'k': o.cut = atoi(optarg); break;
        default: usage();
        }
    }
    signal(SIGPIPE, SIG_IGN);
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs_handle) != CS_ERR_OK)
        return 2;
    if (tarsier_init())
        return 2;
    char helper_buf[PATH_MAX];
    if (!o.helper) {
        ssize_t n = readlink("/proc/self/exe", helper_buf, sizeof(helper_buf) - 16);
        if (n > 0) {
            helper_buf[n] = 0;
            char *sl = strrchr(helper_buf, '/');
            strcpy(sl ? sl + 1 : helper_buf, "dt_native");
            o.helper = helper_buf;
        }
    }
    if (!o.unicorn_only) {
#if defined(__x86_64__)
        if (o.helper && access(o.helper, X_OK) == 0 && native_start(o.helper) == 0)
            have_native = 1;
#endif
        if (!have_native)
            fprintf(stderr, "difftest: no native helper (x86-64 host needed)%s\n",
                    o.helper ? "" : ": helper not found");
    }
#ifdef DT_HAVE_UNICORN
    if (o.unicorn_only || o.also_unicorn || o.bcd_pct != 0)
        have_unicorn = unicorn_init() == 0;
#endif
    if (!have_mmx || o.unicorn_only) {
        /* no MMX model yet / Unicorn is no x87 oracle */
        genopt.exclude |= 1u << dt_class_index("mmx");
        if (!o.quiet && !o.unicorn_only)
            fprintf(stderr, "difftest: no pentium2 model: class mmx left out\n");
    }
    if (o.unicorn_only)
        genopt.exclude |= 1u << dt_class_index("x87");
    if (!have_native && !have_unicorn) {
        fprintf(stderr, "difftest: no reference available; skipping\n");
        return 77;
    }
    if (o.bcd_pct < 0)
        o.bcd_pct = 10;
    if (!have_unicorn)
        o.bcd_pct = 0;

    static struct dt_seq s, t;
    static uint8_t data[DT_DATA_SIZE];
    struct diff d;
    uint64_t gen_insns = 0, run_insns = 0, seqs = 0, faults = 0, x87_insns = 0, mmx_insns = 0;
    int bad = 0;
    uint64_t kind_bad[64] = { 0 };
    time_t t0 = time(NULL);
    for (uint64_t idx = 0; o.single ? idx < 1 : gen_insns < o.ninsns; idx++) {
        uint64_t ss = o.single ? o.single_seed : seq_seed(o.seed, idx);
        struct dt_rng r = { ss };
        struct dt_genopt g = genopt;
        uint32_t pick = dt_rand(&r, 100);
        g.only_nonnative = (int)pick < o.bcd_pct || (o.unicorn_only && (int)pick < 15);
        if (!have_native)
            g.allow_nonnative = 1;
        if (o.xhex) {
            if (explicit_seq(&o, &s)) {
                fprintf(stderr, "difftest: bad -x/-X/-r\n");
                return 2;
            }
            if (!have_native)
                s.native_ok = 0;
        } else {
            dt_generate(&s, &r, &g, capture_addr);
            if (o.cut > 0 && o.cut < s.n) {
                prefix_of(&s, o.cut, &t);
                s = t;
            }
        }
        d.len = 0;
        int nd = run_one(&o, &s, data, &d, &run_insns);
        gen_insns += (uint64_t)s.n;
        for (int k = 0; k < s.n; k++) {
            const char *kn = dt_kind_name(s.kind[k]);
            if (!strncmp(kn, "mmx", 3))
                mmx_insns++;
            else if (!strncmp(kn, "x87", 3) && strcmp(kn, "x87 prelude"))
                x87_insns++;
        }
        seqs++;
        if (o.single) {
            print_seq(stdout, &s, s.n, -1);
            print_fpu("tarsier", &rt);
            if (s.native_ok && have_native && !o.unicorn_only)
                print_fpu("host", &rn);
            if (nd)
                printf("%s", d.text);
            else
                printf("no difference\n");
        }
        if (nd == 0)
            continue;
        bad++;
        if (o.xhex)
            break;
        int culprit = minimize(&o, &s, data, &t) - 1;
        if (culprit >= 0 && culprit < s.n) {
            kind_bad[s.kind[culprit]]++;
            count_mnemonic(&s, culprit);
        }
        if (!o.quiet && bad <= o.max_reports) {
            printf("DIFFERENCE in sequence seed %#llx (rerun: difftest -S %#llx)%s\n", (unsigned long long)ss,
                   (unsigned long long)ss, s.native_ok ? "" : " [unicorn]");
            printf("%s", d.text);
            printf("  shortest differing prefix ends at insn %d (%s):\n", culprit,
                   culprit >= 0 ? dt_kind_name(s.kind[culprit]) : "?");
            print_seq(stdout, &s, culprit + 1, culprit);
            if (culprit >= 0) {
                d.len = 0;
                uint64_t ic = 0;
                prefix_of(&s, culprit + 1, &t);
                run_one(&o, &t, data, &d, &ic);
                printf("  differences of that prefix:\n%s", d.text);
            }
        }
    }
    (void)faults;
    printf("difftest: seed %llu: %llu sequences, %llu generated instructions, %llu executed by tarsier, "
           "%d with unexplained differences (%lds)\n",
           (unsigned long long)o.seed, (unsigned long long)seqs, (unsigned long long)gen_insns,
           (unsigned long long)run_insns, bad, (long)(time(NULL) - t0));
    printf("  generated x87 instructions: %llu, MMX instructions: %llu%s\n", (unsigned long long)x87_insns,
           (unsigned long long)mmx_insns, have_mmx ? "" : " (no pentium2 model: mmx left out)");
    printf("  sequences ending in a fault (tarsier):");
    for (int k = 0; k < 127; k++)
        if (fault_seen[k])
            printf(" vec %d: %llu", k, (unsigned long long)fault_seen[k]);
#ifdef DT_HAVE_UNICORN
    if (uc_only_diffs)
        printf("\n  sequences where only Unicorn disagrees (host == tarsier): %llu", (unsigned long long)uc_only_diffs);
    if (uc_crashes)
        printf("\n  Unicorn crashes (IDIV 2^63 / -1, comparison skipped): %llu", (unsigned long long)uc_crashes);
#endif
    printf("\n  comparisons where only SDM-undefined flags differ (explained): %llu\n",
           (unsigned long long)explained_undef);
    printf("  comparisons where only SDM-undefined x87 condition codes differ (explained): %llu\n",
           (unsigned long long)explained_cc);
    for (int k = 0; k < 64; k++)
        if (kind_bad[k])
            printf("  culprit class %-14s %llu\n", dt_kind_name(k), (unsigned long long)kind_bad[k]);
    for (int j = 0; j < 64 && mn_tab[j].name[0]; j++)
        printf("  culprit instruction %-18s %llu\n", mn_tab[j].name, (unsigned long long)mn_tab[j].n);
    return bad ? 1 : 0;
}
