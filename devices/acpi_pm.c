/*
 * acpi_pm.c - the power-management function of the Intel 82371AB PIIX4
 * (function 3, 8086:7113), after the PIIX4 datasheet (PMBA 40h, PMREGMISC 80h,
 * the power management I/O registers) and ACPI 1.0b chapter 4 (fixed
 * hardware: PM1a event and control blocks, the PM timer, GPE0).
 *
 * The 64-port block at PMBA (enabled by PMREGMISC bit 0): PMSTS/PMEN (PM1a
 * event block, status bits write-1-to-clear), PMCNTRL (PM1a control: SCI_EN,
 * SUS_TYP, SUS_EN), the 24-bit PM timer at +8 counting at 3.579545 MHz from
 * the virtual clock (TMROF_STS when bit 23 changes: kept lazily, with a clock
 * event only while TMROF_EN and SCI_EN are set), GPSTS/GPEN (GPE0 block).
 * The SCI is a level on IRQ 9 while any enabled event is pending.  SUS_EN
 * with SUS_TYP 000 (soft off, the \_S5 value in the BIOS's DSDT) powers the
 * machine off.  The APM control/status registers (B2h/B3h) are storage,
 * except that writing the FADT's ACPI_ENABLE (F1h) or ACPI_DISABLE (F0h)
 * command to APMC sets or clears SCI_EN: a departure that stands in for the
 * SMI handler of QEMU-style firmware (SeaBIOS's own FADT names SMI_CMD B2h
 * and those values; without it Linux reports "Hardware did not enter ACPI
 * mode"), as tarsier has no SMM.
 * QEMU's additions to its PIIX4, which SeaBIOS's own ACPI tables use (QEMU's
 * "ACPI PCI hotplug" and "ACPI CPU hotplug" interface descriptions): GPE0
 * also appears at AFE0h (the FADT's GPE0_BLK there), the PCI hotplug block at
 * AE00h (slots up/down read 0: nothing is ever hot-plugged; eject is
 * refused and logged once; removable slots 0; bus select is storage) and the
 * CPU present bitmap at AF00h (CPU 0 only).  Without them those ports read
 * all ones and Linux takes every slot for an eject request.
 * Left out: the other sleep states (logged, resumed at once), SMI generation, the processor throttling and C2/C3 registers (storage;
 * reading PLVL2/3 does not idle), device monitors, the SMBus controller
 * (SMBBA reads as not assigned).
 */
#include <stdio.h>
#include <string.h>

#include "devices/acpi_pm.h"

#define PM1_STS_MASK 0x8D31u       /* the status bits that exist */
#define PM1_SCI_EVENTS 0x0521u     /* TMR, GBL, PWRBTN, RTC: the ones with an enable */

static uint16_t rd16(const struct acpi_pm *pm, int off)
{
    return (uint16_t)(pm->regs[off] | pm->regs[off + 1] << 8);
}

uint32_t acpi_pm_timer(uint64_t now_ns)
{
    /* ticks = now * f / 1e9 without overflowing 64 bits */
    uint64_t s = now_ns / 1000000000u, ns = now_ns % 1000000000u;
    uint64_t ticks = s * ACPI_PM_TIMER_HZ + ns * ACPI_PM_TIMER_HZ / 1000000000u;
    return (uint32_t)(ticks & 0xFFFFFF);
}

static void update_sci(struct acpi_pm *pm)
{
    int level = (rd16(pm, ACPI_PM1_STS) & rd16(pm, ACPI_PM1_EN) & PM1_SCI_EVENTS) ||
                (rd16(pm, ACPI_GPE0_STS) & rd16(pm, ACPI_GPE0_EN));
    if (!(rd16(pm, ACPI_PM1_CNT) & ACPI_CNT_SCI_EN))
        level = 0;
    if (level != pm->sci_level) {
        pm->sci_level = (uint8_t)level;
        irq_set(&pm->sci, level);
    }
}

static uint64_t ticks_at(uint64_t now)
{
    return now / 1000000000u * ACPI_PM_TIMER_HZ + now % 1000000000u * ACPI_PM_TIMER_HZ / 1000000000u;
}

/* Next virtual time at which timer bit 23 changes. */
static uint64_t next_carry(uint64_t now)
{
    uint64_t t = (ticks_at(now) | 0x7FFFFF) + 1;
    uint64_t ts = t / ACPI_PM_TIMER_HZ, tr = t % ACPI_PM_TIMER_HZ;
    return ts * 1000000000u + (tr * 1000000000u + ACPI_PM_TIMER_HZ - 1) / ACPI_PM_TIMER_HZ;
}

/* TMR_STS is kept lazily: set when bit 23 changed since the last look.  An
 * event runs only while the carry can raise the SCI (TMR_EN and SCI_EN). */
static void tmr_sync(struct acpi_pm *pm)
{
    uint64_t c = ticks_at(pm->clock->now) >> 23;
    if (c != pm->carries) {
        pm->carries = c;
        pm->regs[ACPI_PM1_STS] |= ACPI_PM1_TMR_STS;
    }
}

static void tmr_arm(struct acpi_pm *pm)
{
    if (pm->ev < 0)
        return;
    if ((rd16(pm, ACPI_PM1_EN) & ACPI_PM1_TMR_STS) && (rd16(pm, ACPI_PM1_CNT) & ACPI_CNT_SCI_EN))
        clock_schedule(pm->clock, pm->ev, next_carry(pm->clock->now));
    else
        clock_cancel(pm->clock, pm->ev);
}

static void carry_fire(void *opaque, uint64_t now)
{
    struct acpi_pm *pm = opaque;
    tmr_sync(pm);
    update_sci(pm);
    tmr_arm(pm);
}

void acpi_pm_power_button(struct acpi_pm *pm)
{
    pm->regs[ACPI_PM1_STS + 1] |= ACPI_PM1_PWRBTN_STS >> 8;
    update_sci(pm);
}

static uint8_t reg_byte(struct acpi_pm *pm, uint32_t off, uint32_t tmr)
{
    if (off >= ACPI_PM_TMR && off < ACPI_PM_TMR + 4)
        return (uint8_t)(tmr >> (8 * (off - ACPI_PM_TMR)));
    return pm->regs[off];
}

static uint32_t pm_read(void *opaque, uint32_t off, int size)
{
    struct acpi_pm *pm = opaque;
    tmr_sync(pm);
    update_sci(pm);
    uint32_t tmr = acpi_pm_timer(pm->clock->now), v = 0;
    for (int k = 0; k < size; k++)
        if (off + (uint32_t)k < ACPI_PM_IO_SIZE)
            v |= (uint32_t)reg_byte(pm, off + (uint32_t)k, tmr) << (8 * k);
    return v;
}

static void sleep_request(struct acpi_pm *pm, uint16_t cnt)
{
    unsigned typ = (cnt >> ACPI_CNT_SLP_TYP_SHIFT) & 7;
    if (typ == ACPI_SLP_TYP_S5) {
        pm->poweroff_requested = 1;
        return;
    }
    if (!(pm->warned & 1))
        fprintf(stderr, "tarsier: acpi-pm: sleep type %u is not implemented; the machine wakes at once\n", typ);
    pm->warned |= 1;
    pm->regs[ACPI_PM1_STS + 1] |= ACPI_PM1_WAK_STS >> 8;
}

static void pm_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct acpi_pm *pm = opaque;
    int cnt_written = 0;
    tmr_sync(pm);
    for (int k = 0; k < size; k++) {
        uint32_t a = off + (uint32_t)k;
        uint8_t v = (uint8_t)(val >> (8 * k));
        if (a >= ACPI_PM_IO_SIZE)
            break;
        switch (a) {
        case ACPI_PM1_STS: case ACPI_PM1_STS + 1:
            pm->regs[a] &= (uint8_t)~(v & (uint8_t)(PM1_STS_MASK >> (8 * (a - ACPI_PM1_STS))));
            break;
        case ACPI_GPE0_STS: case ACPI_GPE0_STS + 1:
            pm->regs[a] &= (uint8_t)~v;
            break;
        case ACPI_PM1_EN: pm->regs[a] = v & 0x21; break;
        case ACPI_PM1_EN + 1: pm->regs[a] = v & 0x05; break;
        case ACPI_PM1_CNT: pm->regs[a] = v & 0x03; break; /* GBL_RLS (bit 2) is write-only: no BIOS to tell */
        case ACPI_PM1_CNT + 1:
            pm->regs[a] = v & 0x1C;                          /* SUS_EN (bit 13) reads 0 */
            if (v & (ACPI_CNT_SLP_EN >> 8))
                cnt_written = 1;
            break;
        case ACPI_PM_TMR: case ACPI_PM_TMR + 1: case ACPI_PM_TMR + 2: case ACPI_PM_TMR + 3:
            break; /* read-only */
        default:
            pm->regs[a] = v;
        }
    }
    if (cnt_written)
        sleep_request(pm, (uint16_t)(rd16(pm, ACPI_PM1_CNT) | ACPI_CNT_SLP_EN));
    update_sci(pm);
    tmr_arm(pm);
}

const struct io_ops acpi_pm_io_ops = { pm_read, pm_write, IO_SIZE8 | IO_SIZE16 | IO_SIZE32 };

static uint32_t apm_read(void *opaque, uint32_t off, int size)
{
    struct acpi_pm *pm = opaque;
    return off == 0 ? pm->apmc : pm->apms;
}

static void apm_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct acpi_pm *pm = opaque;
    if (off) {
        pm->apms = (uint8_t)val;
        return;
    }
    pm->apmc = (uint8_t)val;
    if (pm->apmc == ACPI_APM_ENABLE)
        pm->regs[ACPI_PM1_CNT] |= ACPI_CNT_SCI_EN;
    else if (pm->apmc == ACPI_APM_DISABLE)
        pm->regs[ACPI_PM1_CNT] &= (uint8_t)~ACPI_CNT_SCI_EN;
    else
        return;
    tmr_sync(pm);
    update_sci(pm);
    tmr_arm(pm);
}

const struct io_ops acpi_pm_apm_ops = { apm_read, apm_write, IO_SIZE8 };

static uint32_t qemu_gpe_read(void *opaque, uint32_t off, int size)
{
    return pm_read(opaque, ACPI_GPE0_STS + (off & 3), size);
}

static void qemu_gpe_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    pm_write(opaque, ACPI_GPE0_STS + (off & 3), val, size);
}

const struct io_ops acpi_pm_qemu_gpe_ops = { qemu_gpe_read, qemu_gpe_write, IO_SIZE8 | IO_SIZE16 | IO_SIZE32 };

static uint32_t pcihp_read(void *opaque, uint32_t off, int size)
{
    struct acpi_pm *pm = opaque;
    return off == 16 ? pm->pcihp_bnum : 0; /* PCIU, PCID, B0EJ, removable: 0 */
}

static void pcihp_write(void *opaque, uint32_t off, uint32_t val, int size)
{
    struct acpi_pm *pm = opaque;
    if (off == 16)
        pm->pcihp_bnum = (uint8_t)val;
    else if (off >= 8 && off < 12 && val && !(pm->warned & 2)) {
        pm->warned |= 2;
        fprintf(stderr, "tarsier: acpi-pm: PCI hot-unplug (eject %08x) is not implemented\n", val);
    }
}

const struct io_ops acpi_pm_qemu_pcihp_ops = { pcihp_read, pcihp_write, IO_SIZE8 | IO_SIZE16 | IO_SIZE32 };

static uint32_t cpuhp_read(void *opaque, uint32_t off, int size)
{
    return off == 0 ? 0x01 : 0x00;
}

static void cpuhp_write(void *opaque, uint32_t off, uint32_t val, int size)
{
}

const struct io_ops acpi_pm_qemu_cpuhp_ops = { cpuhp_read, cpuhp_write, IO_SIZE8 };

void acpi_pm_init(struct acpi_pm *pm, struct vclock *clock)
{
    struct pci_func *f = &pm->pci;
    pci_func_init(f, 0x8086, 0x7113, 0x068000, 0x03, 0x00);
    f->dev = pm;
    pci_set16(f, PCI_STATUS, 0x0280);
    f->wmask[PCI_COMMAND] = PCI_CMD_IO;
    f->wmask[0x0C] = 0;
    pci_func_region(f, 0, PCI_REGION_IO, ACPI_PM_IO_SIZE, ACPI_PM_PMBA, ACPI_PM_PMREGMISC, 0x01, &acpi_pm_io_ops,
                    pm, "acpi-pm");
    f->wmask[ACPI_PM_PMREGMISC] = 0x01;
    for (int r = 0x44; r <= 0x6B; r++)   /* CNTA/CNTB, GPICTL, DEVRESA-J: storage */
        f->wmask[r] = 0xFF;
    f->cfg[0x90] = 0x01;                 /* SMBBA: I/O, not assigned (no SMBus) */
    /* DEVACTB.APMC_EN (bit 25) reads as set from reset: tarsier has no System
     * Management Mode, and firmware that sets SMM up (SeaBIOS's
     * piix4_apmc_smm_setup) takes this bit to mean "already done" instead of
     * raising an SMI through port B2h and waiting forever for a handler. */
    f->cfg[0x5B] = 0x02;
    memset(pm->regs, 0, sizeof(pm->regs));
    pm->poweroff_requested = 0;
    pm->sci_level = 0;
    pm->apmc = pm->apms = 0;
    pm->pcihp_bnum = 0;
    pm->clock = clock;
    pm->ev = clock_add_event(clock, "acpi-pm-timer", carry_fire, pm);
    pm->carries = ticks_at(clock->now) >> 23;
}

static const struct state_field acpi_pm_fields[] = {
    STATE_ARRAY(struct acpi_pm, pci.cfg, ST_BYTES, 256),
    STATE_ARRAY(struct acpi_pm, regs, ST_BYTES, ACPI_PM_IO_SIZE),
    STATE_FIELD(struct acpi_pm, sci_level, ST_U8),
    STATE_FIELD(struct acpi_pm, apmc, ST_U8),
    STATE_FIELD(struct acpi_pm, apms, ST_U8),
    STATE_FIELD(struct acpi_pm, pcihp_bnum, ST_U8),
    STATE_FIELD(struct acpi_pm, carries, ST_U64),
    STATE_END
};
const struct state_table acpi_pm_state = { "acpi-pm", 1, acpi_pm_fields };
