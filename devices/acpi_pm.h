/*
 * acpi_pm.h - the PIIX4 power-management function (PCI 00:01.3, 8086:7113):
 * ACPI PM1a event/control registers, the ACPI PM timer, GPE0 and the SCI.
 */
#ifndef TARSIER_ACPI_PM_H
#define TARSIER_ACPI_PM_H

#include "devices/pci.h"
#include "machine/clock.h"

#define ACPI_PM_PMBA 0x40         /* config: PM base address (64 ports) */
#define ACPI_PM_PMREGMISC 0x80    /* config: bit 0 enables the PM I/O space */
#define ACPI_PM_IO_SIZE 64
#define ACPI_PM_TIMER_HZ 3579545u

/* offsets in the PM I/O block */
#define ACPI_PM1_STS 0x00
#define ACPI_PM1_EN 0x02
#define ACPI_PM1_CNT 0x04
#define ACPI_PM_TMR 0x08
#define ACPI_GPE0_STS 0x0C
#define ACPI_GPE0_EN 0x0E

#define ACPI_PM1_TMR_STS 0x0001
#define ACPI_PM1_PWRBTN_STS 0x0100
#define ACPI_PM1_WAK_STS 0x8000
#define ACPI_CNT_SCI_EN 0x0001
#define ACPI_CNT_SLP_TYP_SHIFT 10
#define ACPI_CNT_SLP_EN 0x2000
#define ACPI_SLP_TYP_S5 0         /* PIIX4 SUS_TYP 000: soft off */

/* the APM control and status ports (fixed ISA addresses) and the ACPI
 * enable/disable commands of QEMU-style firmware's FADT (SMI_CMD = B2h) */
#define ACPI_APM_PORT 0xB2
#define ACPI_APM_ENABLE 0xF1
#define ACPI_APM_DISABLE 0xF0

/* QEMU's additions to its PIIX4 (the ports SeaBIOS's ACPI tables name) */
#define ACPI_QEMU_GPE 0xAFE0      /* 4 ports: a second view of GPE0 (STS, EN) */
#define ACPI_QEMU_PCIHP 0xAE00    /* 20 ports: PCI hotplug up/down/eject/removable/bus select */
#define ACPI_QEMU_PCIHP_SIZE 20
#define ACPI_QEMU_CPUHP 0xAF00    /* 32 ports: bitmap of present CPUs */
#define ACPI_QEMU_CPUHP_SIZE 32

struct acpi_pm {
    struct pci_func pci;
    uint8_t regs[ACPI_PM_IO_SIZE]; /* the PM I/O block (the timer is computed) */
    uint8_t poweroff_requested;    /* SLP_EN with the soft-off type: the board stops */
    uint8_t sci_level;
    uint8_t apmc, apms;            /* APM control (B2h) and status (B3h) */
    uint8_t pcihp_bnum;            /* QEMU PCI hotplug bus select (storage) */
    uint64_t carries;              /* timer bit-23 changes seen (TMR_STS is set lazily) */
    uint8_t warned;
    struct irq_line sci;           /* IRQ 9 */
    struct vclock *clock;
    int ev;                        /* timer-carry event, armed while it can raise the SCI */
};

extern const struct io_ops acpi_pm_io_ops;   /* the PM I/O block, mapped at PMBA */
extern const struct io_ops acpi_pm_apm_ops;  /* APMC/APMS at ACPI_APM_PORT, 2 ports */
extern const struct io_ops acpi_pm_qemu_gpe_ops;    /* at ACPI_QEMU_GPE, 4 ports */
extern const struct io_ops acpi_pm_qemu_pcihp_ops;  /* at ACPI_QEMU_PCIHP */
extern const struct io_ops acpi_pm_qemu_cpuhp_ops;  /* at ACPI_QEMU_CPUHP */
extern const struct state_table acpi_pm_state;

/* Set up the function and its I/O block; the timer reads clock->now, which
 * the board keeps current before every port access. */
void acpi_pm_init(struct acpi_pm *pm, struct vclock *clock);
/* The 24-bit timer value at virtual time now_ns. */
uint32_t acpi_pm_timer(uint64_t now_ns);
/* Press the power button (sets PWRBTN_STS; an SCI when enabled). */
void acpi_pm_power_button(struct acpi_pm *pm);

#endif
