; triplefault.asm - a triple fault resets the machine.
; First pass: leave a marker in RAM, set CR4.PSE and a DR7 enable bit, load
; an IDT with limit 0 and execute UD2: #UD -> #GP (IDT limit) -> #GP while
; delivering #GP = #DF -> #GP while delivering #DF = shutdown, which the
; machine turns into a reset.  Second pass (the marker survives: a reset
; does not clear RAM): CR4 and DR7 hold their reset values; print PASS.
; Needs a machine that resets on a triple fault (tarsier's default; bochs
; with reset_on_triple_fault=1; QEMU without -no-reboot).
%include "lib.inc"

%define MARKER      0x20000     ; below the test's own memory, not cleared
%define MAGIC       0x7E1F0A17

test_main:
        cmp dword [MARKER], MAGIC
        je .second
        ; ---------------------------------------------- first pass
        mov dword [MARKER], MAGIC
        mov dword [MARKER + 4], 1       ; passes so far
        mov eax, cr4
        or eax, 0x10                    ; PSE
        mov cr4, eax
        mov eax, 0x00000040             ; L3 (DR3 = 0: never hit here)
        mov dr7, eax
        PRINT {"first pass: triple fault", 10}
        lidt [null_idt]
        ud2
        FAILMSG "UD2 with an empty IDT returned"

.second:
        inc dword [MARKER + 4]
        CHECK [MARKER + 4], 2, "passes through the reset vector"
        mov eax, cr4
        CHECK eax, 0, "CR4 after the reset"
        mov eax, dr7
        and eax, 0xFF
        CHECK eax, 0, "DR7 enables after the reset"
        mov dword [MARKER], 0
        ret

        align 4
        dw 0
null_idt:
        dw 0
        dd 0
