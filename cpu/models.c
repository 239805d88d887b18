/*
 * models.c - the CPU models selectable with -cpu, with their CPUID values and
 * the visible differences between generations (SDM Vol. 1 section 3.4.3 for
 * EFLAGS, Vol. 3 chapter 22 "Architecture compatibility").
 */
#include <string.h>

#include "cpu/cpu.h"

/* CPUID.1 EDX feature bits */
#define FEAT_FPU (1u << 0)
#define FEAT_VME (1u << 1)
#define FEAT_DE (1u << 2)
#define FEAT_PSE (1u << 3)
#define FEAT_TSC (1u << 4)
#define FEAT_MSR (1u << 5)
#define FEAT_PAE (1u << 6)
#define FEAT_MCE (1u << 7)
#define FEAT_CX8 (1u << 8)
#define FEAT_SEP (1u << 11)
#define FEAT_MTRR (1u << 12)
#define FEAT_PGE (1u << 13)
#define FEAT_CMOV (1u << 15)
#define FEAT_MMX (1u << 23)
#define FEAT_FXSR (1u << 24)

#define FEAT_P5 (FEAT_FPU | FEAT_VME | FEAT_DE | FEAT_PSE | FEAT_TSC | FEAT_MSR | FEAT_MCE | FEAT_CX8)
#define FEAT_P6 (FEAT_P5 | FEAT_PAE | FEAT_SEP | FEAT_MTRR | FEAT_PGE | FEAT_CMOV)
#define CR4_P5 (CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_MCE)
#define CR4_P6 (CR4_P5 | CR4_PAE | CR4_PGE | CR4_PCE)

/* EFLAGS: the 8086 reads bits 12-15 as 1; the 286 (real mode) as 0; the 386
 * has no AC; the 486 adds AC; the Pentium adds ID, VIF and VIP. */
#define FL_BASE 0x0FD5u /* CF PF AF ZF SF TF IF DF OF */

static const struct cpu_model models[] = {
    { "8086", CPU_8086, 0, 0, 0, 0xF002, FL_BASE, 0 },
    { "286", CPU_286, 0, 0, 0, 0x0002, FL_BASE | 0x7000, 10 },
    { "386", CPU_386, 0, 0, 0, 0x0002, FL_BASE | 0x37000, 15 },
    { "486", CPU_486, 0x0480, FEAT_FPU | FEAT_VME, CR4_VME | CR4_PVI, 0x0002,
      FL_BASE | 0x77000 | 0x200000, 15 },
    { "pentium", CPU_PENTIUM, 0x0525, FEAT_P5, CR4_P5, 0x0002, FL_BASE | 0x3F7000, 15 },
    /* Pentium with MMX technology (P55C): family 5, model 4 */
    { "pentium-mmx", CPU_PENTIUM, 0x0543, FEAT_P5 | FEAT_MMX, CR4_P5, 0x0002, FL_BASE | 0x3F7000, 15 },
    { "pentium-pro", CPU_PPRO, 0x0619, FEAT_P6, CR4_P6, 0x0002, FL_BASE | 0x3F7000, 15 },
    /* Pentium II (Deschutes): the Pentium Pro plus MMX and FXSAVE/FXRSTOR.  CR4.OSFXSR
     * exists with CPUID.FXSR (operating systems set it); with no XMM state it
     * changes nothing. */
    { "pentium2", CPU_PPRO, 0x0652, FEAT_P6 | FEAT_MMX | FEAT_FXSR, CR4_P6 | CR4_OSFXSR, 0x0002,
      FL_BASE | 0x3F7000, 15 },
};

#define DEFAULT_MODEL "pentium-pro"

const struct cpu_model *cpu_model_find(const char *name)
{
    for (unsigned k = 0; k < sizeof(models) / sizeof(models[0]); k++)
        if (!strcmp(models[k].name, name))
            return &models[k];
    return NULL;
}

const struct cpu_model *cpu_model_default(void)
{
    return cpu_model_find(DEFAULT_MODEL);
}

const char *cpu_model_names(void)
{
    return "8086 286 386 486 pentium pentium-mmx pentium-pro pentium2";
}
