/*
 * unit_pci.c - Check unit tests of the PCI side of the board, driven through
 * ports as a guest would: configuration mechanism #1 (CF8h/CFCh), write masks
 * and write-1-to-clear status, BAR sizing and moving I/O ranges, the i440FX
 * PAM shadow control, the PIIX PIRQ router, the PIIX4 PM timer on the virtual
 * clock, the SCI, and ACPI soft off ending machine_run with status 0.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "tests/testlib.h"

static struct machine *board_with(bool builtin_bios)
{
    struct machine_config cfg;
    testlib_board_config(&cfg);
    cfg.no_rom = !builtin_bios;
    cfg.builtin_bios = builtin_bios;
    return testlib_create(&cfg);
}

static struct machine *board(void)
{
    return board_with(false);
}

static uint32_t cfg_addr(int dev, int fn, int reg)
{
    return 0x80000000u | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (uint32_t)reg;
}

static uint32_t cfgr(struct machine *m, int dev, int fn, int reg, int size)
{
    portbus_out(&m->io, 0xCF8, cfg_addr(dev, fn, reg & 0xFC), 4);
    return portbus_in(&m->io, (uint16_t)(0xCFC + (reg & 3)), size);
}

static void cfgw(struct machine *m, int dev, int fn, int reg, uint32_t v, int size)
{
    portbus_out(&m->io, 0xCF8, cfg_addr(dev, fn, reg & 0xFC), 4);
    portbus_out(&m->io, (uint16_t)(0xCFC + (reg & 3)), v, size);
}

static int irq_level(struct machine *m, int n)
{
    return (m->pic.chip[n >> 3].level >> (n & 7)) & 1;
}

START_TEST(test_conf1_ids)
{
    struct machine *m = board();
    portbus_out(&m->io, 0xCF8, 0x80000000u, 4);
    ck_assert_uint_eq(portbus_in(&m->io, 0xCF8, 4), 0x80000000u);
    ck_assert_uint_eq(portbus_in(&m->io, 0xCFC, 4), 0x12378086u);
    ck_assert_uint_eq(portbus_in(&m->io, 0xCFE, 2), 0x1237u);
    ck_assert_uint_eq(portbus_in(&m->io, 0xCFD, 1), 0x80u);
    /* reserved and low address bits read back as 0 */
    portbus_out(&m->io, 0xCF8, 0xFF000003u, 4);
    ck_assert_uint_eq(portbus_in(&m->io, 0xCF8, 4), 0x80000000u);
    /* enable bit clear: no configuration cycle */
    portbus_out(&m->io, 0xCF8, 0x00000000u, 4);
    ck_assert_uint_eq(portbus_in(&m->io, 0xCFC, 4), 0xFFFFFFFFu);
    ck_assert_uint_eq(cfgr(m, 1, 0, 0, 4), 0x70008086u);
    ck_assert_uint_eq(cfgr(m, 1, 1, 0, 4), 0x70108086u);
    ck_assert_uint_eq(cfgr(m, 1, 3, 0, 4), 0x71138086u);
    ck_assert_uint_eq(cfgr(m, 1, 2, 0, 4), 0xFFFFFFFFu);   /* no USB function */
    ck_assert_uint_eq(cfgr(m, 5, 0, 0, 4), 0xFFFFFFFFu);   /* empty slot */
    ck_assert_uint_eq(cfgr(m, 0, 0, 0, 4) , 0x12378086u);
    portbus_out(&m->io, 0xCF8, 0x80010000u, 4);            /* bus 1 does not exist */
    ck_assert_uint_eq(portbus_in(&m->io, 0xCFC, 4), 0xFFFFFFFFu);
    ck_assert_uint_eq(cfgr(m, 1, 0, 0x0E, 1), 0x80u);      /* multi-function header */
    ck_assert_uint_eq(cfgr(m, 1, 1, 0x08, 4) >> 8, 0x010180u);
    ck_assert_uint_eq(cfgr(m, 0, 0, 0x08, 4) >> 8, 0x060000u);
    ck_assert_uint_eq(cfgr(m, 1, 0, 0x08, 4) >> 8, 0x060100u);
    machine_destroy(m);
}
END_TEST

START_TEST(test_write_masks)
{
    struct machine *m = board();
    cfgw(m, 1, 1, 0x00, 0x12345678u, 4);                   /* IDs are read-only */
    ck_assert_uint_eq(cfgr(m, 1, 1, 0, 4), 0x70108086u);
    cfgw(m, 1, 1, 0x08, 0xFFFFFFFFu, 4);                   /* class and revision too */
    ck_assert_uint_eq(cfgr(m, 1, 1, 0x08, 4), 0x01018000u);
    cfgw(m, 1, 3, 0x3C, 0x0B, 1);                          /* interrupt line is storage */
    ck_assert_uint_eq(cfgr(m, 1, 3, 0x3C, 1), 0x0Bu);
    cfgw(m, 1, 3, 0x0D, 0x40, 1);                          /* latency timer */
    ck_assert_uint_eq(cfgr(m, 1, 3, 0x0D, 1), 0x40u);
    /* status: write 1 to clear, 0 leaves the bit */
    m->piix.ide.cfg[0x07] |= 0x20;                         /* received master abort */
    cfgw(m, 1, 1, 0x06, 0x0000, 2);
    ck_assert_uint_eq(cfgr(m, 1, 1, 0x06, 2) & 0x2000u, 0x2000u);
    cfgw(m, 1, 1, 0x04, 0x20000000u | 0x0005u, 4);         /* command + status in one dword */
    ck_assert_uint_eq(cfgr(m, 1, 1, 0x06, 2) & 0x2000u, 0u);
    ck_assert_uint_eq(cfgr(m, 1, 1, 0x04, 2), 0x0005u);
    /* PIRQ route registers: bits 6-4 are reserved */
    cfgw(m, 1, 0, 0x60, 0xFFFFFFFFu, 4);
    ck_assert_uint_eq(cfgr(m, 1, 0, 0x60, 4), 0x8F8F8F8Fu);
    machine_destroy(m);
}
END_TEST

struct probe {
    uint32_t last_off;
    int reads;
};

static uint32_t probe_read(void *o, uint32_t off, int size)
{
    struct probe *p = o;
    p->last_off = off;
    p->reads++;
    return 0xA0u + off;
}

static void probe_write(void *o, uint32_t off, uint32_t val, int size)
{
}

static const struct io_ops probe_ops = { probe_read, probe_write, IO_SIZE8 };

START_TEST(test_bar_sizing_and_remap)
{
    struct machine *m = board();
    struct probe pr = { 0, 0 };
    m->piix.ide.region[4].ops = &probe_ops;
    m->piix.ide.region[4].opaque = &pr;
    /* sizing: 16 I/O ports */
    cfgw(m, 1, 1, 0x20, 0xFFFFFFFFu, 4);
    ck_assert_uint_eq(cfgr(m, 1, 1, 0x20, 4), 0xFFFFFFF1u);
    cfgw(m, 1, 1, 0x04, PCI_CMD_IO, 2);                    /* above FFFFh: enabled, not decoded */
    ck_assert_uint_eq(m->piix.ide.region[4].mapped, false);
    cfgw(m, 1, 1, 0x04, 0, 2);
    cfgw(m, 1, 1, 0x10, 0xFFFFFFFFu, 4);                   /* BAR0 is not implemented */
    ck_assert_uint_eq(cfgr(m, 1, 1, 0x10, 4), 0u);
    cfgw(m, 1, 1, 0x20, 0xC000, 4);
    ck_assert_uint_eq(cfgr(m, 1, 1, 0x20, 4), 0xC001u);
    ck_assert_uint_eq(portbus_in(&m->io, 0xC002, 1), 0xFFu); /* I/O decode still off */
    cfgw(m, 1, 1, 0x04, PCI_CMD_IO, 2);
    ck_assert_uint_eq(portbus_in(&m->io, 0xC002, 1), 0xA2u);
    ck_assert_uint_eq(portbus_in(&m->io, 0xC00F, 1), 0xAFu);
    ck_assert_uint_eq(portbus_in(&m->io, 0xC010, 1), 0xFFu);
    /* a dword read is split into the device's byte accesses */
    ck_assert_uint_eq(portbus_in(&m->io, 0xC004, 4), 0xA7A6A5A4u);
    /* moving the BAR moves the range */
    cfgw(m, 1, 1, 0x20, 0xD010, 4);
    ck_assert_uint_eq(portbus_in(&m->io, 0xC002, 1), 0xFFu);
    ck_assert_uint_eq(portbus_in(&m->io, 0xD013, 1), 0xA3u);
    ck_assert_str_eq(portbus_name(&m->io, 0xD013), "ide-busmaster");
    /* clearing I/O enable unmaps it */
    cfgw(m, 1, 1, 0x04, 0, 2);
    ck_assert_uint_eq(portbus_in(&m->io, 0xD013, 1), 0xFFu);
    cfgw(m, 1, 1, 0x04, PCI_CMD_IO, 2);
    ck_assert_uint_eq(portbus_in(&m->io, 0xD013, 1), 0xA3u);
    /* a BAR over an ISA device's ports is refused; the ISA device keeps them */
    cfgw(m, 1, 1, 0x20, 0x0060, 4);
    ck_assert_str_eq(portbus_name(&m->io, 0x60), "kbc-data");
    ck_assert_uint_eq(portbus_in(&m->io, 0xD013, 1), 0xFFu);
    cfgw(m, 1, 1, 0x20, 0xE000, 4);
    ck_assert_uint_eq(portbus_in(&m->io, 0xE000, 1), 0xA0u);
    machine_destroy(m);
}
END_TEST

START_TEST(test_pam_shadow)
{
    struct machine *m = board_with(true);
    struct memmap *mm = &m->mem;
    uint32_t rom = memmap_read(mm, 0xF0000, 4);
    ck_assert_uint_eq(rom, 0x73726174u);                   /* "tars": the built-in ROM */
    memmap_write(mm, 0xF0000, 0x11223344u, 4);             /* PAM0 = 0: writes to ROM are dropped */
    ck_assert_uint_eq(memmap_read(mm, 0xF0000, 4), rom);
    cfgw(m, 0, 0, 0x59, 0x20, 1);                          /* write enable only: writes reach RAM */
    ck_assert_uint_eq(cfgr(m, 0, 0, 0x59, 1), 0x20u);
    memmap_write(mm, 0xF0000, 0x11223344u, 4);
    ck_assert_uint_eq(memmap_read(mm, 0xF0000, 4), rom);   /* reads still from ROM */
    cfgw(m, 0, 0, 0x59, 0x10, 1);                          /* read enable only: RAM, write-protected */
    ck_assert_uint_eq(memmap_read(mm, 0xF0000, 4), 0x11223344u);
    memmap_write(mm, 0xF0000, 0x55667788u, 4);
    ck_assert_uint_eq(memmap_read(mm, 0xF0000, 4), 0x11223344u);
    ck_assert_ptr_null(memmap_ram_page(mm, 0xF0000));      /* not writable through the fast path */
    ck_assert_ptr_eq(memmap_read_page(mm, 0xF0000), mm->ram + 0xF0000);
    cfgw(m, 0, 0, 0x59, 0x30, 1);                          /* read/write RAM */
    memmap_write(mm, 0xF0004, 0x99u, 1);
    ck_assert_uint_eq(memmap_read(mm, 0xF0004, 1), 0x99u);
    ck_assert_ptr_eq(memmap_ram_page(mm, 0xF0000), mm->ram + 0xF0000);
    cfgw(m, 0, 0, 0x59, 0x00, 1);                          /* back to the ROM */
    ck_assert_uint_eq(memmap_read(mm, 0xF0000, 4), rom);
    /* PAM5 low nibble: E0000-E3FFF only */
    cfgw(m, 0, 0, 0x5E, 0x01, 1);
    ck_assert_uint_eq(mm->shadow[(0xE0000 - 0xC0000) / 0x4000], MEMMAP_SHADOW_READ);
    ck_assert_uint_eq(mm->shadow[(0xE4000 - 0xC0000) / 0x4000], 0);
    cfgw(m, 0, 0, 0x5E, 0xFF, 1);                          /* reserved bits stay 0 */
    ck_assert_uint_eq(cfgr(m, 0, 0, 0x5E, 1), 0x33u);
    machine_destroy(m);
}
END_TEST

static void pm_enable(struct machine *m)
{
    cfgw(m, 1, 3, 0x40, 0x0601, 4);
    ck_assert_uint_eq(cfgr(m, 1, 3, 0x40, 4), 0x0601u);
    ck_assert_uint_eq(portbus_in(&m->io, 0x608, 4), 0xFFFFFFFFu); /* PMREGMISC off: no block */
    cfgw(m, 1, 3, 0x80, 0x01, 1);
}

START_TEST(test_pm_timer)
{
    struct machine *m = board();
    pm_enable(m);
    testlib_advance_to(m, 1000000000ull);
    uint32_t t0 = portbus_in(&m->io, 0x608, 4);
    ck_assert_uint_eq(t0, 3579545u);                       /* one virtual second since power-on */
    testlib_advance_to(m, 1250000000ull);
    uint32_t t1 = portbus_in(&m->io, 0x608, 4);
    ck_assert_uint_eq((t1 - t0) & 0xFFFFFF, 894886u);      /* 0.25 s */
    ck_assert_uint_eq(portbus_in(&m->io, 0x60A, 2), t1 >> 16);
    /* bit 23 changes at 2^23 ticks = 2.3435 s: TMR_STS, then the SCI once enabled */
    ck_assert_uint_eq(portbus_in(&m->io, 0x600, 2) & 1u, 0u);
    testlib_advance_to(m, 2343500000ull);
    ck_assert_uint_eq(portbus_in(&m->io, 0x600, 2) & 1u, 1u);
    ck_assert_uint_eq(portbus_in(&m->io, 0x608, 4) & 0xFF800000u, 0x800000u);
    ck_assert_int_eq(irq_level(m, 9), 0);
    ck_assert_uint_eq(m->clock.ev[m->pm.ev].when, CLOCK_NEVER); /* no event while it cannot interrupt */
    portbus_out(&m->io, 0x602, 0x0001, 2);                 /* TMR_EN */
    ck_assert_int_eq(irq_level(m, 9), 0);                  /* SCI_EN still clear */
    portbus_out(&m->io, 0x604, 0x0001, 2);                 /* SCI_EN */
    ck_assert_int_eq(irq_level(m, 9), 1);
    portbus_out(&m->io, 0x600, 0x0001, 2);                 /* write 1 clears the status */
    ck_assert_uint_eq(portbus_in(&m->io, 0x600, 2) & 1u, 0u);
    ck_assert_int_eq(irq_level(m, 9), 0);
    ck_assert_uint_lt(m->clock.ev[m->pm.ev].when, 4687000000ull);
    testlib_advance_to(m, 4687000000ull);                          /* the next carry (bit 23 back to 0) */
    ck_assert_int_eq(irq_level(m, 9), 1);                  /* raised by the event, no port access */
    /* moving PMBA moves the block */
    cfgw(m, 1, 3, 0x40, 0x0801, 4);
    ck_assert_uint_eq(portbus_in(&m->io, 0x600, 2), 0xFFFFu);
    ck_assert_uint_eq(portbus_in(&m->io, 0x804, 2) & 1u, 1u);
    machine_destroy(m);
}
END_TEST

START_TEST(test_s5_poweroff)
{
    struct machine *m = board();
    pm_enable(m);
    /* a sleep type other than soft off does not power off */
    portbus_out(&m->io, 0x604, (1u << 10) | 0x2000u, 2);
    ck_assert_uint_eq(m->pm.poweroff_requested, 0);
    ck_assert_uint_eq(portbus_in(&m->io, 0x600, 2) & 0x8000u, 0x8000u); /* woke at once */
    ck_assert_uint_eq(portbus_in(&m->io, 0x604, 2) & 0x2000u, 0u);      /* SLP_EN reads 0 */
    /* the guest: mov dx,604h; mov ax,2001h; out dx,ax; jmp $ at 1000:0000 */
    static const uint8_t code[] = { 0xBA, 0x04, 0x06, 0xB8, 0x01, 0x20, 0xEF, 0xEB, 0xFE };
    memmap_write_bytes(&m->mem, 0x10000, code, sizeof(code));
    cpu_load_seg_real(&m->cpu, SEG_CS, 0x1000);
    m->cpu.eip = 0;
    m->timeout_ns = 1000000000ull;
    ck_assert_int_eq(machine_run(m), 0);
    ck_assert_int_eq(m->status, MS_POWEROFF);
    ck_assert_uint_eq(m->pm.poweroff_requested, 1);
    machine_destroy(m);
}
END_TEST

/* APMC (B2h): the FADT's ACPI enable/disable commands set and clear SCI_EN
 * (SeaBIOS's tables; Linux writes F1h there); other values are storage. */
START_TEST(test_apm_acpi_enable)
{
    struct machine *m = board();
    pm_enable(m);
    portbus_out(&m->io, 0xB3, 0x5A, 1);
    ck_assert_uint_eq(portbus_in(&m->io, 0xB3, 1), 0x5Au);
    portbus_out(&m->io, 0xB2, 0x12, 1);
    ck_assert_uint_eq(portbus_in(&m->io, 0xB2, 1), 0x12u);
    ck_assert_uint_eq(portbus_in(&m->io, 0x604, 2) & 1u, 0u);
    portbus_out(&m->io, 0x600 + 2, 0x0100, 2);             /* PWRBTN_EN */
    acpi_pm_power_button(&m->pm);
    ck_assert_int_eq(irq_level(m, 9), 0);                  /* SCI_EN clear: no SCI */
    portbus_out(&m->io, 0xB2, 0xF1, 1);                    /* ACPI_ENABLE */
    ck_assert_uint_eq(portbus_in(&m->io, 0x604, 2) & 1u, 1u);
    ck_assert_int_eq(irq_level(m, 9), 1);
    portbus_out(&m->io, 0xB2, 0xF0, 1);                    /* ACPI_DISABLE */
    ck_assert_uint_eq(portbus_in(&m->io, 0x604, 2) & 1u, 0u);
    ck_assert_int_eq(irq_level(m, 9), 0);
    machine_destroy(m);
}
END_TEST

/* QEMU's PIIX4 additions that SeaBIOS's ACPI tables name: GPE0 seen at
 * AFE0h, PCI hotplug at AE00h (nothing plugged or unplugged), CPU 0 present
 * at AF00h.  Unclaimed, they read all ones (every slot "ejected"). */
START_TEST(test_qemu_acpi_ports)
{
    struct machine *m = board();
    pm_enable(m);
    ck_assert_uint_eq(portbus_in(&m->io, 0xAE00, 4), 0u);          /* PCIU */
    ck_assert_uint_eq(portbus_in(&m->io, 0xAE04, 4), 0u);          /* PCID */
    portbus_out(&m->io, 0xAE10, 0, 4);
    ck_assert_uint_eq(portbus_in(&m->io, 0xAE10, 4), 0u);          /* bus select */
    ck_assert_uint_eq(portbus_in(&m->io, 0xAF00, 1), 1u);
    ck_assert_uint_eq(portbus_in(&m->io, 0xAF01, 1), 0u);
    ck_assert_uint_eq(portbus_in(&m->io, 0xAFE0, 4), 0u);          /* GPE STS/EN */
    portbus_out(&m->io, 0xAFE2, 0x0004, 2);                        /* GPE2 enable, both views */
    ck_assert_uint_eq(portbus_in(&m->io, 0x60E, 2), 0x0004u);
    m->pm.regs[ACPI_GPE0_STS] = 0x04;                              /* a pending GPE 2 */
    portbus_out(&m->io, 0x604, 0x0001, 2);                         /* SCI_EN */
    ck_assert_int_eq(irq_level(m, 9), 1);
    ck_assert_uint_eq(portbus_in(&m->io, 0xAFE0, 2), 0x0004u);
    portbus_out(&m->io, 0xAFE0, 0x0004, 2);                        /* write 1 clears */
    ck_assert_uint_eq(portbus_in(&m->io, 0x60C, 2), 0u);
    ck_assert_int_eq(irq_level(m, 9), 0);
    machine_destroy(m);
}
END_TEST

START_TEST(test_pirq_routing)
{
    struct machine *m = board();
    /* device 1 INTA# -> PIRQB (swizzle (1 + 1 - 1) & 3 = 1) */
    cfgw(m, 1, 0, 0x61, 11, 1);
    piix_pci_irq(&m->piix, 1, 1, 1);
    ck_assert_int_eq(irq_level(m, 11), 1);
    cfgw(m, 1, 0, 0x61, 10, 1);                            /* re-routing moves the level */
    ck_assert_int_eq(irq_level(m, 11), 0);
    ck_assert_int_eq(irq_level(m, 10), 1);
    piix_pci_irq(&m->piix, 6, 4, 1);                       /* device 6 INTD# -> PIRQB too */
    piix_pci_irq(&m->piix, 1, 1, 0);
    ck_assert_int_eq(irq_level(m, 10), 1);                 /* still held by the second source */
    piix_pci_irq(&m->piix, 6, 4, 0);
    ck_assert_int_eq(irq_level(m, 10), 0);
    piix_pci_irq(&m->piix, 2, 2, 1);                       /* -> PIRQD, disabled by default */
    ck_assert_uint_eq(m->piix.pci_irqs, 0);
    cfgw(m, 1, 0, 0x63, 5, 1);
    ck_assert_int_eq(irq_level(m, 5), 1);
    /* CF9h: a 0 -> 1 edge of bit 2 resets */
    portbus_out(&m->io, 0xCF9, 0x02, 1);
    ck_assert_uint_eq(m->pci.reset_requested, 0);
    portbus_out(&m->io, 0xCF9, 0x06, 1);
    ck_assert_uint_eq(m->pci.reset_requested, 1);
    machine_destroy(m);
}
END_TEST

/* POST with the built-in BIOS: BARs assigned, PM block enabled, ACPI tables. */
START_TEST(test_bios_post)
{
    struct machine *m = board_with(true);
    m->timeout_ns = 50000000ull;
    machine_run(m); /* POST, then no bootable device */
    ck_assert_uint_eq(cfgr(m, 1, 1, 0x20, 4), 0xC001u);    /* IDE bus master at C000h */
    ck_assert_uint_eq(cfgr(m, 1, 1, 0x04, 2) & 5u, 5u);
    ck_assert_uint_eq(cfgr(m, 1, 1, 0x40, 4), 0x80008000u);
    ck_assert_uint_eq(cfgr(m, 1, 0, 0x60, 4), 0x0B0B0A0Au);
    ck_assert_uint_eq(cfgr(m, 1, 3, 0x40, 4), 0x0601u);
    ck_assert_uint_eq(portbus_in(&m->io, 0x604, 2) & 1u, 1u); /* SCI_EN */
    ck_assert_uint_eq(portbus_in(&m->io, 0x4D1, 1) & 0x0Eu, 0x0Eu);
    uint8_t rsdp[20];
    memmap_read_bytes(&m->mem, 0xE0000, rsdp, sizeof(rsdp));
    ck_assert_mem_eq(rsdp, "RSD PTR ", 8);
    uint8_t sum = 0;
    for (int k = 0; k < 20; k++)
        sum = (uint8_t)(sum + rsdp[k]);
    ck_assert_uint_eq(sum, 0);
    uint32_t rsdt = memmap_read(&m->mem, 0xE0010, 4);
    uint32_t fadt = memmap_read(&m->mem, rsdt + 36, 4);
    ck_assert_uint_eq(memmap_read(&m->mem, fadt, 4), 0x50434146u); /* "FACP" */
    ck_assert_uint_eq(memmap_read(&m->mem, fadt + 64, 4), 0x604u);  /* PM1a_CNT_BLK */
    uint32_t dsdt = memmap_read(&m->mem, fadt + 40, 4);
    uint32_t len = memmap_read(&m->mem, dsdt + 4, 4);
    sum = 0;
    for (uint32_t k = 0; k < len; k++)
        sum = (uint8_t)(sum + memmap_read(&m->mem, dsdt + k, 1));
    ck_assert_uint_eq(sum, 0);
    machine_destroy(m);
}
END_TEST

int main(void)
{
    return testlib_main("pci", "pci", 0,
                        (const TTest *const[]){ test_conf1_ids, test_write_masks, test_bar_sizing_and_remap,
                                                test_pam_shadow, test_pm_timer, test_s5_poweroff, test_pirq_routing,
                                                test_apm_acpi_enable, test_qemu_acpi_ports, test_bios_post, NULL });
}
