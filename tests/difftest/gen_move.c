/*
 * gen_move.c - the differential tester's generator classes for moves and
 * exchanges (BSWAP, MOVZX/MOVSX, MOV, XCHG, LEA), miscellaneous one-byte
 * instructions, string instructions, PUSH/POP/PUSHF/POPF (with their native
 * replacement sequences) and the Unicorn-only BCD and PUSHA/POPA.  See gen.c.
 */
#include <string.h>

#include "gen_int.h"

void g_bswap(struct em *e)
{
    begin(e, K_BSWAP);
    bb(e, 0x0F);
    bb(e, (uint8_t)(0xC8 + wreg(e)));
}

void g_movx(struct em *e)
{
    int ssz = chance(e, 50) ? 1 : 2, dsz = ssz == 1 && chance(e, 30) ? 2 : 4;
    struct rm m = pick_rm(e, ssz, 0, 0);
    int reg = wreg(e);
    begin(e, K_MOVX);
    prefixes(e, &m, dsz, 0);
    bb(e, 0x0F);
    bb(e, (uint8_t)((rnd(e, 2) ? 0xBE : 0xB6) + (ssz == 2)));
    modrm(e, reg, &m);
}

void g_mov(struct em *e)
{
    int size = pick_size(e), w = size > 1, form = (int)rnd(e, 5);
    if (form == 0 || form == 1) {
        struct rm m = pick_rm(e, size, form == 0, 0);
        int reg = form == 1 ? regsz(e, size) : (int)rnd(e, 8);
        begin(e, K_MOV);
        prefixes(e, &m, size, 0);
        bb(e, (uint8_t)(0x88 + form * 2 + w));
        modrm(e, reg, &m);
    } else if (form == 2) {
        struct rm m = pick_rm(e, size, 1, 0);
        begin(e, K_MOV);
        prefixes(e, &m, size, 0);
        bb(e, (uint8_t)(0xC6 + w));
        modrm(e, 0, &m);
        bimm(e, interesting(e), size);
    } else if (form == 3) {
        begin(e, K_MOV);
        prefixes(e, NULL, size, 0);
        bb(e, (uint8_t)((size == 1 ? 0xB0 : 0xB8) + regsz(e, size)));
        bimm(e, interesting(e), size);
    } else {
        begin(e, K_MOV);
        nb(e, 0x67);
        prefixes(e, NULL, size, 0);
        bb(e, (uint8_t)(0xA0 + w + 2 * rnd(e, 2)));
        b32(e, DT_DATA_BASE + 0x40 + rnd(e, 0xEC0));
    }
}

void g_xchg(struct em *e)
{
    int size = pick_size(e);
    if (size > 1 && chance(e, 30)) {
        begin(e, K_XCHG);
        prefixes(e, NULL, size, 0);
        bb(e, (uint8_t)(0x90 + wreg(e)));
        return;
    }
    struct rm m = pick_rm(e, size, 1, 0);
    int reg = regsz(e, size);
    begin(e, K_XCHG);
    prefixes(e, &m, size, 1);
    bb(e, (uint8_t)(0x86 + (size > 1)));
    modrm(e, reg, &m);
}

void g_lea(struct em *e)
{
    /* any address: LEA does not access memory */
    struct rm m;
    memset(&m, 0, sizeof(m));
    m.mem = 1;
    m.mode = (int)rnd(e, 4);
    m.base = (int)rnd(e, 8);
    do
        m.index = (int)rnd(e, 8);
    while (m.index == 4);
    m.scale = (int)rnd(e, 4);
    int d = (int)rnd(e, 3);
    m.dsz = d == 0 ? 0 : d == 1 ? 1 : 4;
    if (m.base == 5 && m.dsz == 0)
        m.dsz = 1;
    m.disp = m.dsz == 1 ? (int32_t)rnd(e, 256) - 128 : (int32_t)interesting(e);
    if (m.mode == 0 || m.mode == 3) {
        m.dsz = 4;
        m.disp = (int32_t)interesting(e);
    }
    int size = chance(e, 25) ? 2 : 4;
    begin(e, K_LEA);
    nb(e, 0x67);
    if (size == 2)
        bb(e, 0x66);
    bb(e, 0x8D);
    modrm(e, wreg(e), &m);
}

void g_misc(struct em *e)
{
    switch (rnd(e, 11)) {
    case 0: begin(e, K_MISC); if (chance(e, 50)) bb(e, 0x66); bb(e, 0x98); break;   /* cbw/cwde */
    case 1: begin(e, K_MISC); if (chance(e, 50)) bb(e, 0x66); bb(e, 0x99); break;   /* cwd/cdq */
    case 2: begin(e, K_MISC); bb(e, 0xF8); fx(e, CF, 0, 0); break;                   /* clc */
    case 3: begin(e, K_MISC); bb(e, 0xF9); fx(e, CF, 0, 0); break;                   /* stc */
    case 4: need(e, CF); begin(e, K_MISC); bb(e, 0xF5); break;                       /* cmc */
    case 5: begin(e, K_MISC); bb(e, 0xFC); break;                                    /* cld */
    case 6: begin(e, K_MISC); bb(e, 0xFD); break;                                    /* std */
    case 7: need(e, SF | ZF | AF | PF | CF); begin(e, K_MISC); bb(e, 0x9F); break;   /* lahf */
    case 8: begin(e, K_MISC); bb(e, 0x9E); fx(e, SF | ZF | AF | PF | CF, 0, 0); break; /* sahf */
    case 9: begin(e, K_MISC); bb(e, 0x90); break;                                    /* nop */
    default:                                                                         /* salc? no: cwde again */
        begin(e, K_MISC);
        bb(e, 0x98);
        break;
    }
}

void g_str(struct em *e)
{
    static const uint8_t ops[5] = { 0xA4, 0xA6, 0xAA, 0xAC, 0xAE }; /* movs cmps stos lods scas */
    int op = (int)rnd(e, 5), size = pick_size(e), rep = (int)rnd(e, 3); /* 0 none, 1 F3, 2 F2 */
    uint32_t ecx = rnd(e, 17);
    pre_mov(e, 6, DT_DATA_BASE + 0xFC0 + rnd(e, 0x440));
    pre_mov(e, 7, DT_DATA_BASE + 0xFC0 + rnd(e, 0x440));
    if (rep)
        pre_mov(e, 1, ecx);
    begin(e, K_STR);
    if (chance(e, 10) && (op == 0 || op == 1 || op == 3))
        bb(e, seg_override(e));
    nb(e, 0x67);
    if (rep)
        bb(e, rep == 1 ? 0xF3 : 0xF2);
    if (size == 2)
        bb(e, 0x66);
    bb(e, (uint8_t)(ops[op] + (size > 1)));
    if (op == 1 || op == 4) {
        if (!rep || ecx)
            fx(e, ALL6, 0, 0);
    }
}

/* Native replacements for 32-bit stack operations. */
static void n_lea_esp(struct em *e, int8_t d) { nb(e, 0x8D); nb(e, 0x64); nb(e, 0x24); nb(e, (uint8_t)d); }

void g_pushpop(struct em *e)
{
    int push = e->esp_off > -ESP_RANGE && (e->esp_off >= ESP_RANGE || chance(e, 50));
    int form = (int)rnd(e, 4); /* 0 reg32, 1 reg16, 2 imm / m, 3 pushf */
    if (form == 3) {
        int size = chance(e, 25) ? 2 : 4;
        if (push) {
            need(e, ALL6);
            begin(e, K_PUSHF);
            if (size == 2) {
                bb(e, 0x66);
                bb(e, 0x9C);
            } else {
                tb(e, 0x9C);
                static const uint8_t seq1[] = { 0x49, 0x89, 0xE1, 0x4C, 0x89, 0xFC, 0x9C, 0x41, 0x58,
                                                0x4C, 0x89, 0xCC };
                for (unsigned k = 0; k < sizeof(seq1); k++)
                    nb(e, seq1[k]);
                n_lea_esp(e, -4);
                nb(e, 0x44); nb(e, 0x89); nb(e, 0x04); nb(e, 0x24);
            }
            e->esp_off -= size;
        } else {
            /* push a sane image, then pop it */
            uint32_t v = (uint32_t)(dt_rand64(e->r) & (ALL6 | 0x400u | 0x200000u)) | 0x202u;
            begin(e, K_PUSHF);
            if (size == 2) {
                bb(e, 0x66);
                bb(e, 0x68);
                bimm(e, v, 2);
            } else {
                tb(e, 0x68);
                t32(e, v);
                n_lea_esp(e, -4);
                nb(e, 0xC7); nb(e, 0x04); nb(e, 0x24); n32(e, v);
            }
            begin(e, K_PUSHF);
            if (size == 2) {
                bb(e, 0x66);
                bb(e, 0x9D);
            } else {
                tb(e, 0x9D);
                nb(e, 0x44); nb(e, 0x8B); nb(e, 0x04); nb(e, 0x24); /* mov r8d,[rsp] */
                n_lea_esp(e, 4);
                static const uint8_t seq2[] = { 0x49, 0x89, 0xE1, 0x4C, 0x89, 0xFC, 0x41, 0x50, 0x9D,
                                                0x4C, 0x89, 0xCC };
                for (unsigned k = 0; k < sizeof(seq2); k++)
                    nb(e, seq2[k]);
            }
            fx(e, ALL6, 0, 0);
        }
        return;
    }
    if (form == 1) {
        begin(e, K_PUSHPOP);
        bb(e, 0x66);
        if (push)
            bb(e, (uint8_t)(0x50 + rnd(e, 8)));
        else
            bb(e, (uint8_t)(0x58 + wreg(e)));
        e->esp_off += push ? -2 : 2;
        return;
    }
    if (form == 0) {
        begin(e, K_PUSHPOP);
        if (push) {
            int r = (int)rnd(e, 8);
            tb(e, (uint8_t)(0x50 + r));
            if (r == 4) {
                nb(e, 0x41); nb(e, 0x89); nb(e, 0xE0);         /* mov r8d, esp */
                n_lea_esp(e, -4);
                nb(e, 0x44); nb(e, 0x89); nb(e, 0x04); nb(e, 0x24); /* mov [rsp], r8d */
            } else {
                n_lea_esp(e, -4);
                nb(e, 0x89); nb(e, (uint8_t)(0x04 | r << 3)); nb(e, 0x24);
            }
        } else {
            int r = wreg(e);
            tb(e, (uint8_t)(0x58 + r));
            nb(e, 0x8B); nb(e, (uint8_t)(0x04 | r << 3)); nb(e, 0x24);
            n_lea_esp(e, 4);
        }
        e->esp_off += push ? -4 : 4;
        return;
    }
    /* immediates and absolute memory operands */
    int size = chance(e, 25) ? 2 : 4;
    uint32_t addr = DT_DATA_BASE + 0x40 + rnd(e, 0xEC0);
    begin(e, K_PUSHPOP);
    if (size == 2) {
        bb(e, 0x66);
        if (push && chance(e, 50)) {
            int s8 = (int)rnd(e, 2);
            bb(e, s8 ? 0x6A : 0x68);
            bimm(e, interesting(e), s8 ? 1 : 2);
        } else {
            nb(e, 0x67);
            bb(e, push ? 0xFF : 0x8F);
            struct rm m;
            memset(&m, 0, sizeof(m));
            m.mem = 1;
            m.mode = (int)rnd(e, 2) ? 3 : 0;
            m.disp = (int32_t)addr;
            m.dsz = 4;
            modrm(e, push ? 6 : 0, &m);
        }
    } else if (push && chance(e, 50)) {
        uint32_t v = interesting(e);
        int s8 = (int)rnd(e, 2);
        if (s8) {
            v = (uint32_t)(int32_t)(int8_t)v;
            tb(e, 0x6A);
            tb(e, (uint8_t)v);
        } else {
            tb(e, 0x68);
            t32(e, v);
        }
        n_lea_esp(e, -4);
        nb(e, 0xC7); nb(e, 0x04); nb(e, 0x24); n32(e, v);
    } else if (push) {
        tb(e, 0xFF); tb(e, 0x35); t32(e, addr);                   /* push dword [addr] */
        nb(e, 0x44); nb(e, 0x8B); nb(e, 0x04); nb(e, 0x25); n32(e, addr);
        n_lea_esp(e, -4);
        nb(e, 0x44); nb(e, 0x89); nb(e, 0x04); nb(e, 0x24);
    } else {
        tb(e, 0x8F); tb(e, 0x05); t32(e, addr);                   /* pop dword [addr] */
        nb(e, 0x44); nb(e, 0x8B); nb(e, 0x04); nb(e, 0x24);
        n_lea_esp(e, 4);
        nb(e, 0x44); nb(e, 0x89); nb(e, 0x04); nb(e, 0x25); n32(e, addr);
    }
    e->esp_off += push ? -size : size;
}

/* Instructions without a 64-bit form: Unicorn oracle only. */
void g_bcd(struct em *e)
{
    int op = (int)rnd(e, 6);
    if (chance(e, 50))
        pre_mov(e, 0, interesting(e));
    switch (op) {
    case 0: case 1: /* daa das */
        need(e, CF | AF);
        begin(e, K_BCD);
        bb(e, op ? 0x2F : 0x27);
        fx(e, CF | AF | SF | ZF | PF, OF, 0);
        break;
    case 2: case 3: /* aaa aas */
        need(e, AF);
        begin(e, K_BCD);
        bb(e, op == 3 ? 0x3F : 0x37);
        fx(e, AF | CF, OF | SF | ZF | PF, 0);
        break;
    default: { /* aam aad */
        uint8_t imm = chance(e, 70) ? 10 : (uint8_t)rnd(e, 256);
        begin(e, K_BCD);
        bb(e, op == 4 ? 0xD4 : 0xD5);
        bb(e, imm);
        fx(e, SF | ZF | PF, OF | AF | CF, 0);
        break;
    }
    }
    e->s->native_ok = 0;
}

void g_pusha(struct em *e)
{
    int size = chance(e, 25) ? 2 : 4;
    int push = e->esp_off > -ESP_RANGE + 32 && (e->esp_off >= ESP_RANGE - 32 || chance(e, 50));
    begin(e, K_PUSHA);
    if (size == 2)
        bb(e, 0x66);
    bb(e, push ? 0x60 : 0x61);
    e->esp_off += (push ? -8 : 8) * size;
    e->s->native_ok = 0;
}
