/*
 * main.c - the tarsier command line.  Option spellings follow QEMU where the
 * same concept exists (-bios, -m, -cpu, -debugcon, -d, -D, -no-reboot).
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frontend/drive.h"
#include "frontend/gdbstub.h"
#include "frontend/monchan.h"
#include "frontend/control.h"
#include "frontend/script.h"
#include "frontend/sdl.h"
#include "frontend/serial.h"
#include "machine/machine.h"
#include "machine/snapshot.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tarsier [options]\n"
            "  -bios FILE          raw ROM image mapped at the top of 1 MiB and below 4 GiB\n"
            "                      (default: the built-in BIOS)\n"
            "  -vga-bios FILE      video BIOS image (up to 256 KiB) served by the PCI display's\n"
            "                      expansion ROM, e.g. SeaBIOS's vgabios-stdvga.bin with -bios\n"
            "  -fda/-fdb FILE      floppy disk images (160 KiB to 2.88 MiB)\n"
            "  -hda/-hdb FILE      hard disk images (raw): IDE primary master/slave\n"
            "  -hdc/-hdd FILE      hard disk images on the IDE secondary master/slave\n"
            "  -cdrom FILE         CD-ROM image (ISO, 2048-byte sectors) on the secondary master\n"
            "  -drive SPEC         file=PATH,if=ide|floppy,media=disk|cdrom,readonly=on,index=N\n"
            "  -boot ORDER         boot order of drive letters a, b, c, d (CD-ROM); default acd\n"
            "  -snapshot           keep disk writes in memory; images are not modified\n"
            "  -loadvm FILE        start from a machine snapshot (savevm; same -m, -cpu, devices)\n"
            "  -kernel FILE        boot a Linux bzImage (with -initrd FILE, -append CMDLINE)\n"
            "  -textdump FILE      write the text screen to FILE (- for stdout) when the run ends\n"
            "  -screendump FILE    write the displayed frame to FILE (PNG) when the run ends\n"
            "  -rtc base=WHEN      RTC start: utc or now (host clock), or YYYY-MM-DD[THH:MM:SS];\n"
            "                      default 2000-01-01 (deterministic)\n"
            "  -script FILE        scripted control: wait-screen, type, key, sleep, textdump, quit\n"
            "  -control SPEC       the script commands over tcp:[HOST]:PORT or unix:PATH, one reply line each\n"
            "                      (see docs/cli.md)\n"
            "  -cpu MODEL          %s (default pentium-pro)\n"
            "  -m MEGABYTES        guest RAM (default 32)\n"
            "  -serial SPEC        COM1, then COM2 if given twice: stdio, none, file:PATH or\n"
            "                      tcp:127.0.0.1:PORT,server (default none)\n"
            "  -display SPEC       sdl[,scale=N][,full-screen=on][,pace=off][,audio=off] or none\n"
            "                      (default: sdl when DISPLAY or WAYLAND_DISPLAY is set; see docs/cli.md)\n"
            "  -nographic          no display: COM1 on stdio unless -serial says otherwise\n"
            "  -debugcon SPEC      bytes written to port 0xE9: stdio, none or file:PATH\n"
            "  -postcode SPEC      POST codes: file:PATH[,port=N] (default port 0x80)\n"
            "  -exit-on-halt       exit with status 0 when the CPU halts with interrupts disabled\n"
            "  -timeout SECONDS    virtual-time limit; exit status 124 when reached\n"
            "  -no-reboot          stop on a triple fault or reset instead of rebooting\n"
            "  -stats              at exit, print instructions executed, host time and MIPS on stderr\n"
            "  -d LIST             trace categories: %s\n"
            "  -D FILE             write traces to FILE (default stderr)\n"
            "  -s                  gdb stub on 127.0.0.1:1234 (same as -gdb tcp::1234)\n"
            "  -gdb tcp:HOST:PORT  gdb stub on HOST:PORT (empty HOST: 127.0.0.1; PORT 0: any free port)\n"
            "  -S                  start stopped, until gdb or the monitor continues\n"
            "  -monitor SPEC       the monitor on stdio, or tcp:[HOST]:PORT[,server] (loopback by\n"
            "                      default, one client at a time; see docs/debugging.md)\n"
            "  -h, --help          this text\n"
            "The exit port 0xF4 ends the run with status (N << 1) | 1 for a written value N;\n"
            "an ACPI soft off by the guest (e.g. Linux poweroff) ends it with status 0.\n",
            cpu_model_names(), trace_help());
}

static int need_arg(int argc, char **argv, int k)
{
    if (k + 1 >= argc) {
        fprintf(stderr, "tarsier: option %s needs an argument\n", argv[k]);
        return 0;
    }
    return 1;
}

/* The one piece of process-wide state: which stop signal arrived (a signal
 * handler can reach nothing else). */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

int main(int argc, char **argv)
{
    struct machine_config cfg;
    const char *loadvm = NULL, *textdump = NULL, *script = NULL, *control = NULL, *screendump = NULL;
    const char *serial_spec[2] = { NULL, NULL };
    int nserial = 0;
    bool nographic = false, stats = false;
    enum sdl_display_kind display = SDL_DISPLAY_DEFAULT;
    struct sdl_options display_opts;
    sdl_default_options(&display_opts);
    struct debug_options dbg = { NULL, false, NULL };
    memset(&cfg, 0, sizeof(cfg));
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k];
        if (a[0] == '-' && a[1] == '-' && a[2])
            a++; /* accept --option as well */
        if (!strcmp(a, "-h") || !strcmp(a, "-help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "-bios")) {
            if (!need_arg(argc, argv, k))
                return 2;
            cfg.bios_path = argv[++k];
        } else if (!strcmp(a, "-vga-bios")) {
            if (!need_arg(argc, argv, k))
                return 2;
            cfg.vga_bios_path = argv[++k];
        } else if (!strcmp(a, "-cpu")) {
            if (!need_arg(argc, argv, k))
                return 2;
            cfg.cpu_model = argv[++k];
            if (!strcmp(cfg.cpu_model, "help")) {
                printf("CPU models: %s\n", cpu_model_names());
                return 0;
            }
        } else if (!strcmp(a, "-m")) {
            if (!need_arg(argc, argv, k))
                return 2;
            char *end;
            unsigned long v = strtoul(argv[++k], &end, 10);
            if ((*end && strcmp(end, "M") && strcmp(end, "m")) || v == 0 || v > 3072) {
                fprintf(stderr, "tarsier: -m: '%s' is not a size in MiB between 1 and 3072\n", argv[k]);
                return 2;
            }
            cfg.ram_mb = (uint32_t)v;
        } else if (!strcmp(a, "-debugcon")) {
            if (!need_arg(argc, argv, k))
                return 2;
            cfg.debugcon = argv[++k];
        } else if (!strcmp(a, "-serial")) {
            if (!need_arg(argc, argv, k))
                return 2;
            if (nserial == 2) {
                fprintf(stderr, "tarsier: -serial: at most two serial ports (COM1, COM2)\n");
                return 2;
            }
            serial_spec[nserial++] = argv[++k];
        } else if (!strcmp(a, "-nographic")) {
            nographic = true;
        } else if (!strcmp(a, "-display")) {
            if (!need_arg(argc, argv, k))
                return 2;
            char e[256];
            if (sdl_parse_display(argv[++k], &display, &display_opts, e, sizeof(e))) {
                fprintf(stderr, "tarsier: %s\n", e);
                return 2;
            }
        } else if (!strcmp(a, "-postcode")) {
            if (!need_arg(argc, argv, k))
                return 2;
            cfg.postcode = argv[++k];
        } else if (!strcmp(a, "-exit-on-halt")) {
            cfg.exit_on_halt = true;
        } else if (!strcmp(a, "-no-reboot")) {
            cfg.no_reboot = true;
        } else if (!strcmp(a, "-stats")) {
            stats = true;
        } else if (!strcmp(a, "-timeout")) {
            if (!need_arg(argc, argv, k))
                return 2;
            char *end;
            double v = strtod(argv[++k], &end);
            if (*end || v <= 0 || v > 1e6) {
                fprintf(stderr, "tarsier: -timeout: '%s' is not a positive number of seconds\n", argv[k]);
                return 2;
            }
            cfg.timeout_s = v;
        } else if (!strcmp(a, "-hdc") || !strcmp(a, "-hdd") || !strcmp(a, "-cdrom") || !strcmp(a, "-drive")) {
            if (!need_arg(argc, argv, k))
                return 2;
            char *v = argv[++k];
            char e[512];
            int r = !strcmp(a, "-drive") ? drive_parse(&cfg, v, e, sizeof(e))
                                         : drive_add_ide(&cfg, a[3] == 'r' ? 2 : a[3] == 'c' ? 2 : 3, v,
                                                         a[3] == 'r', false, a, e, sizeof(e));
            if (r) {
                fprintf(stderr, "tarsier: %s\n", e);
                return 2;
            }
        } else if (!strcmp(a, "-fda") || !strcmp(a, "-fdb") || !strcmp(a, "-hda") || !strcmp(a, "-hdb")) {
            if (!need_arg(argc, argv, k))
                return 2;
            const char *p = argv[++k];
            if (!strcmp(a, "-fda"))
                cfg.fda = p;
            else if (!strcmp(a, "-fdb"))
                cfg.fdb = p;
            else if (!strcmp(a, "-hda"))
                cfg.hda = p;
            else
                cfg.hdb = p;
        } else if (!strcmp(a, "-boot")) {
            if (!need_arg(argc, argv, k))
                return 2;
            cfg.boot_order = argv[++k];
            if (!strncmp(cfg.boot_order, "order=", 6))
                cfg.boot_order += 6;
        } else if (!strcmp(a, "-kernel") || !strcmp(a, "-initrd") || !strcmp(a, "-append")) {
            if (!need_arg(argc, argv, k))
                return 2;
            const char *v = argv[++k];
            if (!strcmp(a, "-kernel"))
                cfg.kernel = v;
            else if (!strcmp(a, "-initrd"))
                cfg.initrd = v;
            else
                cfg.append = v;
        } else if (!strcmp(a, "-rtc")) {
            if (!need_arg(argc, argv, k))
                return 2;
            const char *v = argv[++k];
            if (strncmp(v, "base=", 5)) {
                fprintf(stderr, "tarsier: -rtc: expected base=utc|now|YYYY-MM-DD[THH:MM:SS], got '%s'\n", v);
                return 2;
            }
            cfg.rtc_base = v + 5;
        } else if (!strcmp(a, "-script")) {
            if (!need_arg(argc, argv, k))
                return 2;
            script = argv[++k];
        } else if (!strcmp(a, "-control")) {
            if (!need_arg(argc, argv, k))
                return 2;
            control = argv[++k];
        } else if (!strcmp(a, "-screendump")) {
            if (!need_arg(argc, argv, k))
                return 2;
            screendump = argv[++k];
        } else if (!strcmp(a, "-textdump")) {
            if (!need_arg(argc, argv, k))
                return 2;
            textdump = argv[++k];
        } else if (!strcmp(a, "-loadvm")) {
            if (!need_arg(argc, argv, k))
                return 2;
            loadvm = argv[++k];
        } else if (!strcmp(a, "-snapshot")) {
            cfg.snapshot = true;
        } else if (!strcmp(a, "-s")) {
            dbg.gdb = "tcp::1234";
        } else if (!strcmp(a, "-S")) {
            dbg.start_stopped = true;
        } else if (!strcmp(a, "-gdb")) {
            if (!need_arg(argc, argv, k))
                return 2;
            dbg.gdb = argv[++k];
            char e[256];
            if (debug_check_spec(dbg.gdb, e, sizeof(e))) {
                fprintf(stderr, "tarsier: %s\n", e);
                return 2;
            }
        } else if (!strcmp(a, "-monitor")) {
            if (!need_arg(argc, argv, k))
                return 2;
            dbg.monitor = argv[++k];
            char e[400];
            if (monchan_check(dbg.monitor, e, sizeof(e))) {
                fprintf(stderr, "tarsier: %s\n", e);
                return 2;
            }
        } else if (!strcmp(a, "-d")) {
            if (!need_arg(argc, argv, k))
                return 2;
            cfg.trace_flags = argv[++k];
        } else if (!strcmp(a, "-D")) {
            if (!need_arg(argc, argv, k))
                return 2;
            cfg.trace_file = argv[++k];
        } else {
            fprintf(stderr, "tarsier: unknown option '%s' (try -h)\n", argv[k]);
            return 2;
        }
    }
    int debugging = dbg.gdb || dbg.monitor;
    if (dbg.start_stopped && !debugging) {
        fprintf(stderr, "tarsier: -S needs -s, -gdb or -monitor (something to continue the machine)\n");
        return 2;
    }
    if (control && (script || debugging)) {
        fprintf(stderr, "tarsier: -control cannot be combined with -script, -s, -gdb or -monitor\n");
        return 2;
    }
    if (script && debugging) {
        fprintf(stderr, "tarsier: -script cannot be combined with -s, -gdb or -monitor yet\n");
        return 2;
    }
    if (nographic && display == SDL_DISPLAY_SDL) {
        fprintf(stderr, "tarsier: -nographic and -display sdl contradict each other\n");
        return 2;
    }
    if (!cfg.bios_path)
        cfg.builtin_bios = true;
    if (nographic && !nserial)
        serial_spec[0] = "stdio";
    for (int k = 0; k < 2; k++)
        if (dbg.monitor && !strcmp(dbg.monitor, "stdio") && serial_spec[k] && !strcmp(serial_spec[k], "stdio")) {
            fprintf(stderr, "tarsier: -serial stdio and -monitor stdio cannot share standard input\n");
            return 2;
        }
    char err[512];
    if (script && script_check(script, err, sizeof(err))) {
        fprintf(stderr, "tarsier: %s\n", err);
        return 2;
    }
    struct serial_port ports[2];
    for (int k = 0; k < 2; k++) {
        int connected = 0;
        if (serial_open(&ports[k], serial_spec[k] ? serial_spec[k] : "none", &connected, err, sizeof(err))) {
            fprintf(stderr, "tarsier: %s\n", err);
            if (k)
                serial_close(&ports[0]);
            return 2;
        }
        cfg.serial[k] = connected ? &ports[k].be : NULL;
    }
    struct machine *m = machine_create(&cfg, err, sizeof(err));
    if (!m) {
        fprintf(stderr, "tarsier: %s\n", err);
        serial_close(&ports[0]);
        serial_close(&ports[1]);
        return 2;
    }
    if (loadvm && snapshot_load(m, loadvm, err, sizeof(err))) {
        fprintf(stderr, "tarsier: -loadvm: %s\n", err);
        machine_destroy(m);
        serial_close(&ports[0]);
        serial_close(&ports[1]);
        return 2;
    }
    /* SIGINT/SIGTERM end the run at the next slice: the machine is then
     * destroyed normally (disk images flushed, serial output drained) */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    m->stop_signal = &stop_signal;
    struct sdl_display *window = NULL;
    if (display == SDL_DISPLAY_SDL || (display == SDL_DISPLAY_DEFAULT && !nographic && sdl_have_display())) {
        window = sdl_open(m, &display_opts, err, sizeof(err));
        if (!window && display == SDL_DISPLAY_SDL) { /* asked for; by default fall back to none */
            fprintf(stderr, "tarsier: %s\n", err);
            machine_destroy(m);
            serial_close(&ports[0]);
            serial_close(&ports[1]);
            return 2;
        }
    }
    int status;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (control) {
        int lfd = control_listen(control, err, sizeof(err));
        if (lfd < 0) {
            fprintf(stderr, "tarsier: %s\n", err);
            status = 2;
        } else {
            status = control_run(m, lfd);
            close(lfd);
        }
    } else {
        status = script ? script_run(m, script) : debugging ? debug_run(m, &dbg) : machine_run(m);
    }
    if (textdump) {
        FILE *f = !strcmp(textdump, "-") ? stdout : fopen(textdump, "w");
        if (!f || machine_text_dump(m, f) || (f != stdout && fclose(f))) {
            fprintf(stderr, "tarsier: -textdump: cannot write '%s'\n", textdump);
            status = status ? status : 1;
        }
    }
    if (screendump) {
        char e[512];
        if (vga_screendump(&m->vga, screendump, e, sizeof(e))) {
            fprintf(stderr, "tarsier: -screendump: %s\n", e);
            status = status ? status : 1;
        }
    }
    if (m->status == MS_SIGNAL)
        fprintf(stderr, "tarsier: stopped by signal %d\n", (int)stop_signal);
    sdl_close(window);
    if (stats) {
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        const struct cpu *c = &m->cpu;
        fprintf(stderr, "tarsier: stats: %llu instructions, %.3f s host, %.1f MIPS, %llu blocks decoded, "
                "%llu code invalidations\n", (unsigned long long)c->icount, secs,
                secs > 0 ? (double)c->icount / secs / 1e6 : 0.0, (unsigned long long)c->stats.blocks_decoded,
                (unsigned long long)c->stats.smc_flushes);
    }
    machine_destroy(m);
    serial_close(&ports[0]);
    serial_close(&ports[1]);
    return status;
}
