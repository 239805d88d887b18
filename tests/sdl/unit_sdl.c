/*
 * unit_sdl.c - Check unit tests of the SDL frontend's host-independent
 * parts: the SDL scancode -> set 2 table (all 105 keys of an ISO keyboard,
 * the JP/Korean/ABNT2 extra keys, agreement with the script's key names),
 * the bytes Pause, Print Screen and their Ctrl/Alt forms, the JP, Korean and
 * browser keys produce at port 60h through the 8042 (raw set 2 and
 * translated set 1), the speaker's square wave, and -display parsing.  No
 * window is opened (see run_sdl_window.sh for that).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_scancode.h>

#include "frontend/script.h"
#include "frontend/sdl.h"
#include "frontend/sdl_int.h"
#include "machine/machine.h"

/* The 105 keys of an ISO PC keyboard. */
static const SDL_Scancode iso105[] = {
    SDL_SCANCODE_ESCAPE, SDL_SCANCODE_F1, SDL_SCANCODE_F2, SDL_SCANCODE_F3, SDL_SCANCODE_F4, SDL_SCANCODE_F5,
    SDL_SCANCODE_F6, SDL_SCANCODE_F7, SDL_SCANCODE_F8, SDL_SCANCODE_F9, SDL_SCANCODE_F10, SDL_SCANCODE_F11,
    SDL_SCANCODE_F12, SDL_SCANCODE_PRINTSCREEN, SDL_SCANCODE_SCROLLLOCK, SDL_SCANCODE_PAUSE,
    SDL_SCANCODE_GRAVE, SDL_SCANCODE_1, SDL_SCANCODE_2, SDL_SCANCODE_3, SDL_SCANCODE_4, SDL_SCANCODE_5,
    SDL_SCANCODE_6, SDL_SCANCODE_7, SDL_SCANCODE_8, SDL_SCANCODE_9, SDL_SCANCODE_0, SDL_SCANCODE_MINUS,
    SDL_SCANCODE_EQUALS, SDL_SCANCODE_BACKSPACE, SDL_SCANCODE_TAB, SDL_SCANCODE_Q, SDL_SCANCODE_W,
    SDL_SCANCODE_E, SDL_SCANCODE_R, SDL_SCANCODE_T, SDL_SCANCODE_Y, SDL_SCANCODE_U, SDL_SCANCODE_I,
    SDL_SCANCODE_O, SDL_SCANCODE_P, SDL_SCANCODE_LEFTBRACKET, SDL_SCANCODE_RIGHTBRACKET, SDL_SCANCODE_RETURN,
    SDL_SCANCODE_CAPSLOCK, SDL_SCANCODE_A, SDL_SCANCODE_S, SDL_SCANCODE_D, SDL_SCANCODE_F, SDL_SCANCODE_G,
    SDL_SCANCODE_H, SDL_SCANCODE_J, SDL_SCANCODE_K, SDL_SCANCODE_L, SDL_SCANCODE_SEMICOLON,
    SDL_SCANCODE_APOSTROPHE, SDL_SCANCODE_NONUSHASH, SDL_SCANCODE_LSHIFT, SDL_SCANCODE_NONUSBACKSLASH,
    SDL_SCANCODE_Z, SDL_SCANCODE_X, SDL_SCANCODE_C, SDL_SCANCODE_V, SDL_SCANCODE_B, SDL_SCANCODE_N,
    SDL_SCANCODE_M, SDL_SCANCODE_COMMA, SDL_SCANCODE_PERIOD, SDL_SCANCODE_SLASH, SDL_SCANCODE_RSHIFT,
    SDL_SCANCODE_LCTRL, SDL_SCANCODE_LGUI, SDL_SCANCODE_LALT, SDL_SCANCODE_SPACE, SDL_SCANCODE_RALT,
    SDL_SCANCODE_RGUI, SDL_SCANCODE_APPLICATION, SDL_SCANCODE_RCTRL, SDL_SCANCODE_INSERT, SDL_SCANCODE_HOME,
    SDL_SCANCODE_PAGEUP, SDL_SCANCODE_DELETE, SDL_SCANCODE_END, SDL_SCANCODE_PAGEDOWN, SDL_SCANCODE_UP,
    SDL_SCANCODE_LEFT, SDL_SCANCODE_DOWN, SDL_SCANCODE_RIGHT, SDL_SCANCODE_NUMLOCKCLEAR,
    SDL_SCANCODE_KP_DIVIDE, SDL_SCANCODE_KP_MULTIPLY, SDL_SCANCODE_KP_MINUS, SDL_SCANCODE_KP_7,
    SDL_SCANCODE_KP_8, SDL_SCANCODE_KP_9, SDL_SCANCODE_KP_PLUS, SDL_SCANCODE_KP_4, SDL_SCANCODE_KP_5,
    SDL_SCANCODE_KP_6, SDL_SCANCODE_KP_1, SDL_SCANCODE_KP_2, SDL_SCANCODE_KP_3, SDL_SCANCODE_KP_ENTER,
    SDL_SCANCODE_KP_0, SDL_SCANCODE_KP_PERIOD,
};

START_TEST(test_keymap_iso105)
{
    int n = (int)(sizeof(iso105) / sizeof(iso105[0]));
    ck_assert_int_eq(n, 105);
    for (int i = 0; i < n; i++) {
        uint16_t c = sdl_keymap_code(iso105[i]);
        ck_assert_msg(c != 0, "scancode %d has no PC key", (int)iso105[i]);
        ck_assert_msg((c >> 8) == 0 || (c >> 8) == 0xE0 || c == 0xE177, "scancode %d: code %04x", (int)iso105[i],
                      c);
        for (int j = 0; j < i; j++)
            ck_assert_msg(sdl_keymap_code(iso105[j]) != c, "scancodes %d and %d share %04x", (int)iso105[i],
                          (int)iso105[j], c);
    }
    /* the ANSI backslash key is the ISO #~ key's position: same code */
    ck_assert_uint_eq(sdl_keymap_code(SDL_SCANCODE_BACKSLASH), sdl_keymap_code(SDL_SCANCODE_NONUSHASH));
    ck_assert_uint_eq(sdl_keymap_code(SDL_SCANCODE_NONUSBACKSLASH), 0x61);
    ck_assert_uint_eq(sdl_keymap_code(SDL_SCANCODE_UNKNOWN), 0);
    ck_assert_uint_eq(sdl_keymap_code(-1), 0);
    ck_assert_uint_eq(sdl_keymap_code(SDL_NUM_SCANCODES), 0);
    ck_assert_uint_eq(sdl_keymap_code(SDL_SCANCODE_EXECUTE), 0); /* no PC key */
    /* beyond the 105 keys: JP keys, F13-F24, browser keys (set 2 codes) */
    ck_assert_uint_eq(sdl_keymap_code(SDL_SCANCODE_INTERNATIONAL1), 0x51); /* Ro */
    ck_assert_uint_eq(sdl_keymap_code(SDL_SCANCODE_INTERNATIONAL3), 0x6A); /* Yen */
    ck_assert_uint_eq(sdl_keymap_code(SDL_SCANCODE_F13), 0x08);
    ck_assert_uint_eq(sdl_keymap_code(SDL_SCANCODE_F24), 0x5F);
    ck_assert_uint_eq(sdl_keymap_code(SDL_SCANCODE_AC_BACK), 0xE038);
    /* the rest of the JP keys, Korean and ABNT2 keys, keypad = */
    static const struct {
        SDL_Scancode sc;
        uint16_t code;
    } extra[] = {
        { SDL_SCANCODE_INTERNATIONAL2, 0x13 }, /* Katakana/Hiragana */
        { SDL_SCANCODE_INTERNATIONAL4, 0x64 }, /* Henkan */
        { SDL_SCANCODE_INTERNATIONAL5, 0x67 }, /* Muhenkan */
        { SDL_SCANCODE_LANG1, 0xF2 },          /* Hangul */
        { SDL_SCANCODE_LANG2, 0xF1 },          /* Hanja */
        { SDL_SCANCODE_LANG3, 0x63 },          /* Katakana */
        { SDL_SCANCODE_LANG4, 0x62 },          /* Hiragana */
        { SDL_SCANCODE_LANG5, 0x5F },          /* Zenkaku/Hankaku */
        { SDL_SCANCODE_KP_COMMA, 0x6D },
        { SDL_SCANCODE_KP_EQUALS, 0x0F },
    };
    for (unsigned i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
        ck_assert_msg(sdl_keymap_code(extra[i].sc) == extra[i].code, "scancode %d: %04x, expected %04x",
                      (int)extra[i].sc, sdl_keymap_code(extra[i].sc), extra[i].code);
}
END_TEST

/* The script's key names (frontend/script.c) and the SDL key at that place. */
static const struct {
    const char *name;
    SDL_Scancode sc;
} named[] = {
    { "a", SDL_SCANCODE_A }, { "m", SDL_SCANCODE_M }, { "z", SDL_SCANCODE_Z }, { "1", SDL_SCANCODE_1 },
    { "0", SDL_SCANCODE_0 }, { "minus", SDL_SCANCODE_MINUS }, { "equal", SDL_SCANCODE_EQUALS },
    { "bracketleft", SDL_SCANCODE_LEFTBRACKET }, { "bracketright", SDL_SCANCODE_RIGHTBRACKET },
    { "backslash", SDL_SCANCODE_BACKSLASH }, { "semicolon", SDL_SCANCODE_SEMICOLON },
    { "apostrophe", SDL_SCANCODE_APOSTROPHE }, { "grave", SDL_SCANCODE_GRAVE }, { "comma", SDL_SCANCODE_COMMA },
    { "dot", SDL_SCANCODE_PERIOD }, { "slash", SDL_SCANCODE_SLASH }, { "space", SDL_SCANCODE_SPACE },
    { "enter", SDL_SCANCODE_RETURN }, { "tab", SDL_SCANCODE_TAB }, { "backspace", SDL_SCANCODE_BACKSPACE },
    { "esc", SDL_SCANCODE_ESCAPE }, { "shift", SDL_SCANCODE_LSHIFT }, { "shift_r", SDL_SCANCODE_RSHIFT },
    { "ctrl", SDL_SCANCODE_LCTRL }, { "ctrl_r", SDL_SCANCODE_RCTRL }, { "alt", SDL_SCANCODE_LALT },
    { "alt_r", SDL_SCANCODE_RALT }, { "f1", SDL_SCANCODE_F1 }, { "f7", SDL_SCANCODE_F7 },
    { "f10", SDL_SCANCODE_F10 }, { "f11", SDL_SCANCODE_F11 }, { "f12", SDL_SCANCODE_F12 },
    { "up", SDL_SCANCODE_UP }, { "down", SDL_SCANCODE_DOWN }, { "left", SDL_SCANCODE_LEFT },
    { "right", SDL_SCANCODE_RIGHT }, { "home", SDL_SCANCODE_HOME }, { "end", SDL_SCANCODE_END },
    { "pgup", SDL_SCANCODE_PAGEUP }, { "pgdn", SDL_SCANCODE_PAGEDOWN }, { "insert", SDL_SCANCODE_INSERT },
    { "delete", SDL_SCANCODE_DELETE }, { "caps_lock", SDL_SCANCODE_CAPSLOCK },
    { "num_lock", SDL_SCANCODE_NUMLOCKCLEAR }, { "scroll_lock", SDL_SCANCODE_SCROLLLOCK },
    { "kp_enter", SDL_SCANCODE_KP_ENTER },
};

START_TEST(test_keymap_script_names)
{
    for (unsigned i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
        uint16_t code = 0;
        ck_assert_int_eq(script_key_code(named[i].name, &code), 0);
        ck_assert_msg(sdl_keymap_code(named[i].sc) == code, "%s: SDL %04x, script %04x", named[i].name,
                      sdl_keymap_code(named[i].sc), code);
    }
}
END_TEST

static struct machine *board(void)
{
    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_mb = 16;
    cfg.no_rom = true;
    char err[256];
    struct machine *m = machine_create(&cfg, err, sizeof(err));
    ck_assert_msg(m != NULL, "%s", err);
    return m;
}

/* Feed a key's events the way sdl.c does and read what port 60h delivers. */
static int key_bytes(struct machine *m, SDL_Scancode sc, int down, unsigned mods, uint8_t *out)
{
    struct sdl_keyev ev[SDL_KEYEV_MAX];
    int n = sdl_keymap_events(sc, down, mods, ev);
    for (int i = 0; i < n; i++) {
        if (ev[i].code == SDL_KEYEV_E1) {
            uint8_t b = 0xE1;
            kbc_key_bytes(&m->kbc, &b, 1);
        } else {
            kbc_key(&m->kbc, ev[i].code, ev[i].down);
        }
    }
    int k = 0;
    while (k < 16 && (portbus_in(&m->io, 0x64, 1) & 1))
        out[k++] = (uint8_t)portbus_in(&m->io, 0x60, 1);
    return k;
}

#define EXPECT(m, sc, down, mods, ...)                                                          \
    do {                                                                                        \
        const uint8_t want_[] = { __VA_ARGS__ };                                                \
        uint8_t got_[16];                                                                       \
        int n_ = key_bytes(m, sc, down, mods, got_);                                            \
        ck_assert_int_eq(n_, (int)sizeof(want_));                                               \
        for (int i_ = 0; i_ < n_; i_++)                                                         \
            ck_assert_msg(got_[i_] == want_[i_], "scancode %d byte %d: %02x, want %02x", (int)sc, i_, \
                          got_[i_], want_[i_]);                                                 \
    } while (0)

START_TEST(test_key_sequences)
{
    struct machine *m = board();
    uint8_t got[16];
    /* raw set 2 */
    portbus_out(&m->io, 0x64, 0x60, 1);
    portbus_out(&m->io, 0x60, 0x00, 1);
    EXPECT(m, SDL_SCANCODE_PAUSE, 1, 0, 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77);
    ck_assert_int_eq(key_bytes(m, SDL_SCANCODE_PAUSE, 0, 0, got), 0); /* no break code */
    EXPECT(m, SDL_SCANCODE_PAUSE, 1, SDL_KEYMOD_CTRL, 0xE0, 0x7E, 0xE0, 0xF0, 0x7E);
    EXPECT(m, SDL_SCANCODE_PRINTSCREEN, 1, 0, 0xE0, 0x12, 0xE0, 0x7C);
    EXPECT(m, SDL_SCANCODE_PRINTSCREEN, 0, 0, 0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12);
    EXPECT(m, SDL_SCANCODE_PRINTSCREEN, 1, SDL_KEYMOD_SHIFT, 0xE0, 0x7C);
    EXPECT(m, SDL_SCANCODE_PRINTSCREEN, 1, SDL_KEYMOD_ALT, 0x84);
    EXPECT(m, SDL_SCANCODE_PRINTSCREEN, 0, SDL_KEYMOD_ALT, 0xF0, 0x84);
    EXPECT(m, SDL_SCANCODE_NONUSBACKSLASH, 1, 0, 0x61);
    EXPECT(m, SDL_SCANCODE_KP_DIVIDE, 0, 0, 0xE0, 0xF0, 0x4A);
    EXPECT(m, SDL_SCANCODE_APPLICATION, 1, 0, 0xE0, 0x2F);
    /* translated to set 1 by the 8042 (the PC default) */
    portbus_out(&m->io, 0x64, 0x60, 1);
    portbus_out(&m->io, 0x60, 0x40, 1);
    EXPECT(m, SDL_SCANCODE_PAUSE, 1, 0, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5);
    EXPECT(m, SDL_SCANCODE_PAUSE, 1, SDL_KEYMOD_CTRL, 0xE0, 0x46, 0xE0, 0xC6);
    EXPECT(m, SDL_SCANCODE_PRINTSCREEN, 1, 0, 0xE0, 0x2A, 0xE0, 0x37);
    EXPECT(m, SDL_SCANCODE_PRINTSCREEN, 0, 0, 0xE0, 0xB7, 0xE0, 0xAA);
    EXPECT(m, SDL_SCANCODE_PRINTSCREEN, 1, SDL_KEYMOD_ALT, 0x54);
    EXPECT(m, SDL_SCANCODE_NONUSBACKSLASH, 1, 0, 0x56);
    EXPECT(m, SDL_SCANCODE_LGUI, 1, 0, 0xE0, 0x5B);
    EXPECT(m, SDL_SCANCODE_RGUI, 0, 0, 0xE0, 0xDC);
    EXPECT(m, SDL_SCANCODE_APPLICATION, 1, 0, 0xE0, 0x5D);
    EXPECT(m, SDL_SCANCODE_KP_ENTER, 1, 0, 0xE0, 0x1C);
    EXPECT(m, SDL_SCANCODE_KP_5, 1, 0, 0x4C);
    EXPECT(m, SDL_SCANCODE_F7, 1, 0, 0x41);
    /* JP keys, make and break */
    EXPECT(m, SDL_SCANCODE_INTERNATIONAL1, 1, 0, 0x73);
    EXPECT(m, SDL_SCANCODE_INTERNATIONAL1, 0, 0, 0xF3);
    EXPECT(m, SDL_SCANCODE_INTERNATIONAL2, 1, 0, 0x70);
    EXPECT(m, SDL_SCANCODE_INTERNATIONAL3, 0, 0, 0xFD);
    EXPECT(m, SDL_SCANCODE_INTERNATIONAL4, 1, 0, 0x79);
    EXPECT(m, SDL_SCANCODE_INTERNATIONAL5, 0, 0, 0xFB);
    /* Hangul and Hanja: a make code, nothing on release */
    EXPECT(m, SDL_SCANCODE_LANG1, 1, 0, 0xF2);
    ck_assert_int_eq(key_bytes(m, SDL_SCANCODE_LANG1, 0, 0, got), 0);
    EXPECT(m, SDL_SCANCODE_LANG2, 1, 0, 0xF1);
    ck_assert_int_eq(key_bytes(m, SDL_SCANCODE_LANG2, 0, 0, got), 0);
    /* browser and media keys keep E0 */
    EXPECT(m, SDL_SCANCODE_AC_BACK, 1, 0, 0xE0, 0x6A);
    EXPECT(m, SDL_SCANCODE_VOLUMEUP, 0, 0, 0xE0, 0xB0);
    EXPECT(m, SDL_SCANCODE_F13, 1, 0, 0x64);
    EXPECT(m, SDL_SCANCODE_KP_EQUALS, 1, 0, 0x59);
    machine_destroy(m);
}
END_TEST

/* Rising edges of a square wave in n samples. */
static int rising(const int16_t *s, size_t n)
{
    int k = 0;
    for (size_t i = 1; i < n; i++)
        k += s[i - 1] < 0 && s[i] > 0;
    return k;
}

START_TEST(test_tone)
{
    static int16_t a[44100], b[44100];
    struct sdl_tone t = { 44100, 0, 1000 };
    sdl_tone_fill(&t, 1000, a, 44100);
    int r = rising(a, 44100);
    ck_assert_msg(r >= 999 && r <= 1000, "%d rising edges in 1 s of 1000 Hz", r);
    for (int i = 0; i < 44100; i++)
        ck_assert(a[i] == 1000 || a[i] == -1000);
    /* two halves continue the phase: the same samples as one call */
    struct sdl_tone u = { 44100, 0, 1000 };
    sdl_tone_fill(&u, 1000, b, 12345);
    sdl_tone_fill(&u, 1000, b + 12345, 44100 - 12345);
    ck_assert_int_eq(memcmp(a, b, sizeof(a)), 0);
    /* 1193182 / 596 = 2001.98 Hz, the count a guest writes */
    sdl_tone_fill(&t, 1193182u / 596, a, 44100);
    r = rising(a, 44100);
    ck_assert_msg(r >= 2000 && r <= 2002, "%d rising edges", r);
    /* silence, and tones above half the rate */
    sdl_tone_fill(&t, 0, a, 100);
    sdl_tone_fill(&t, 30000, a + 100, 100);
    for (int i = 0; i < 200; i++)
        ck_assert_int_eq(a[i], 0);
}
END_TEST

START_TEST(test_display_parse)
{
    enum sdl_display_kind k;
    struct sdl_options o;
    char e[256];
    ck_assert_int_eq(sdl_parse_display("none", &k, &o, e, sizeof(e)), 0);
    ck_assert_int_eq(k, SDL_DISPLAY_NONE);
    ck_assert_int_eq(sdl_parse_display("sdl", &k, &o, e, sizeof(e)), 0);
    ck_assert_int_eq(k, SDL_DISPLAY_SDL);
    ck_assert(o.scale == 0 && !o.full_screen && o.pace && o.audio);
    ck_assert_int_eq(sdl_parse_display("sdl,scale=2,full-screen=on,pace=off,audio=off", &k, &o, e, sizeof(e)), 0);
    ck_assert(o.scale == 2 && o.full_screen && !o.pace && !o.audio);
    const char *bad[] = { "sdl,scale=0", "sdl,scale=9", "sdl,scale=2x", "sdl,foo=1", "sdl,pace", "sdl,pace=yes",
                          "vnc", "sdlx", "sdl,", "" };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        e[0] = 0;
        ck_assert_msg(sdl_parse_display(bad[i], &k, &o, e, sizeof(e)) == -1, "'%s' accepted", bad[i]);
        ck_assert_msg(strstr(e, "-display") != NULL, "'%s': message '%s'", bad[i], e);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sdl");
    TCase *tc = tcase_create("frontend");
    tcase_add_test(tc, test_keymap_iso105);
    tcase_add_test(tc, test_keymap_script_names);
    tcase_add_test(tc, test_key_sequences);
    tcase_add_test(tc, test_tone);
    tcase_add_test(tc, test_display_parse);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
