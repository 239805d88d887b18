/*
 * machine.c - builds struct machine from a configuration (RAM, CPU, then the
 * firmware set-up in firmware.c and the board's wiring in board.c, tracing),
 * destroys and resets it, and runs the CPU against the virtual clock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/block.h"
#include "machine/board.h"
#include "machine/firmware.h"

#define RUN_SLICE 200000u

static int no_intr(void *opaque)
{
    return -1;
}

void machine_sync_clock(struct machine *m)
{
    clock_advance(&m->clock, m->cpu.icount * m->clock.ns_per_insn);
}

static void io_trace(void *opaque, int is_write, uint16_t port, uint32_t val, int size)
{
    struct machine *m = opaque;
    if (m->trace && (m->trace->flags & TRACE_IO) && (!m->trace->filtered || trace_pass(&m->cpu, -1)))
        fprintf(m->trace->out, "[%llu] %s port %04x (%s) size %d value %0*x\n", (unsigned long long)m->cpu.icount,
                is_write ? "out" : "in ", port, portbus_name(&m->io, port), size, size * 2, val);
}

struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen)
{
    const struct cpu_model *model = cfg->cpu_model ? cpu_model_find(cfg->cpu_model) : cpu_model_default();
    if (!model) {
        snprintf(err, errlen, "-cpu: unknown model '%s' (known: %s)", cfg->cpu_model, cpu_model_names());
        return NULL;
    }
    uint32_t ram_mb = cfg->ram_mb ? cfg->ram_mb : 32;
    if (model->gen == CPU_8086)
        ram_mb = 1;
    if (ram_mb > 3072) {
        snprintf(err, errlen, "-m: %u MiB is more than the 3072 MiB this board maps below 4 GiB", ram_mb);
        return NULL;
    }
    struct machine *m = calloc(1, sizeof(*m));
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (memmap_init(&m->mem, ram_mb << 20)) {
        snprintf(err, errlen, "cannot allocate %u MiB of guest RAM", ram_mb);
        free(m);
        return NULL;
    }
    if (model->gen == CPU_8086)
        m->mem.bus_mask = 0xFFFFF;
    else if (model->gen == CPU_286)
        m->mem.bus_mask = 0xFFFFFF;
    m->mem.a20_mask = m->mem.bus_mask;
    portbus_init(&m->io);
    clock_init(&m->clock, MACHINE_NS_PER_INSN);
    if (cpu_init(&m->cpu, model, &m->mem, &m->io)) {
        snprintf(err, errlen, "cannot allocate the CPU's caches");
        memmap_free(&m->mem);
        free(m);
        return NULL;
    }
    m->cpu.intr.ack = no_intr;
    m->cpu.intr.opaque = m;
    if (firmware_rom(m, cfg, err, errlen))
        goto fail;
    if (board_attach_disks(m, cfg, err, errlen))
        goto fail;
    if (cfg->builtin_bios && !m->bios_rom && firmware_builtin_bios(m, cfg, err, errlen))
        goto fail;
    if (firmware_kernel(m, cfg, err, errlen))
        goto fail;
    if (board_wire(m, cfg, err, errlen))
        goto fail;
    if (cfg->trace_flags) {
        unsigned flags;
        if (trace_parse(cfg->trace_flags, &flags, err, errlen))
            goto fail;
        m->trace_out = stderr;
        if (cfg->trace_file) {
            m->trace_out = fopen(cfg->trace_file, "w");
            if (!m->trace_out) {
                snprintf(err, errlen, "-D: cannot open '%s': %s", cfg->trace_file, strerror(errno));
                goto fail;
            }
        }
        m->trace = trace_open(m->trace_out, flags);
        if (!m->trace) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        if (trace_set_filter(m->trace, cfg->trace_flags, err, errlen))
            goto fail;
        m->cpu.trace = (flags & (TRACE_INSN | TRACE_INT | TRACE_CPU)) ? m->trace : NULL;
        if (flags & TRACE_INT)
            m->cpu.trace = m->trace;
        m->io.trace = io_trace;
        m->io.trace_opaque = m;
    }
    m->exit_on_halt = cfg->exit_on_halt;
    m->no_reboot = cfg->no_reboot;
    if (cfg->timeout_s < 0) {
        snprintf(err, errlen, "-timeout: must not be negative");
        goto fail;
    }
    m->timeout_ns = cfg->timeout_s > 0 ? (uint64_t)(cfg->timeout_s * 1e9) : 0;
    machine_reset(m);
    return m;
fail:
    machine_destroy(m);
    return NULL;
}

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    for (int k = 0; k < 2; k++)
        uart_drain(&m->com[k]);
    debugport_close(&m->dbg);
    for (int k = 0; k < 2; k++) {
        disk_close(m->fd[k]);
    }
    for (int k = 0; k < 4; k++) {
        disk_close(m->ide_disk[k]);
    }
    cpu_free(&m->cpu);
    memmap_free(&m->mem);
    vga_free(&m->vga);
    stdvga_pci_free(&m->svga);
    if (m->trace) {
        fflush(m->trace_out);
        trace_close(m->trace);
    }
    if (m->trace_out && m->trace_out != stderr)
        fclose(m->trace_out);
    free(m->bios_rom);
    free(m);
}

void machine_reset(struct machine *m)
{
    memmap_set_a20(&m->mem, true);
    cpu_reset(&m->cpu);
    m->p92.value = 0;
    m->p92.reset_requested = 0;
    m->pci.reset_requested = 0;
    m->kbc.reset_requested = 0; /* a CPU reset: the chipset keeps its state, the BIOS reprograms it */
}

int machine_text_dump(struct machine *m, FILE *out)
{
    unsigned cols = memmap_read(&m->mem, 0x44A, 2), rows = memmap_read(&m->mem, 0x484, 1) + 1u;
    uint32_t start = vga_text_start(&m->vga) & 0x7FFF; /* CRTC start address */
    if (cols == 0 || cols > 132)
        cols = 80;
    if (rows < 2 || rows > 60)
        rows = 25;
    for (unsigned r = 0; r < rows; r++) {
        char line[140];
        unsigned n = 0;
        for (unsigned c = 0; c < cols; c++) {
            uint8_t ch = (uint8_t)vga_text_peek(&m->vga, start + (r * cols + c) * 2);
            line[n++] = ch >= 0x20 && ch < 0x7F ? (char)ch : ch == 0 ? ' ' : '.';
        }
        while (n && line[n - 1] == ' ')
            n--;
        line[n] = 0;
        if (fprintf(out, "%s\n", line) < 0)
            return -1;
    }
    return 0;
}

/* Virtual time follows the instruction count (deterministic mode). */
static void sync_clock(struct machine *m)
{
    machine_sync_clock(m);
}

void machine_run_insns(struct machine *m, uint64_t n)
{
    cpu_run(&m->cpu, m->cpu.icount + n);
    sync_clock(m);
}

int machine_run_until(struct machine *m, uint64_t until_ns)
{
    struct cpu *c = &m->cpu;
    for (;;) {
        if (c->dbg_stop)
            return MACHINE_RUNNING; /* a debugger breakpoint or watchpoint hit */
        if (m->dbg.exit_requested) {
            m->status = MS_EXIT_PORT;
            return m->dbg.exit_status;
        }
        if (m->stop_signal && *m->stop_signal) {
            m->status = MS_SIGNAL;
            return 128 + *m->stop_signal;
        }
        if (m->pm.poweroff_requested) {
            m->status = MS_POWEROFF;
            return 0;
        }
        if (c->shutdown || m->p92.reset_requested || m->kbc.reset_requested || m->pci.reset_requested) {
            if (m->no_reboot) {
                fprintf(stderr, "tarsier: %s; -no-reboot given, stopping\n",
                        c->shutdown ? "triple fault" : "reset requested");
                return 1;
            }
            machine_reset(m);
            continue;
        }
        uint64_t now = c->icount * m->clock.ns_per_insn;
        if (now >= until_ns)
            return MACHINE_RUNNING;
        if (m->host_poll && now >= m->host_poll_at) {
            int st = m->host_poll(m->host_opaque); /* moves host_poll_at on */
            if (st != MACHINE_RUNNING) {
                m->status = MS_HOST_QUIT;
                return st;
            }
        }
        /* where this slice or idle skip ends: the caller's limit or the host's next poll */
        uint64_t stop = m->host_poll && m->host_poll_at < until_ns ? m->host_poll_at : until_ns;
        if (m->timeout_ns && now >= m->timeout_ns) {
            m->status = MS_TIMEOUT;
            fprintf(stderr, "tarsier: virtual time limit reached (CPU at %04x:%08x%s)\n", c->seg[SEG_CS].sel,
                    c->eip, c->halted ? ", halted" : "");
            return 124;
        }
        if (c->halted) {
            if (!(c->eflags & F_IF) && !c->nmi_pending) {
                if (m->exit_on_halt) {
                    m->status = MS_HALTED_EXIT;
                    return 0;
                }
                fprintf(stderr, "tarsier: CPU halted with interrupts disabled; nothing can wake it\n");
                return 0;
            }
            uint64_t next = clock_next_deadline(&m->clock);
            if (next == CLOCK_NEVER) {
                if (!c->intr_line) {
                    fprintf(stderr, "tarsier: CPU halted and no device will interrupt it\n");
                    return m->exit_on_halt ? 0 : 1;
                }
            } else {
                /* skip the idle time: icount stands for time in deterministic mode */
                uint64_t target = (next + m->clock.ns_per_insn - 1) / m->clock.ns_per_insn;
                if (next > stop)
                    target = (stop + m->clock.ns_per_insn - 1) / m->clock.ns_per_insn;
                if (target > c->icount)
                    c->icount = target;
                sync_clock(m);
            }
            c->halted = c->intr_line || c->nmi_pending ? 0 : c->halted;
            if (c->halted)
                continue;
        }
        uint64_t limit = c->icount + RUN_SLICE;
        uint64_t next = clock_next_deadline(&m->clock);
        if (next != CLOCK_NEVER) {
            uint64_t at = next / m->clock.ns_per_insn;
            if (at < limit)
                limit = at > c->icount ? at : c->icount + 1;
        }
        if (stop != UINT64_MAX) {
            uint64_t at = (stop + m->clock.ns_per_insn - 1) / m->clock.ns_per_insn;
            if (at < limit)
                limit = at > c->icount ? at : c->icount + 1;
        }
        if (m->timeout_ns) {
            uint64_t at = m->timeout_ns / m->clock.ns_per_insn;
            if (at < limit)
                limit = at > c->icount ? at : c->icount + 1;
        }
        cpu_run(c, limit);
        sync_clock(m);
    }
}

void machine_after_load(struct machine *m)
{
    struct cpu *c = &m->cpu;
    cpu_update_mode(c);
    cpu_write_dr7(c, c->dr[7]); /* dr_active, dr_data and the watched pages */
    cpu_tlb_flush(c, true);
    block_cache_flush_all(c);
    c->dbg_stop = 0;
    c->stop_block = 1;
    for (int k = 0; k < 256; k++) /* BAR placements from the restored configuration spaces */
        if (m->pci.fn[k])
            pci_func_update(m->pci.fn[k]);
    machine_serial_after_load(m);
    m->vga.all_dirty = true;
    m->vga.font_dirty = true;
    m->status = MS_RUNNING;
}

int machine_devices(struct machine *m, struct machine_device *out, int max)
{
    const struct machine_device all[] = {
        { "pic", &pic_state, &m->pic },       { "pit", &pit_state, &m->pit },
        { "rtc", &rtc_state, &m->rtc },       { "kbc", &kbc_state, &m->kbc },
        { "com1", &uart_state, &m->com[0] },  { "com2", &uart_state, &m->com[1] },
        { "vga", &vga_state, &m->vga },       { "port92", &port92_state, &m->p92 },
        { "debugport", &debugport_state, &m->dbg },
        { "ide0", &ide_channel_state, &m->ide.ch[0] }, { "ide1", &ide_channel_state, &m->ide.ch[1] },
        { "stdvga-pci", &stdvga_pci_state, &m->svga },
        { "dma", &dma_state, &m->dma },       { "fdc", &fdc_state, &m->fdc },
        { "pci", &pci_bus_state, &m->pci },   { "i440fx", &i440fx_state, &m->pmc },
        { "piix", &piix_state, &m->piix },    { "acpi-pm", &acpi_pm_state, &m->pm },
        { "bios", &bios_state, &m->bios },
    };
    int n = (int)(sizeof(all) / sizeof(all[0]));
    for (int k = 0; k < n && k < max; k++)
        out[k] = all[k];
    return n;
}

int machine_run(struct machine *m)
{
    return machine_run_until(m, UINT64_MAX);
}
