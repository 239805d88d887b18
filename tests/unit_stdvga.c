/*
 * unit_stdvga.c - Check unit tests of the PCI display function 00:02.0 and
 * the movable memory map regions behind it, driven through configuration
 * mechanism #1 as firmware would: the 1234:1111 identity, BAR0 sizing and
 * the frame buffer following BAR0 and the memory enable, priorities where a
 * BAR lands on RAM or the BIOS ROM, the expansion ROM BAR serving the
 * -vga-bios image read-only, the image's error cases, the built-in BIOS
 * placing BAR0 and reporting it, and the -boot order in CMOS 3Dh/38h that
 * SeaBIOS reads.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bios/pcibios.h"
#include "machine/machine.h"
#include "testlib.h"

static struct machine *board_cfg(struct machine_config *cfg)
{
    char err[512];
    struct machine *m = machine_create(cfg, err, sizeof(err));
    ck_assert_msg(m != NULL, "%s", err);
    return m;
}

static struct machine *board(uint32_t ram_mb, bool builtin_bios, const char *vga_bios)
{
    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_mb = ram_mb;
    cfg.builtin_bios = builtin_bios;
    cfg.vga_bios_path = vga_bios;
    return board_cfg(&cfg);
}

static uint32_t cfgr(struct machine *m, int reg, int size)
{
    portbus_out(&m->io, 0xCF8, 0x80001000u | (uint32_t)(reg & 0xFC), 4); /* 00:02.0 */
    return portbus_in(&m->io, (uint16_t)(0xCFC + (reg & 3)), size);
}

static void cfgw(struct machine *m, int reg, uint32_t v, int size)
{
    portbus_out(&m->io, 0xCF8, 0x80001000u | (uint32_t)(reg & 0xFC), 4);
    portbus_out(&m->io, (uint16_t)(0xCFC + (reg & 3)), v, size);
}

static uint32_t rd32(struct machine *m, uint32_t a) { return memmap_read(&m->mem, a, 4); }
static void wr32(struct machine *m, uint32_t a, uint32_t v) { memmap_write(&m->mem, a, v, 4); }
static uint32_t vram32(struct machine *m, uint32_t off)
{
    const uint8_t *p = m->vga.vram + off;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A file of n bytes: 55 AA, then bytes k & 0xFF (k >= 2). */
static void make_file(const char *path, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    for (size_t k = 0; k < n; k++)
        fputc(k == 0 ? 0x55 : k == 1 ? 0xAA : (int)(k & 0xFF), f);
    fclose(f);
}

START_TEST(test_identity_and_lfb_bar)
{
    struct machine *m = board(16, false, NULL);
    ck_assert_uint_eq(cfgr(m, 0x00, 4), 0x11111234u);
    ck_assert_uint_eq(cfgr(m, 0x08, 4) >> 8, 0x030000u);
    ck_assert_uint_eq(cfgr(m, 0x0E, 1), 0x00u);
    ck_assert_uint_eq(cfgr(m, 0x10, 4), 0x00000008u);           /* memory, 32-bit, prefetchable */
    cfgw(m, 0x10, 0xFFFFFFFFu, 4);
    ck_assert_uint_eq(cfgr(m, 0x10, 4), 0xFF000008u);           /* 16 MiB */
    ck_assert_uint_eq(cfgr(m, 0x14, 4), 0u);                    /* BAR1 not implemented */
    cfgw(m, 0x30, 0xFFFFFFFFu, 4);
    ck_assert_uint_eq(cfgr(m, 0x30, 4), 0u);                    /* no -vga-bios: no ROM BAR */
    ck_assert_uint_eq(cfgr(m, 0x04, 2), 0u);
    cfgw(m, 0x04, 0xFFFF, 2);
    ck_assert_uint_eq(cfgr(m, 0x04, 2), PCI_CMD_IO | PCI_CMD_MEM);
    cfgw(m, 0x04, 0, 2);
    /* placed but memory decode off: open bus, nothing reaches display memory */
    cfgw(m, 0x10, 0xD0000000u, 4);
    ck_assert_uint_eq(cfgr(m, 0x10, 4), 0xD0000008u);
    wr32(m, 0xD0000004u, 0x11223344u);
    ck_assert_uint_eq(rd32(m, 0xD0000004u), 0xFFFFFFFFu);
    ck_assert_uint_eq(vram32(m, 4), 0u);
    cfgw(m, 0x04, PCI_CMD_MEM, 2);
    wr32(m, 0xD0000004u, 0x11223344u);
    ck_assert_uint_eq(vram32(m, 4), 0x11223344u);
    ck_assert_uint_eq(rd32(m, 0xD0FFFFFCu), 0u);                /* the last dword of the 16 MiB */
    wr32(m, 0xD0FFFFFCu, 0xCAFEF00Du);
    ck_assert_uint_eq(vram32(m, VGA_VRAM_SIZE - 4), 0xCAFEF00Du);
    ck_assert_uint_eq(rd32(m, 0xD1000000u), 0xFFFFFFFFu);       /* past the BAR */
    /* moving the BAR moves the frame buffer */
    cfgw(m, 0x10, 0xC1000000u, 4);
    ck_assert_uint_eq(rd32(m, 0xD0000004u), 0xFFFFFFFFu);
    ck_assert_uint_eq(rd32(m, 0xC1000004u), 0x11223344u);
    /* clearing the memory enable unmaps it; setting it maps it again */
    cfgw(m, 0x04, 0, 2);
    ck_assert_uint_eq(rd32(m, 0xC1000004u), 0xFFFFFFFFu);
    cfgw(m, 0x04, PCI_CMD_MEM, 2);
    ck_assert_uint_eq(rd32(m, 0xC1000004u), 0x11223344u);
    /* base 0 is "not assigned": RAM stays RAM */
    m->mem.ram[8] = 0x5A;
    cfgw(m, 0x10, 0, 4);
    ck_assert_uint_eq(memmap_read(&m->mem, 8, 1), 0x5Au);
    ck_assert_uint_eq(rd32(m, 0xC1000004u), 0xFFFFFFFFu);
    machine_destroy(m);
}
END_TEST

/* RAM below the top of memory wins over a BAR; the BIOS ROM wins where a BAR
 * covers it; the rest of the BAR still decodes. */
START_TEST(test_bar_priorities)
{
    struct machine *m = board(32, true, NULL);
    cfgw(m, 0x04, PCI_CMD_MEM, 2);
    cfgw(m, 0x10, 0x01000000u, 4);                              /* 16-32 MiB: all RAM */
    wr32(m, 0x01000010u, 0x01020304u);
    ck_assert_uint_eq(memmap_read(&m->mem, 0x01000010u, 4), 0x01020304u);
    ck_assert_uint_eq(m->mem.ram[0x01000010u], 0x04u);
    ck_assert_uint_eq(vram32(m, 0x10), 0u);
    ck_assert_ptr_eq(memmap_ram_page(&m->mem, 0x01000000u), m->mem.ram + 0x01000000u);
    /* over the top of 4 GiB: the BIOS ROM's 64 KiB stay the BIOS */
    cfgw(m, 0x10, 0xFF000000u, 4);
    ck_assert_uint_eq(memmap_read(&m->mem, 0xFFFFFFF0u, 1), m->bios.rom[0xFFF0]);
    wr32(m, 0xFFFFFFF0u, 0);
    ck_assert_uint_eq(memmap_read(&m->mem, 0xFFFFFFF0u, 1), m->bios.rom[0xFFF0]);
    wr32(m, 0xFF000000u, 0x0BADF00Du);
    ck_assert_uint_eq(vram32(m, 0), 0x0BADF00Du);
    ck_assert_uint_eq(rd32(m, 0xFFFEFFFCu), 0u);                 /* just below the ROM: the BAR */
    machine_destroy(m);
}
END_TEST

START_TEST(test_rom_bar)
{
    char path[] = "/tmp/unit_stdvga_romXXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    make_file(path, 5000);
    struct machine *m = board(16, false, path);
    ck_assert_uint_eq(m->svga.rom_size, 8192u);
    ck_assert_uint_eq(cfgr(m, 0x30, 4), 0u);
    cfgw(m, 0x30, 0xFFFFFFFEu, 4);                              /* sizing, as SeaBIOS does */
    ck_assert_uint_eq(cfgr(m, 0x30, 4), 0xFFFFE000u);
    cfgw(m, 0x30, 0xFEB00001u, 4);
    ck_assert_uint_eq(cfgr(m, 0x30, 4), 0xFEB00001u);
    ck_assert_uint_eq(rd32(m, 0xFEB00000u), 0xFFFFFFFFu);       /* memory decode still off */
    cfgw(m, 0x04, PCI_CMD_MEM, 2);
    ck_assert_uint_eq(memmap_read(&m->mem, 0xFEB00000u, 2), 0xAA55u);
    ck_assert_uint_eq(memmap_read(&m->mem, 0xFEB00000u + 4999, 1), 4999u & 0xFF);
    ck_assert_uint_eq(memmap_read(&m->mem, 0xFEB00000u + 5000, 1), 0u);  /* padding */
    ck_assert_uint_eq(memmap_read(&m->mem, 0xFEB00000u + 8192, 1), 0xFFu); /* past the BAR */
    const uint8_t *page = memmap_read_page(&m->mem, 0xFEB01000u);
    ck_assert_ptr_nonnull(page);
    ck_assert_uint_eq(page[0x23], 0x23u);
    /* read-only */
    memmap_write(&m->mem, 0xFEB00010u, 0xEE, 1);
    ck_assert_uint_eq(memmap_read(&m->mem, 0xFEB00010u, 1), 0x10u);
    /* the enable bit off: gone */
    cfgw(m, 0x30, 0xFEB00000u, 4);
    ck_assert_uint_eq(memmap_read(&m->mem, 0xFEB00000u, 2), 0xFFFFu);
    ck_assert_ptr_null(memmap_read_page(&m->mem, 0xFEB01000u));
    /* over the frame buffer the ROM wins; elsewhere the frame buffer shows */
    cfgw(m, 0x10, 0xE0000000u, 4);
    cfgw(m, 0x30, 0xE0002001u, 4);
    ck_assert_uint_eq(memmap_read(&m->mem, 0xE0002000u, 2), 0xAA55u);
    wr32(m, 0xE0000000u, 0x12345678u);
    ck_assert_uint_eq(rd32(m, 0xE0000000u), 0x12345678u);
    /* at 0 (and over RAM) the ROM does not appear */
    cfgw(m, 0x30, 0x00000001u, 4);
    ck_assert_uint_eq(memmap_read(&m->mem, 0, 2), 0u);
    cfgw(m, 0x30, 0x00002001u, 4);
    ck_assert_uint_eq(memmap_read(&m->mem, 0x2000, 2), 0u);
    machine_destroy(m);
    unlink(path);
}
END_TEST

START_TEST(test_vga_bios_errors)
{
    char path[] = "/tmp/unit_stdvga_badXXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_mb = 16;
    cfg.vga_bios_path = path;
    char err[512];
    /* empty */
    ck_assert_ptr_null(machine_create(&cfg, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, path));
    ck_assert_ptr_nonnull(strstr(err, "-vga-bios"));
    /* one byte too many */
    make_file(path, STDVGA_ROM_MAX + 1);
    ck_assert_ptr_null(machine_create(&cfg, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, path));
    /* exactly the limit is fine: a 256 KiB ROM BAR */
    make_file(path, STDVGA_ROM_MAX);
    struct machine *m = board_cfg(&cfg);
    cfgw(m, 0x30, 0xFFFFFFFEu, 4);
    ck_assert_uint_eq(cfgr(m, 0x30, 4), 0xFFFC0000u);
    machine_destroy(m);
    unlink(path);
    /* missing */
    ck_assert_ptr_null(machine_create(&cfg, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, path));
    ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

static int hook_calls;
static void count_hook(void *opaque)
{
    hook_calls++;
}

/* The memory map's movable regions on their own. */
START_TEST(test_memmap_place)
{
    struct memmap mm;
    ck_assert_int_eq(memmap_init(&mm, 1u << 20), 0);
    mm.a20_hook = count_hook;
    hook_calls = 0;
    static uint8_t rom[8192];
    rom[0x1000] = 0x77;
    int id = memmap_add_movable(&mm, sizeof(rom), REGION_ROM, rom, NULL, NULL, "rom", 4);
    ck_assert_int_ge(id, 0);
    ck_assert_uint_eq(memmap_read(&mm, 0x1000, 1), 0u);         /* added disabled: RAM */
    ck_assert_int_eq(hook_calls, 0);
    memmap_place(&mm, id, 0x200000, true);
    ck_assert_int_eq(hook_calls, 1);
    ck_assert_uint_eq(memmap_read(&mm, 0x201000, 1), 0x77u);
    memmap_place(&mm, id, 0x200000, true);                      /* no change: no flush */
    ck_assert_int_eq(hook_calls, 1);
    /* a range wrapping past 4 GiB stays off; nothing decodes at low addresses */
    memmap_place(&mm, id, 0xFFFFF000u, true);
    ck_assert_int_eq(hook_calls, 2);
    ck_assert_uint_eq(memmap_read(&mm, 0x201000, 1), 0xFFu);
    ck_assert_uint_eq(memmap_read(&mm, 0xFFFFF000u, 1), 0xFFu);
    ck_assert_uint_eq(memmap_read(&mm, 0x00000000u, 1), 0u);
    /* RAM wins below its top */
    memmap_place(&mm, id, 0xFE000, true);
    ck_assert_uint_eq(memmap_read(&mm, 0xFF000, 1), 0u);
    ck_assert_uint_eq(memmap_read(&mm, 0x100000, 1), 0xFFu);
    memmap_place(&mm, id, 0xFF000, true);
    ck_assert_uint_eq(memmap_read(&mm, 0x100000, 1), 0x77u);
    /* bad handles and tables are refused, not written past */
    memmap_place(&mm, 99, 0x300000, true);
    memmap_place(&mm, -1, 0x300000, true);
    ck_assert_int_eq(memmap_add_movable(&mm, 0, REGION_ROM, rom, NULL, NULL, "empty", 4), -1);
    ck_assert_int_eq(memmap_add_movable(&mm, 4096, REGION_MMIO, NULL, NULL, NULL, "no-ops", 4), -1);
    while (mm.nregions < MEMMAP_MAX_REGIONS)
        ck_assert_int_ge(memmap_add_movable(&mm, 4096, REGION_ROM, rom, NULL, NULL, "fill", 4), 0);
    ck_assert_int_eq(memmap_add_movable(&mm, 4096, REGION_ROM, rom, NULL, NULL, "full", 4), -1);
    memmap_free(&mm);
}
END_TEST

/* The built-in BIOS's POST places BAR0 and the BIOS reports it. */
START_TEST(test_builtin_bios_lfb)
{
    struct machine *m = board(16, true, NULL);
    m->timeout_ns = 50000000ull;
    machine_run(m);
    ck_assert_uint_eq(cfgr(m, 0x10, 4), 0xE0000008u);
    ck_assert_uint_eq(cfgr(m, 0x04, 2) & PCI_CMD_MEM, PCI_CMD_MEM);
    ck_assert_uint_eq(bios_pci_lfb(&m->bios), 0xE0000000u);
    wr32(m, 0xE0000100u, 0x00ABCDEFu);
    ck_assert_uint_eq(vram32(m, 0x100), 0x00ABCDEFu);
    /* the OS moves it: the BIOS follows; memory decode off: none */
    cfgw(m, 0x10, 0xF0000000u, 4);
    ck_assert_uint_eq(bios_pci_lfb(&m->bios), 0xF0000000u);
    ck_assert_uint_eq(rd32(m, 0xF0000100u), 0x00ABCDEFu);
    cfgw(m, 0x04, 0, 2);
    ck_assert_uint_eq(bios_pci_lfb(&m->bios), 0u);
    machine_destroy(m);
}
END_TEST

/* Guest nonsense: random command, BAR0 and ROM BAR values never disturb
 * RAM, and every access lands in RAM, a region or open bus (ASan checks the
 * buffers). */
START_TEST(test_random_bars)
{
    char path[] = "/tmp/unit_stdvga_rndXXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    make_file(path, 3000);
    struct machine *m = board(16, true, path);
    unlink(path);
    for (uint32_t a = 0; a < m->mem.ram_size; a += 0x10000)
        m->mem.ram[a] = (uint8_t)(a >> 16 | 1);
    uint32_t x = 12345;
    for (int k = 0; k < 3000; k++) {
        x = x * 1103515245u + 12345u;
        uint32_t v = x ^ (x << 7) ^ (k & 1 ? 0xFFFFFFFFu : 0);
        static const int regs[] = { 0x04, 0x10, 0x30, 0x10, 0x30 };
        cfgw(m, regs[(x >> 3) % 5], (x >> 29) == 7 ? 0xFFFFFFFFu : v, (x >> 3) % 5 == 0 ? 2 : 4);
        uint32_t lfb = cfgr(m, 0x10, 4) & ~0xFu, rom = cfgr(m, 0x30, 4) & ~1u;
        (void)memmap_read(&m->mem, lfb + (v & 0xFFFFFC), 4);
        (void)memmap_read(&m->mem, rom + (v & 0xFFC), 4);
        (void)memmap_read_page(&m->mem, rom + (v & 0xF000));
        if (lfb >= m->mem.ram_size) /* (a write below would be a plain RAM write) */
            memmap_write(&m->mem, lfb + (v & 0xFFFFFC), v, 4);
        uint32_t ra = (v % (m->mem.ram_size >> 16)) << 16;
        if (ra < 0xA0000 || ra >= 0x100000)
            ck_assert_uint_eq(memmap_read(&m->mem, ra, 1), (uint8_t)(ra >> 16 | 1));
    }
    machine_destroy(m);
}
END_TEST

static int boot_cmos(const char *order, uint8_t *r3d, uint8_t *r38)
{
    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_mb = 4;
    cfg.boot_order = order;
    char err[512];
    struct machine *m = machine_create(&cfg, err, sizeof(err));
    if (!m)
        return -1;
    *r3d = m->rtc.cmos[0x3D];
    *r38 = m->rtc.cmos[0x38];
    machine_destroy(m);
    return 0;
}

START_TEST(test_cmos_boot_order)
{
    uint8_t a = 0, b = 0;
    ck_assert_int_eq(boot_cmos(NULL, &a, &b), 0);              /* default acd */
    ck_assert_uint_eq(a, 0x21u);
    ck_assert_uint_eq(b, 0x30u);
    ck_assert_int_eq(boot_cmos("d", &a, &b), 0);
    ck_assert_uint_eq(a, 0x03u);
    ck_assert_uint_eq(b, 0x00u);
    ck_assert_int_eq(boot_cmos("cab", &a, &b), 0);             /* a and b are both "floppy" */
    ck_assert_uint_eq(a, 0x12u);
    ck_assert_uint_eq(b, 0x00u);
    ck_assert_int_eq(boot_cmos("dcadc", &a, &b), 0);
    ck_assert_uint_eq(a, 0x23u);
    ck_assert_uint_eq(b, 0x10u);
    ck_assert_int_eq(boot_cmos("cx", &a, &b), -1);
}
END_TEST

/* Code run from a ROM region outside RAM must not outlive the region: the
 * decoded-block cache tracks RAM pages only, so moving a region drops every
 * block.  RAM is 1 MiB; FFFF:0010 reaches linear 100000h (A20 on), where
 * first one ROM and then another is placed. */
START_TEST(test_code_in_moved_rom)
{
    struct machine_config cfg;
    testlib_board_config(&cfg);
    cfg.ram_mb = 1;
    cfg.cpu_model = "pentium2";
    struct machine *m = testlib_create(&cfg);
    struct cpu *c = &m->cpu;
    static uint8_t rom1[4096] = { 0xB8, 0x11, 0x11, 0xF4 }; /* mov ax, 1111h; hlt */
    static uint8_t rom2[4096] = { 0xB8, 0x22, 0x22, 0xF4 }; /* mov ax, 2222h; hlt */
    int id1 = memmap_add_movable(&m->mem, sizeof(rom1), REGION_ROM, rom1, NULL, NULL, "rom1", 4);
    int id2 = memmap_add_movable(&m->mem, sizeof(rom2), REGION_ROM, rom2, NULL, NULL, "rom2", 4);
    ck_assert_int_ge(id1, 0);
    ck_assert_int_ge(id2, 0);
    memmap_set_a20(&m->mem, true);
    memmap_place(&m->mem, id1, 0x100000, true);
    for (int round = 0; round < 2; round++) {
        testlib_real_mode(c);
        cpu_load_seg_real(c, SEG_CS, 0xFFFF);
        ck_assert(testlib_run_for(m, 0x10, 1000));
        ck_assert_uint_eq(c->r[R_EAX] & 0xFFFF, round ? 0x2222 : 0x1111);
        memmap_place(&m->mem, id1, 0x100000, false);
        memmap_place(&m->mem, id2, 0x100000, true);
    }
    machine_destroy(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stdvga");
    TCase *tc = tcase_create("stdvga");
    tcase_add_test(tc, test_identity_and_lfb_bar);
    tcase_add_test(tc, test_bar_priorities);
    tcase_add_test(tc, test_rom_bar);
    tcase_add_test(tc, test_vga_bios_errors);
    tcase_add_test(tc, test_memmap_place);
    tcase_add_test(tc, test_code_in_moved_rom);
    tcase_add_test(tc, test_builtin_bios_lfb);
    tcase_add_test(tc, test_cmos_boot_order);
    tcase_add_test(tc, test_random_bars);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
