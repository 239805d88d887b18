/*
 * acpi.c - the ACPI tables of the built-in BIOS, after ACPI 1.0b (chapter 5:
 * RSDP, RSDT, FADT revision 1, FACS, DSDT; chapter 16 for the AML encoding).
 *
 * The tables live in E0000h-E0FFFh (RAM, reported reserved by E820), where
 * the RSDP search of every OS looks: RSDP at E0000h, FACS at E0040h, RSDT,
 * FADT, then the DSDT.  The FADT describes the PIIX4 PM block that POST put
 * at 600h: PM1a event block 600h, control block 604h, PM timer 608h (24 bits),
 * GPE0 60Ch, SCI on IRQ 9; SMI_CMD is 0, so ACPI is always enabled (POST set
 * SCI_EN).  C2/C3 are declared unsupported.  The DSDT, assembled here byte by
 * byte, holds \_SB.PCI0 (PNP0A03) with a static _PRT (INTx of every slot to
 * IRQ 10/11 through the PIIX swizzle, no link devices), its _CRS windows,
 * and \_S5 = {0, 0}:
 * PIIX4 SUS_TYP 000 is soft off.  No MADT: the board has 8259 PICs only and
 * the CPU reports no local APIC, so an OS stays in PIC mode.  Left out: the
 * processor objects, sleep states S1-S4, the power button device, the ISA
 * devices' PnP descriptions (an OS probes them at their legacy ports).
 */
#include <string.h>

#include "bios/pcibios.h"

#define RSDP_AT (ACPI_TABLES_BASE + 0x000)
#define FACS_AT (ACPI_TABLES_BASE + 0x040)
#define RSDT_AT (ACPI_TABLES_BASE + 0x080)
#define FADT_AT (ACPI_TABLES_BASE + 0x0C0)
#define DSDT_AT (ACPI_TABLES_BASE + 0x140)
#define DSDT_MAX (ACPI_TABLES_SIZE - 0x140)

struct aml {
    uint8_t b[DSDT_MAX];
    unsigned n;
};

static void put(uint8_t *p, uint32_t v, int bytes)
{
    for (int k = 0; k < bytes; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static void aml_bytes(struct aml *a, const void *p, unsigned n)
{
    if (a->n + n <= sizeof(a->b))
        memcpy(a->b + a->n, p, n);
    a->n += n;
}

static void aml_byte(struct aml *a, uint8_t v)
{
    aml_bytes(a, &v, 1);
}

/* An integer with the shortest encoding (ZeroOp, OneOp, Byte/Word/DWordPrefix). */
static void aml_int(struct aml *a, uint32_t v)
{
    uint8_t e[5];
    if (v <= 1) {
        aml_byte(a, (uint8_t)v);
        return;
    }
    int n = v <= 0xFF ? 1 : v <= 0xFFFF ? 2 : 4;
    e[0] = n == 1 ? 0x0A : n == 2 ? 0x0B : 0x0C;
    put(e + 1, v, n);
    aml_bytes(a, e, (unsigned)n + 1);
}

/* op bytes, PkgLength (which counts itself), then body. */
static void aml_pkg(struct aml *a, const uint8_t *op, unsigned oplen, const struct aml *body)
{
    aml_bytes(a, op, oplen);
    unsigned len = body->n + 1;
    if (len < 0x40) {
        aml_byte(a, (uint8_t)len);
    } else {
        len++; /* two PkgLength bytes: up to 4095 */
        aml_byte(a, (uint8_t)(0x40 | (len & 0x0F)));
        aml_byte(a, (uint8_t)(len >> 4));
    }
    aml_bytes(a, body->b, body->n < sizeof(body->b) ? body->n : (unsigned)sizeof(body->b));
}

/* Name(_PRT, Package{ Package{ slot << 16 | FFFF, pin, Zero, irq } ... }) for
 * slots 1-31: INTA-D of slot s reach PIRQ (s + pin) mod 4, routed by POST to
 * IRQ 10, 10, 11, 11. */
static void aml_prt(struct aml *dev)
{
    static const uint8_t pirq_irq[4] = { 10, 10, 11, 11 };
    static struct aml list, entry;
    list.n = 0;
    aml_byte(&list, 31 * 4); /* NumElements */
    for (uint32_t slot = 1; slot < 32; slot++)
        for (uint32_t pin = 0; pin < 4; pin++) {
            entry.n = 0;
            aml_byte(&entry, 4);
            aml_int(&entry, slot << 16 | 0xFFFF);
            aml_int(&entry, pin);
            aml_int(&entry, 0);
            aml_int(&entry, pirq_irq[(slot + pin) & 3]);
            const uint8_t pkg = 0x12;
            aml_pkg(&list, &pkg, 1, &entry);
        }
    const uint8_t name[] = { 0x08, '_', 'P', 'R', 'T', 0x12 };
    aml_pkg(dev, name, sizeof(name), &list);
}

/* Name(_CRS, ResourceTemplate{...}): the root bridge decodes bus 0-FFh, the
 * configuration ports, all I/O but CF8h-CFFh, the VGA window and the memory
 * from the top of RAM to the I/O APIC/BIOS area at FEC00000h. */
static void aml_crs(struct aml *dev, uint32_t ram_size)
{
    static struct aml buf;
    uint8_t rt[128];
    unsigned n = 0;
    /* WordBusNumber(ResourceProducer, MinFixed, MaxFixed, PosDecode, 0, 0, FFh, 0, 100h) */
    const uint8_t bus[] = { 0x88, 0x0D, 0x00, 0x02, 0x0C, 0x00, 0, 0, 0x00, 0x00, 0xFF, 0x00, 0, 0, 0x00, 0x01 };
    /* IO(Decode16, CF8h, CF8h, 1, 8) */
    const uint8_t cfg[] = { 0x47, 0x01, 0xF8, 0x0C, 0xF8, 0x0C, 0x01, 0x08 };
    /* WordIO(ResourceProducer, MinFixed, MaxFixed, PosDecode, EntireRange, ...) 0-CF7h and D00h-FFFFh */
    const uint8_t io1[] = { 0x88, 0x0D, 0x00, 0x01, 0x0C, 0x03, 0, 0, 0x00, 0x00, 0xF7, 0x0C, 0, 0, 0xF8, 0x0C };
    const uint8_t io2[] = { 0x88, 0x0D, 0x00, 0x01, 0x0C, 0x03, 0, 0, 0x00, 0x0D, 0xFF, 0xFF, 0, 0, 0x00, 0xF3 };
    memcpy(rt + n, bus, sizeof(bus)), n += sizeof(bus);
    memcpy(rt + n, cfg, sizeof(cfg)), n += sizeof(cfg);
    memcpy(rt + n, io1, sizeof(io1)), n += sizeof(io1);
    memcpy(rt + n, io2, sizeof(io2)), n += sizeof(io2);
    /* DWordMemory(ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable, ReadWrite, ...) */
    const uint32_t win[2][2] = { { 0xA0000, 0xBFFFF }, { ram_size, 0xFEBFFFFF } };
    for (int k = 0; k < 2; k++) {
        uint8_t *d = rt + n;
        memset(d, 0, 26);
        d[0] = 0x87;
        d[1] = 0x17;
        d[3] = 0x00;  /* memory */
        d[4] = 0x0C;  /* producer, positive decode, min and max fixed */
        d[5] = 0x03;  /* cacheable, read/write */
        put(d + 10, win[k][0], 4);
        put(d + 14, win[k][1], 4);
        put(d + 22, win[k][1] - win[k][0] + 1, 4);
        n += 26;
    }
    rt[n++] = 0x79; /* end tag, checksum 0 */
    rt[n++] = 0x00;
    buf.n = 0;
    aml_int(&buf, n);
    aml_bytes(&buf, rt, n);
    const uint8_t name[] = { 0x08, '_', 'C', 'R', 'S', 0x11 };
    aml_pkg(dev, name, sizeof(name), &buf);
}

static unsigned build_dsdt(struct aml *a, uint32_t ram_size)
{
    static struct aml sb, dev;
    dev.n = sb.n = 0;
    aml_bytes(&dev, "PCI0", 4);
    const uint8_t hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0C, 0x41, 0xD0, 0x0A, 0x03 }; /* EisaId("PNP0A03") */
    const uint8_t adr[] = { 0x08, '_', 'A', 'D', 'R', 0x00 };
    const uint8_t uid[] = { 0x08, '_', 'U', 'I', 'D', 0x00 };
    aml_bytes(&dev, hid, sizeof(hid));
    aml_bytes(&dev, adr, sizeof(adr));
    aml_bytes(&dev, uid, sizeof(uid));
    aml_crs(&dev, ram_size);
    aml_prt(&dev);
    aml_bytes(&sb, "\\_SB_", 5);
    const uint8_t device_op[] = { 0x5B, 0x82 };
    aml_pkg(&sb, device_op, 2, &dev);
    a->n = 36; /* the table header comes first */
    const uint8_t scope_op = 0x10;
    aml_pkg(a, &scope_op, 1, &sb);
    /* Name(\_S5, Package(4){ Zero, Zero, Zero, Zero }) */
    const uint8_t s5[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00 };
    aml_bytes(a, s5, sizeof(s5));
    return a->n;
}

/* The 36-byte header every table but the RSDP and FACS starts with. */
static void sdt_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    put(t + 4, len, 4);
    t[8] = rev;
    t[9] = 0;
    memcpy(t + 10, "TARSIR", 6);
    memcpy(t + 16, "TARSIER ", 8);
    put(t + 24, 1, 4);
    memcpy(t + 28, "TRSR", 4);
    put(t + 32, 1, 4);
}

static void checksum(uint8_t *t, uint32_t len, uint32_t at)
{
    uint8_t sum = 0;
    t[at] = 0;
    for (uint32_t k = 0; k < len; k++)
        sum = (uint8_t)(sum + t[k]);
    t[at] = (uint8_t)-sum;
}

void bios_acpi_build(struct bios *b)
{
    static struct aml dsdt;
    uint8_t img[ACPI_TABLES_SIZE];
    memset(img, 0, sizeof(img));
    /* DSDT */
    unsigned dlen = build_dsdt(&dsdt, b->ram_size < 0x100000 ? 0x100000 : b->ram_size);
    if (dlen > DSDT_MAX)
        return; /* cannot happen with the fixed contents; no tables rather than broken ones */
    uint8_t *d = img + (DSDT_AT - ACPI_TABLES_BASE);
    memcpy(d, dsdt.b, dlen);
    sdt_header(d, "DSDT", dlen, 1);
    checksum(d, dlen, 9);
    /* FACS: 64 bytes, no checksum */
    uint8_t *s = img + (FACS_AT - ACPI_TABLES_BASE);
    memcpy(s, "FACS", 4);
    put(s + 4, 64, 4);
    /* FADT revision 1 (116 bytes) */
    uint8_t *f = img + (FADT_AT - ACPI_TABLES_BASE);
    sdt_header(f, "FACP", 116, 1);
    put(f + 36, FACS_AT, 4);
    put(f + 40, DSDT_AT, 4);
    put(f + 46, 9, 2);                      /* SCI_INT */
    put(f + 48, 0, 4);                      /* SMI_CMD: none, always in ACPI mode */
    put(f + 56, PCIBIOS_PMBA + 0x00, 4);    /* PM1a_EVT_BLK */
    put(f + 64, PCIBIOS_PMBA + 0x04, 4);    /* PM1a_CNT_BLK */
    put(f + 76, PCIBIOS_PMBA + 0x08, 4);    /* PM_TMR_BLK */
    put(f + 80, PCIBIOS_PMBA + 0x0C, 4);    /* GPE0_BLK */
    f[88] = 4;                              /* PM1_EVT_LEN */
    f[89] = 2;                              /* PM1_CNT_LEN */
    f[91] = 4;                              /* PM_TMR_LEN */
    f[92] = 4;                              /* GPE0_BLK_LEN */
    put(f + 96, 101, 2);                    /* P_LVL2_LAT > 100: no C2 */
    put(f + 98, 1001, 2);                   /* P_LVL3_LAT > 1000: no C3 */
    f[108] = 0x32;                          /* CENTURY: CMOS register */
    put(f + 112, 0x01 | 0x04 | 0x20 | 0x40, 4); /* WBINVD, PROC_C1, SLP_BUTTON (none), FIX_RTC */
    checksum(f, 116, 9);
    /* RSDT with the FADT */
    uint8_t *r = img + (RSDT_AT - ACPI_TABLES_BASE);
    sdt_header(r, "RSDT", 40, 1);
    put(r + 36, FADT_AT, 4);
    checksum(r, 40, 9);
    /* RSDP (ACPI 1.0: 20 bytes) */
    uint8_t *p = img;
    memcpy(p, "RSD PTR ", 8);
    memcpy(p + 9, "TARSIR", 6);
    p[15] = 0;
    put(p + 16, RSDT_AT, 4);
    checksum(p, 20, 8);
    memmap_write_bytes(b->mem, ACPI_TABLES_BASE, img, sizeof(img));
}
