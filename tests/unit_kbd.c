/*
 * unit_kbd.c - the 8042's scan-code translation (set 2 -> set 1): the
 * controller's fixed table checked against pairs written down independently
 * from the two sets' key charts (Japanese keys, the E0 browser/multimedia
 * keys, F13-F24, Pause and Print Screen's parts), its shape (00h-7Fh map
 * one to one), and the bytes a guest reads from port 60h, breaks included.
 */
#include "devices/kbc.h"
#include "testlib.h"

START_TEST(test_table_pairs)
{
    static const uint8_t pairs[][2] = {
        /* ordinary keys */
        { 0x1C, 0x1E }, { 0x76, 0x01 }, { 0x66, 0x0E }, { 0x5A, 0x1C }, { 0x29, 0x39 }, { 0x14, 0x1D },
        { 0x12, 0x2A }, { 0x59, 0x36 }, { 0x11, 0x38 }, { 0x58, 0x3A }, { 0x77, 0x45 }, { 0x7E, 0x46 },
        { 0x05, 0x3B }, { 0x83, 0x41 }, { 0x78, 0x57 }, { 0x07, 0x58 }, { 0x61, 0x56 }, { 0x5D, 0x2B },
        /* Japanese 106/109 keys */
        { 0x13, 0x70 }, { 0x51, 0x73 }, { 0x6A, 0x7D }, { 0x64, 0x79 }, { 0x67, 0x7B },
        /* F13-F24 */
        { 0x08, 0x64 }, { 0x10, 0x65 }, { 0x18, 0x66 }, { 0x20, 0x67 }, { 0x28, 0x68 }, { 0x30, 0x69 },
        { 0x38, 0x6A }, { 0x40, 0x6B }, { 0x48, 0x6C }, { 0x50, 0x6D }, { 0x57, 0x6E }, { 0x5F, 0x76 },
        /* after E0: arrows, Windows keys, browser and media keys, power */
        { 0x75, 0x48 }, { 0x6B, 0x4B }, { 0x74, 0x4D }, { 0x72, 0x50 }, { 0x1F, 0x5B }, { 0x27, 0x5C },
        { 0x2F, 0x5D }, { 0x37, 0x5E }, { 0x3F, 0x5F }, { 0x5E, 0x63 }, { 0x32, 0x30 }, { 0x21, 0x2E },
        { 0x23, 0x20 }, { 0x34, 0x22 }, { 0x3B, 0x24 }, { 0x4D, 0x19 }, { 0x15, 0x10 }, { 0x4A, 0x35 },
        /* Print Screen (E0 12 E0 7C) and Pause (E1 14 77 E1 F0 14 F0 77) parts, SysRq */
        { 0x7C, 0x37 }, { 0x84, 0x54 }, { 0x7F, 0x54 },
        /* not translated: prefixes and codes above the table */
        { 0xE0, 0xE0 }, { 0xE1, 0xE1 }, { 0xAA, 0xAA }, { 0xFA, 0xFA },
    };
    for (size_t k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++)
        ck_assert_msg(kbc_set2_to_set1(pairs[k][0]) == pairs[k][1], "set 2 %02x -> %02x, expected %02x", pairs[k][0],
                      kbc_set2_to_set1(pairs[k][0]), pairs[k][1]);
    /* 01h-7Fh map one to one onto 01h-7Fh (00h, the overrun code, -> FFh) */
    uint8_t seen[128] = { 0 };
    ck_assert_uint_eq(kbc_set2_to_set1(0x00), 0xFF);
    for (int c = 1; c < 0x80; c++) {
        uint8_t v = kbc_set2_to_set1((uint8_t)c);
        ck_assert_msg(v >= 1 && v < 0x80 && !seen[v], "set 2 %02x -> %02x (repeated or out of range)", c, v);
        seen[v] = 1;
    }
}
END_TEST

static uint8_t next_byte(struct machine *m)
{
    ck_assert_uint_eq(inb(m, 0x64) & 1, 1);
    return inb(m, 0x60);
}

/* What the guest reads: E0-prefixed and JP keys, make and break. */
START_TEST(test_port60_bytes)
{
    struct machine *m = testlib_board();
    const struct {
        uint16_t key;
        int down;
        uint8_t bytes[3];
        int n;
    } cases[] = {
        { 0xE038, 1, { 0xE0, 0x6A }, 2 }, /* browser back */
        { 0xE038, 0, { 0xE0, 0xEA }, 2 },
        { 0xE032, 1, { 0xE0, 0x30 }, 2 }, /* volume up */
        { 0x0051, 1, { 0x73 }, 1 },       /* Ro */
        { 0x0051, 0, { 0xF3 }, 1 },
        { 0x006A, 1, { 0x7D }, 1 },       /* Yen */
        { 0x0013, 0, { 0xF0 }, 1 },       /* Katakana/Hiragana released */
        { 0xE011, 1, { 0xE0, 0x38 }, 2 }, /* right Alt */
        { 0xE014, 0, { 0xE0, 0x9D }, 2 }, /* right Ctrl released */
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        kbc_key(&m->kbc, cases[k].key, cases[k].down);
        for (int b = 0; b < cases[k].n; b++) {
            uint8_t got = next_byte(m);
            ck_assert_msg(got == cases[k].bytes[b], "key %04x %s byte %d: %02x, expected %02x", cases[k].key,
                          cases[k].down ? "down" : "up", b, got, cases[k].bytes[b]);
        }
        ck_assert_uint_eq(inb(m, 0x64) & 1, 0);
    }
    machine_destroy(m);
}
END_TEST

int main(void)
{
    return testlib_main("kbd", "translation", 0, (const TTest *const[]){ test_table_pairs, test_port60_bytes, NULL });
}
