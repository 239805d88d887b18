/*
 * singlestep.c - runs the SingleStepTests hardware-captured CPU vectors (MOO
 * format, gzip) against the tarsier CPU core.  See docs/singlestep.md and
 * the README.md next to the data for the format and the test procedure.
 * This file holds the runner and main; singlestep_meta.c reads metadata.json
 * and the revocation list, singlestep_moo.c the MOO files (singlestep.h).
 *
 * Each test: clear RAM, load registers and RAM bytes from INIT, single-step
 * until the CPU halts on the HLT that follows the instruction under test (or
 * the one placed at a jump target / exception handler), then compare every
 * register and every FINA RAM byte.  FLAGS are compared after AND-ing with
 * the metadata.json flags-mask of the opcode (or of its ModR/M reg
 * extension); the FLAGS word pushed by an exception is masked the same way.
 *
 * Usage:
 *   singlestep [-v N] [-a] [-o OPC[,OPC...]] MODEL DATADIR
 *       MODEL is 8086 or 286; DATADIR holds the NN[.R].MOO.gz files, and its
 *       parent directory metadata.json (and revocation_list.txt if any).
 *       -v N  print details of the first N failing tests of each file
 *       -a    print a table row for every file, not only failing ones
 *       -o    only run the listed opcode files (e.g. -o F6.7,D4)
 *   Exit status 0 when at least 99.9 % of the tests that ran passed, 1 if
 *   fewer, 2 on bad input (unreadable or corrupt files).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/cpu.h"
#include "machine/machine.h"
#include "tests/singlestep.h"

#define PASS_RATE 0.999
#define MAX_STEPS 64      /* a REP string runs in one step; then HLT or a handler's HLT */
#define MAX_DIRTY 512     /* RAM pages written by one test */

static const char *const reg_names[RG_COUNT] = { "ax", "bx", "cx", "dx", "cs", "ss", "ds",
                                                 "es", "sp", "bp", "si", "di", "ip", "flags" };

/* ================================================================ runner */

struct runner {
    struct machine *m;
    struct cpu *c;
    int is286;
    uint32_t ram_size;
    uint32_t dirty[MAX_DIRTY];
    int ndirty;
    int dirty_overflow;
    int verbose;              /* failing tests to describe per file */
};

static struct runner *g_run;

static void mark_dirty(struct runner *r, uint32_t page)
{
    for (int k = 0; k < r->ndirty; k++)
        if (r->dirty[k] == page)
            return;
    if (r->ndirty < MAX_DIRTY)
        r->dirty[r->ndirty++] = page;
    else
        r->dirty_overflow = 1;
}

/* Every RAM page is flagged as code before a test, so the first store to a
 * page reaches this hook: it records the page for clearing and then does
 * what the CPU's own hook does (invalidate decoded blocks). */
static void write_hook(void *opaque, uint32_t phys_page)
{
    mark_dirty(g_run, phys_page >> PAGE_SHIFT);
    block_cache_invalidate_page(opaque, phys_page);
}

static void clear_ram(struct runner *r)
{
    struct memmap *mem = &r->m->mem;
    if (r->dirty_overflow) {
        memset(mem->ram, 0, mem->ram_size);
        block_cache_flush_all(r->c);
    } else {
        for (int k = 0; k < r->ndirty; k++) {
            memset(mem->ram + ((size_t)r->dirty[k] << PAGE_SHIFT), 0, PAGE_SIZE);
            block_cache_invalidate_page(r->c, r->dirty[k] << PAGE_SHIFT);
        }
    }
    r->ndirty = 0;
    r->dirty_overflow = 0;
}

static void set_seg(struct cpu *c, int sreg, uint16_t sel)
{
    cpu_load_seg_real(c, sreg, sel);
}

static const int gpr_of[RG_COUNT] = { R_EAX, R_EBX, R_ECX, R_EDX, -1, -1, -1, -1, R_ESP, R_EBP, R_ESI, R_EDI, -1, -1 };

static void load_state(struct runner *r, const struct test *t)
{
    struct cpu *c = r->c;
    /* the parts of cpu_reset a previous test may have changed, without its
     * (per-test too costly) block cache flush */
    c->halted = 0;
    c->shutdown = 0;
    c->nmi_pending = 0;
    c->nmi_blocked = 0;
    c->inhibit_irq = 0;
    c->intr_line = 0;
    c->delivering = -1;
    c->fault_depth = 0;
    c->tf_pending = 0;
    c->suppress_tf = 0;
    c->stop_block = 1;
    for (int k = 0; k < 8; k++)
        c->r[k] = 0;
    for (int k = 0; k < RG_COUNT; k++)
        if (gpr_of[k] >= 0)
            c->r[gpr_of[k]] = t->init.regs[k];
    set_seg(c, SEG_CS, t->init.regs[RG_CS]);
    set_seg(c, SEG_SS, t->init.regs[RG_SS]);
    set_seg(c, SEG_DS, t->init.regs[RG_DS]);
    set_seg(c, SEG_ES, t->init.regs[RG_ES]);
    c->eip = t->init.regs[RG_IP];
    uint16_t fl = t->init.regs[RG_FLAGS];
    if (r->is286)
        fl &= 0x0FFF; /* real-mode 286 never holds IOPL/NT (README) */
    c->lf.op = CC_NONE;
    c->eflags = (fl & c->model->eflags_writable) | c->model->eflags_fixed1;
    cpu_update_mode(c);
}

static uint16_t get_reg(struct cpu *c, int k)
{
    switch (k) {
    case RG_CS: return c->seg[SEG_CS].sel;
    case RG_SS: return c->seg[SEG_SS].sel;
    case RG_DS: return c->seg[SEG_DS].sel;
    case RG_ES: return c->seg[SEG_ES].sel;
    case RG_IP: return (uint16_t)c->eip;
    case RG_FLAGS: return (uint16_t)cpu_get_eflags(c);
    default: return (uint16_t)c->r[gpr_of[k]];
    }
}

/* Result of one test. */
enum verdict { V_PASS, V_FAIL, V_SKIP };

struct file_stats {
    char name[32];
    long tests, passed, failed, skipped;
    char first_fail[160];
};

/* ModR/M reg field of the instruction bytes, or -1 (prefixes skipped). */
static int modrm_reg(const struct test *t)
{
    for (uint32_t k = 0; k < t->nbytes; k++) {
        uint8_t b = t->bytes[k];
        if (b == 0x26 || b == 0x2E || b == 0x36 || b == 0x3E || b == 0xF0 || b == 0xF1 || b == 0xF2 ||
            b == 0xF3)
            continue;
        return k + 1 < t->nbytes ? (t->bytes[k + 1] >> 3) & 7 : -1;
    }
    return -1;
}

static uint32_t g_ordinal; /* test number within its file */

static void describe(const struct test *t, const char *fmt, ...)
{
    va_list ap;
    printf("    test %u \"%.*s\" bytes", g_ordinal, (int)(t->name_len > 60 ? 60 : t->name_len), t->name ? t->name : "");
    for (uint32_t k = 0; k < t->nbytes && k < 16; k++)
        printf(" %02x", t->bytes[k]);
    printf(": ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n      init:");
    for (int k = 0; k < RG_COUNT; k++)
        printf(" %s=%04x", reg_names[k], t->init.regs[k]);
    if (t->has_excp)
        printf(" (expects exception %u, FLAGS at %06x)", t->excp_vec, t->excp_flags_addr);
    printf("\n");
}

static enum verdict run_test(struct runner *r, const struct test *t, uint16_t flags_mask, int show)
{
    struct cpu *c = r->c;
    struct memmap *mem = &r->m->mem;
    clear_ram(r);
    /* every page counts as code so that the first store to it is seen */
    memset(mem->code_lines, 0xFF, (size_t)(mem->ram_size >> PAGE_SHIFT) * CODE_WORDS_PER_PAGE * sizeof(uint64_t));
    for (uint32_t k = 0; k < t->init.nram; k++) {
        const uint8_t *e = t->init.ram + 5 * k;
        uint32_t a = le32(e) & mem->bus_mask;
        if (a >= r->ram_size) {
            if (show)
                describe(t, "INIT RAM address %06x beyond RAM", a);
            return V_FAIL;
        }
        mem->ram[a] = e[4];
        mark_dirty(r, a >> PAGE_SHIFT);
    }
    for (int k = 0; k < r->ndirty; k++)
        block_cache_invalidate_page(c, r->dirty[k] << PAGE_SHIFT);
    memset(mem->code_lines, 0xFF, (size_t)(mem->ram_size >> PAGE_SHIFT) * CODE_WORDS_PER_PAGE * sizeof(uint64_t));
    cpu_tlb_flush(c, true);
    load_state(r, t);

    /* the 286 set ends every test with a HLT (at the jump target or the
     * exception handler too); the 8086 set runs one instruction and follows
     * it with NOPs */
    int steps = 0;
    if (r->is286) {
        while (!c->halted && !c->shutdown && steps < MAX_STEPS) {
            cpu_step(c);
            steps++;
        }
    } else {
        cpu_step(c);
    }
    int bad = 0;
    if (r->is286 && !c->halted) {
        if (show)
            describe(t, c->shutdown ? "CPU shut down" : "did not halt within %d steps", MAX_STEPS);
        return V_FAIL;
    }
    /* registers */
    char msg[400];
    int mlen = 0;
    msg[0] = 0;
    for (int k = 0; k < RG_COUNT; k++) {
        uint16_t want = (t->fina.mask & (1u << k)) ? t->fina.regs[k] : t->init.regs[k];
        uint16_t got = get_reg(c, k);
        if (k == RG_FLAGS) {
            if (!(t->fina.mask & (1u << k)) && r->is286)
                want &= 0x0FFF;
            want &= flags_mask;
            got &= flags_mask;
        }
        if (want != got) {
            bad = 1;
            if (mlen < (int)sizeof(msg) - 40)
                mlen += snprintf(msg + mlen, sizeof(msg) - (size_t)mlen, " %s=%04x(want %04x)", reg_names[k], got, want);
        }
    }
    /* the FLAGS word an exception pushed: the 286 set says where it is; the
     * 8086 set does not, so a divide error is recognised by the final CS:IP
     * being the INT 0 vector's handler */
    uint32_t fl_addr = 0xFFFFFFFFu;
    uint16_t fss = (t->fina.mask & (1u << RG_SS)) ? t->fina.regs[RG_SS] : t->init.regs[RG_SS];
    uint16_t fsp = (t->fina.mask & (1u << RG_SP)) ? t->fina.regs[RG_SP] : t->init.regs[RG_SP];
    if (t->has_excp) {
        /* EXCP's address is rounded down to a word boundary; with an odd SP
         * the word is one byte up, so take it from the final SS:SP (the
         * handler only ran its HLT) */
        fl_addr = ((uint32_t)fss << 4) + (uint16_t)(fsp + 4);
        if ((fl_addr & ~1u) != (t->excp_flags_addr & ~1u))
            fl_addr = t->excp_flags_addr;
    } else if (!r->is286 && flags_mask != 0xFFFF) {
        uint16_t vec[4] = { 0, 0, 0, 0 };
        for (uint32_t k = 0; k < t->init.nram; k++) {
            uint32_t a = le32(t->init.ram + 5 * k);
            if (a < 4)
                vec[a] = t->init.ram[5 * k + 4];
        }
        uint16_t hip = (uint16_t)(vec[0] | vec[1] << 8), hcs = (uint16_t)(vec[2] | vec[3] << 8);
        uint16_t fcs = (t->fina.mask & (1u << RG_CS)) ? t->fina.regs[RG_CS] : t->init.regs[RG_CS];
        uint16_t fip = (t->fina.mask & (1u << RG_IP)) ? t->fina.regs[RG_IP] : t->init.regs[RG_IP];
        if (fcs == hcs && fip == hip)
            fl_addr = ((uint32_t)fss << 4) + (uint16_t)(fsp + 4);
    }
    for (uint32_t k = 0; k < t->fina.nram; k++) {
        const uint8_t *e = t->fina.ram + 5 * k;
        uint32_t a = le32(e) & mem->bus_mask;
        uint8_t want = e[4];
        uint8_t got = a < r->ram_size ? mem->ram[a] : 0xFF;
        if (fl_addr != 0xFFFFFFFFu) {
            if (a == (fl_addr & mem->bus_mask)) {
                want &= (uint8_t)flags_mask;
                got &= (uint8_t)flags_mask;
            } else if (a == ((fl_addr + 1) & mem->bus_mask)) {
                want &= (uint8_t)(flags_mask >> 8);
                got &= (uint8_t)(flags_mask >> 8);
            }
        }
        if (want != got) {
            bad = 1;
            if (mlen < (int)sizeof(msg) - 40)
                mlen += snprintf(msg + mlen, sizeof(msg) - (size_t)mlen, " [%06x]=%02x(want %02x)", a, got, want);
        }
    }
    if (bad && show)
        describe(t, "%s", msg);
    return bad ? V_FAIL : V_PASS;
}

/* Whether a test of this status runs.  Everything the model implements runs,
 * including 8086 aliases and undocumented forms (SALC, SETMO) and the 286's
 * #UD cases; skipped: statuses whose behaviour is not a property of the CPU
 * (see docs/singlestep.md). */
static int status_runs(const char *status, int is286)
{
    if (!strcmp(status, "normal") || !strcmp(status, "alias") || !strcmp(status, "undocumented"))
        return 1;
    if (!strcmp(status, "undefined"))
        return 1;     /* 286: #UD; 8086: 8F/C6/C7 ignore the reg field */
    if (!strcmp(status, "fpu"))
        return 1;     /* no coprocessor attached: ESC is defined without one */
    return 0;         /* prefix, extension, unlisted */
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int in_only_list(const char *only, const char *key)
{
    if (!only)
        return 1;
    size_t kl = strlen(key);
    const char *p = only;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == kl && !strncasecmp(p, key, l))
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int verbose = 0, all_rows = 0;
    const char *only = NULL;
    int a = 1;
    for (; a < argc && argv[a][0] == '-'; a++) {
        if (!strcmp(argv[a], "-v") && a + 1 < argc)
            verbose = atoi(argv[++a]);
        else if (!strcmp(argv[a], "-a"))
            all_rows = 1;
        else if (!strcmp(argv[a], "-o") && a + 1 < argc)
            only = argv[++a];
        else {
            fprintf(stderr, "singlestep: unknown option '%s'\n", argv[a]);
            return 2;
        }
    }
    if (argc - a != 2) {
        fprintf(stderr, "usage: singlestep [-v N] [-a] [-o OPC,...] 8086|286 DATADIR\n");
        return 2;
    }
    const char *model = argv[a], *dir = argv[a + 1];
    if (strcmp(model, "8086") && strcmp(model, "286")) {
        fprintf(stderr, "singlestep: model must be 8086 or 286\n");
        return 2;
    }
    int is286 = !strcmp(model, "286");

    char path[4096];
    snprintf(path, sizeof(path), "%s/../metadata.json", dir);
    struct jval *meta = load_json(path);
    if (!meta) {
        fprintf(stderr, "singlestep: %s\n", input_error());
        return 2;
    }
    if (!jget(meta, "opcodes")) {
        fprintf(stderr, "singlestep: %s: no \"opcodes\" object\n", path);
        return 2;
    }
    struct hashlist revoked_list;
    snprintf(path, sizeof(path), "%s/../revocation_list.txt", dir);
    if (load_revocations(path, &revoked_list)) {
        fprintf(stderr, "singlestep: %s\n", input_error());
        return 2;
    }

    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "singlestep: %s: cannot open directory: %s\n", dir, strerror(errno));
        return 2;
    }
    char **files = NULL;
    int nfiles = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l > 7 && !strcmp(de->d_name + l - 7, ".MOO.gz")) {
            char **nf = realloc(files, sizeof(char *) * (size_t)(nfiles + 1));
            if (!nf)
                return 2;
            files = nf;
            files[nfiles++] = strdup(de->d_name);
        }
    }
    closedir(d);
    if (!nfiles) {
        fprintf(stderr, "singlestep: %s: no .MOO.gz files\n", dir);
        return 2;
    }
    qsort(files, (size_t)nfiles, sizeof(char *), cmp_names);

    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.cpu_model = model;
    cfg.ram_mb = 16;
    cfg.no_rom = true;
    char err[256];
    struct machine *m = machine_create(&cfg, err, sizeof(err));
    if (!m) {
        fprintf(stderr, "singlestep: %s\n", err);
        return 2;
    }
    /* an empty board: every port reads as all ones, as on the test rig */
    portbus_init(&m->io);
    struct runner run;
    memset(&run, 0, sizeof(run));
    run.m = m;
    run.c = &m->cpu;
    run.is286 = is286;
    run.ram_size = m->mem.ram_size;
    run.verbose = verbose;
    g_run = &run;
    m->mem.code_write_hook = write_hook;
    m->mem.code_write_opaque = &m->cpu;

    long tot_tests = 0, tot_pass = 0, tot_fail = 0, tot_skip = 0;
    int input_errors = 0, rows = 0;
    clock_t t0 = clock();
    for (int f = 0; f < nfiles; f++) {
        char key[32], op[32];
        int freg = -1;
        snprintf(key, sizeof(key), "%.*s", (int)(strlen(files[f]) - 7), files[f]);
        if (!in_only_list(only, key))
            continue;
        snprintf(op, sizeof(op), "%s", key);
        char *dot = strchr(op, '.');
        if (dot) {
            *dot = 0;
            freg = dot[1] >= '0' && dot[1] <= '7' ? dot[1] - '0' : -1;
        }
        snprintf(path, sizeof(path), "%s/%s", dir, files[f]);
        struct moo mf;
        struct file_stats fs;
        memset(&fs, 0, sizeof(fs));
        snprintf(fs.name, sizeof(fs.name), "%s", key);
        if (moo_open(&mf, path)) {
            fprintf(stderr, "singlestep: %s\n", input_error());
            moo_close(&mf);
            input_errors++;
            continue;
        }
        cpu_reset(run.c);
        run.ndirty = 0;
        run.dirty_overflow = 1; /* first test of a file clears all RAM */
        struct test t;
        int r, shown = 0;
        uint32_t ntests = 0;
        while ((r = moo_next(&mf, &t)) > 0) {
            g_ordinal = ntests++;
            fs.tests++;
            int reg = freg >= 0 ? freg : modrm_reg(&t);
            struct opinfo oi = meta_lookup(meta, op, jget(jget(jget(meta, "opcodes"), op), "reg") ? reg : -1);
            if (!status_runs(oi.status, is286) || (t.hash && revoked(&revoked_list, t.hash))) {
                fs.skipped++;
                continue;
            }
            if (ntests % 1000 == 0)
                block_cache_flush_all(run.c); /* keep the arena from filling mid-test */
            enum verdict v = run_test(&run, &t, oi.flags_mask, shown < verbose);
            if (v == V_PASS) {
                fs.passed++;
            } else {
                fs.failed++;
                shown++;
            }
        }
        if (r < 0) {
            fprintf(stderr, "singlestep: %s\n", input_error());
            input_errors++;
        } else if (ntests != mf.count) {
            fprintf(stderr, "singlestep: %s: header announces %u tests, file holds %u (truncated?)\n", path,
                    mf.count, ntests);
            input_errors++;
        }
        moo_close(&mf);
        if (all_rows || fs.failed || fs.skipped) {
            if (!rows++)
                printf("%-8s %7s %7s %7s %7s\n", "opcode", "tests", "passed", "failed", "skipped");
            printf("%-8s %7ld %7ld %7ld %7ld\n", fs.name, fs.tests, fs.passed, fs.failed, fs.skipped);
        }
        tot_tests += fs.tests;
        tot_pass += fs.passed;
        tot_fail += fs.failed;
        tot_skip += fs.skipped;
    }
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    long ran = tot_pass + tot_fail;
    double rate = ran ? (double)tot_pass / (double)ran : 0.0;
    printf("%ld tests in %d files, %.2f %% of the %ld run passed, %.1f s\n", tot_tests, nfiles, 100.0 * rate, ran,
           secs);
    printf("singlestep-%s: %ld passed, %ld failed, %ld skipped\n", model, tot_pass, tot_fail, tot_skip);
    machine_destroy(m);
    jfree(meta);
    free(revoked_list.h);
    for (int f = 0; f < nfiles; f++)
        free(files[f]);
    free(files);
    if (input_errors)
        return 2;
    return rate >= PASS_RATE ? 0 : 1;
}
