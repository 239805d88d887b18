/*
 * sdl_keymap.c - SDL scancodes (USB HID usage positions) to the PC keyboard's
 * scan code set 2 (IBM PS/2 Technical Reference, keyboard scan code set 2;
 * Microsoft "Keyboard Scan Code Specification" rev. 1.3a for the Windows,
 * application and multimedia keys).  The 8042 (devices/kbc.c) converts to
 * set 1 itself when the guest asks for it.
 *
 * The table covers the 105 keys of an ISO PC keyboard (104 US keys plus the
 * 102nd key, ISO \|, next to left shift), the Japanese 106/109 and
 * Brazilian ABNT2 extra keys, the Korean Hangul/Hanja keys, F13-F24, keypad
 * = and the browser, multimedia and power keys.
 * Print Screen and Pause send multi-code sequences; Ctrl+Pause (Break) and
 * Alt+Print Screen (SysRq) their own codes.  Hangul (F2) and Hanja (F1)
 * send a make code only, as on a Korean keyboard.
 * Left out: the fake shift codes a real keyboard adds around the navigation
 * keys and keypad / while shift or num lock is active (DOS and BIOS code
 * ignores them).
 */
#include <SDL_scancode.h>

#include "frontend/sdl_int.h"

#define PRTSC 0xE07Cu
#define PAUSE 0xE177u             /* marker: the E1 14 77 E1 F0 14 F0 77 sequence */
#define HANGUL 0xF2u              /* Korean keys: a make code, no break */
#define HANJA 0xF1u

static const uint16_t set2[SDL_NUM_SCANCODES] = {
    /* letters */
    [SDL_SCANCODE_A] = 0x1C, [SDL_SCANCODE_B] = 0x32, [SDL_SCANCODE_C] = 0x21, [SDL_SCANCODE_D] = 0x23,
    [SDL_SCANCODE_E] = 0x24, [SDL_SCANCODE_F] = 0x2B, [SDL_SCANCODE_G] = 0x34, [SDL_SCANCODE_H] = 0x33,
    [SDL_SCANCODE_I] = 0x43, [SDL_SCANCODE_J] = 0x3B, [SDL_SCANCODE_K] = 0x42, [SDL_SCANCODE_L] = 0x4B,
    [SDL_SCANCODE_M] = 0x3A, [SDL_SCANCODE_N] = 0x31, [SDL_SCANCODE_O] = 0x44, [SDL_SCANCODE_P] = 0x4D,
    [SDL_SCANCODE_Q] = 0x15, [SDL_SCANCODE_R] = 0x2D, [SDL_SCANCODE_S] = 0x1B, [SDL_SCANCODE_T] = 0x2C,
    [SDL_SCANCODE_U] = 0x3C, [SDL_SCANCODE_V] = 0x2A, [SDL_SCANCODE_W] = 0x1D, [SDL_SCANCODE_X] = 0x22,
    [SDL_SCANCODE_Y] = 0x35, [SDL_SCANCODE_Z] = 0x1A,
    /* number row */
    [SDL_SCANCODE_GRAVE] = 0x0E, [SDL_SCANCODE_1] = 0x16, [SDL_SCANCODE_2] = 0x1E, [SDL_SCANCODE_3] = 0x26,
    [SDL_SCANCODE_4] = 0x25, [SDL_SCANCODE_5] = 0x2E, [SDL_SCANCODE_6] = 0x36, [SDL_SCANCODE_7] = 0x3D,
    [SDL_SCANCODE_8] = 0x3E, [SDL_SCANCODE_9] = 0x46, [SDL_SCANCODE_0] = 0x45, [SDL_SCANCODE_MINUS] = 0x4E,
    [SDL_SCANCODE_EQUALS] = 0x55, [SDL_SCANCODE_BACKSPACE] = 0x66,
    /* punctuation, ISO keys */
    [SDL_SCANCODE_TAB] = 0x0D, [SDL_SCANCODE_LEFTBRACKET] = 0x54, [SDL_SCANCODE_RIGHTBRACKET] = 0x5B,
    [SDL_SCANCODE_BACKSLASH] = 0x5D, [SDL_SCANCODE_NONUSHASH] = 0x5D, [SDL_SCANCODE_CAPSLOCK] = 0x58,
    [SDL_SCANCODE_SEMICOLON] = 0x4C, [SDL_SCANCODE_APOSTROPHE] = 0x52, [SDL_SCANCODE_RETURN] = 0x5A,
    [SDL_SCANCODE_NONUSBACKSLASH] = 0x61, [SDL_SCANCODE_COMMA] = 0x41, [SDL_SCANCODE_PERIOD] = 0x49,
    [SDL_SCANCODE_SLASH] = 0x4A, [SDL_SCANCODE_SPACE] = 0x29, [SDL_SCANCODE_ESCAPE] = 0x76,
    /* modifiers, Windows and application (menu) keys */
    [SDL_SCANCODE_LSHIFT] = 0x12, [SDL_SCANCODE_RSHIFT] = 0x59, [SDL_SCANCODE_LCTRL] = 0x14,
    [SDL_SCANCODE_RCTRL] = 0xE014, [SDL_SCANCODE_LALT] = 0x11, [SDL_SCANCODE_RALT] = 0xE011,
    [SDL_SCANCODE_LGUI] = 0xE01F, [SDL_SCANCODE_RGUI] = 0xE027, [SDL_SCANCODE_APPLICATION] = 0xE02F,
    /* function keys */
    [SDL_SCANCODE_F1] = 0x05, [SDL_SCANCODE_F2] = 0x06, [SDL_SCANCODE_F3] = 0x04, [SDL_SCANCODE_F4] = 0x0C,
    [SDL_SCANCODE_F5] = 0x03, [SDL_SCANCODE_F6] = 0x0B, [SDL_SCANCODE_F7] = 0x83, [SDL_SCANCODE_F8] = 0x0A,
    [SDL_SCANCODE_F9] = 0x01, [SDL_SCANCODE_F10] = 0x09, [SDL_SCANCODE_F11] = 0x78, [SDL_SCANCODE_F12] = 0x07,
    [SDL_SCANCODE_PRINTSCREEN] = PRTSC, [SDL_SCANCODE_SCROLLLOCK] = 0x7E, [SDL_SCANCODE_PAUSE] = PAUSE,
    /* navigation block */
    [SDL_SCANCODE_INSERT] = 0xE070, [SDL_SCANCODE_HOME] = 0xE06C, [SDL_SCANCODE_PAGEUP] = 0xE07D,
    [SDL_SCANCODE_DELETE] = 0xE071, [SDL_SCANCODE_END] = 0xE069, [SDL_SCANCODE_PAGEDOWN] = 0xE07A,
    [SDL_SCANCODE_UP] = 0xE075, [SDL_SCANCODE_LEFT] = 0xE06B, [SDL_SCANCODE_DOWN] = 0xE072,
    [SDL_SCANCODE_RIGHT] = 0xE074,
    /* keypad */
    [SDL_SCANCODE_NUMLOCKCLEAR] = 0x77, [SDL_SCANCODE_KP_DIVIDE] = 0xE04A, [SDL_SCANCODE_KP_MULTIPLY] = 0x7C,
    [SDL_SCANCODE_KP_MINUS] = 0x7B, [SDL_SCANCODE_KP_PLUS] = 0x79, [SDL_SCANCODE_KP_ENTER] = 0xE05A,
    [SDL_SCANCODE_KP_7] = 0x6C, [SDL_SCANCODE_KP_8] = 0x75, [SDL_SCANCODE_KP_9] = 0x7D,
    [SDL_SCANCODE_KP_4] = 0x6B, [SDL_SCANCODE_KP_5] = 0x73, [SDL_SCANCODE_KP_6] = 0x74,
    [SDL_SCANCODE_KP_1] = 0x69, [SDL_SCANCODE_KP_2] = 0x72, [SDL_SCANCODE_KP_3] = 0x7A,
    [SDL_SCANCODE_KP_0] = 0x70, [SDL_SCANCODE_KP_PERIOD] = 0x71,
    /* multimedia, browser and power keys (E0-prefixed in both sets) */
    [SDL_SCANCODE_MUTE] = 0xE023, [SDL_SCANCODE_AUDIOMUTE] = 0xE023, [SDL_SCANCODE_VOLUMEDOWN] = 0xE021,
    [SDL_SCANCODE_VOLUMEUP] = 0xE032, [SDL_SCANCODE_AUDIONEXT] = 0xE04D, [SDL_SCANCODE_AUDIOPREV] = 0xE015,
    [SDL_SCANCODE_AUDIOSTOP] = 0xE03B, [SDL_SCANCODE_AUDIOPLAY] = 0xE034, [SDL_SCANCODE_CALCULATOR] = 0xE02B,
    [SDL_SCANCODE_AC_HOME] = 0xE03A, [SDL_SCANCODE_AC_BACK] = 0xE038, [SDL_SCANCODE_AC_FORWARD] = 0xE030,
    [SDL_SCANCODE_AC_REFRESH] = 0xE020, [SDL_SCANCODE_AC_STOP] = 0xE028, [SDL_SCANCODE_AC_SEARCH] = 0xE010,
    [SDL_SCANCODE_AC_BOOKMARKS] = 0xE018, [SDL_SCANCODE_MAIL] = 0xE048, [SDL_SCANCODE_COMPUTER] = 0xE040,
    [SDL_SCANCODE_MEDIASELECT] = 0xE050, [SDL_SCANCODE_POWER] = 0xE037, [SDL_SCANCODE_SLEEP] = 0xE03F,
    /* Japanese 106/109 keys: Ro, Katakana/Hiragana, Yen, Henkan, Muhenkan */
    [SDL_SCANCODE_INTERNATIONAL1] = 0x51, [SDL_SCANCODE_INTERNATIONAL2] = 0x13,
    [SDL_SCANCODE_INTERNATIONAL3] = 0x6A, [SDL_SCANCODE_INTERNATIONAL4] = 0x64,
    [SDL_SCANCODE_INTERNATIONAL5] = 0x67,
    /* Hangul, Hanja (make only); Katakana, Hiragana, Zenkaku/Hankaku as
     * separate keys; keypad comma (ABNT2 keypad ., JIS keypad ,) */
    [SDL_SCANCODE_LANG1] = HANGUL, [SDL_SCANCODE_LANG2] = HANJA, [SDL_SCANCODE_LANG3] = 0x63,
    [SDL_SCANCODE_LANG4] = 0x62, [SDL_SCANCODE_LANG5] = 0x5F, [SDL_SCANCODE_KP_COMMA] = 0x6D,
    /* keypad = and F13-F24 */
    [SDL_SCANCODE_KP_EQUALS] = 0x0F, [SDL_SCANCODE_F13] = 0x08, [SDL_SCANCODE_F14] = 0x10,
    [SDL_SCANCODE_F15] = 0x18, [SDL_SCANCODE_F16] = 0x20, [SDL_SCANCODE_F17] = 0x28, [SDL_SCANCODE_F18] = 0x30,
    [SDL_SCANCODE_F19] = 0x38, [SDL_SCANCODE_F20] = 0x40, [SDL_SCANCODE_F21] = 0x48, [SDL_SCANCODE_F22] = 0x50,
    [SDL_SCANCODE_F23] = 0x57, [SDL_SCANCODE_F24] = 0x5F,
};

uint16_t sdl_keymap_code(int scancode)
{
    if (scancode < 0 || scancode >= SDL_NUM_SCANCODES)
        return 0;
    return set2[scancode];
}

static int put(struct sdl_keyev *out, int n, uint16_t code, int down)
{
    out[n].code = code;
    out[n].down = (uint8_t)down;
    return n + 1;
}

int sdl_keymap_events(int scancode, int down, unsigned mods, struct sdl_keyev *out)
{
    uint16_t code = sdl_keymap_code(scancode);
    int n = 0;
    if (!code)
        return 0;
    if (code == PAUSE) {
        /* no break code: the make sequence includes the releases */
        if (!down)
            return 0;
        if (mods & SDL_KEYMOD_CTRL) { /* Ctrl+Pause is Break: E0 7E E0 F0 7E */
            n = put(out, n, 0xE07E, 1);
            return put(out, n, 0xE07E, 0);
        }
        n = put(out, n, SDL_KEYEV_E1, 1);
        n = put(out, n, 0x14, 1);
        n = put(out, n, 0x77, 1);
        n = put(out, n, SDL_KEYEV_E1, 1);
        n = put(out, n, 0x14, 0);
        return put(out, n, 0x77, 0);
    }
    if (code == HANGUL || code == HANJA)
        return down ? put(out, n, code, 1) : 0;
    if (code == PRTSC) {
        if (mods & SDL_KEYMOD_ALT) /* Alt+Print Screen is SysRq: 84 / F0 84 */
            return put(out, n, 0x84, down);
        if (mods & (SDL_KEYMOD_SHIFT | SDL_KEYMOD_CTRL)) /* E0 7C alone */
            return put(out, n, PRTSC, down);
        /* make E0 12 E0 7C, break E0 F0 7C E0 F0 12 */
        if (down) {
            n = put(out, n, 0xE012, 1);
            return put(out, n, PRTSC, 1);
        }
        n = put(out, n, PRTSC, 0);
        return put(out, n, 0xE012, 0);
    }
    return put(out, n, code, down);
}
