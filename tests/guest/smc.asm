; smc.asm - self-modifying code.
;  - a store to the immediate of the very next instruction takes effect;
;  - REP STOSB overwriting the instructions right after it takes effect;
;  - a loop body modified after it has run (translated/cached) takes effect
;    on the next iteration;
;  - code written to a buffer, run, rewritten (whole and one byte), run
;    again;
;  - an instruction straddling a page boundary, modified in its second page;
;  - with paging: code run at one linear address and rewritten through a
;    different linear alias of the same physical page (both directions).
%include "lib.inc"

%define BUF     0x30000                 ; code buffer (physical page 0x30000)
%define ALIAS   0x800000                ; linear alias of BUF when paging is on

test_main:
        ; ------------------------------------------------ next instruction
        mov dword [.next+1], 0x22222222
.next:  mov eax, 0x11111111
        CHECK eax, 0x22222222, "store into the next instruction's immediate"
        mov byte [.next2+3], 0x77
.next2: add al, 0x01                    ; 04 01; the next instruction starts at +2
        db 0xB3, 0x00                   ; mov bl, 0x00 (immediate patched to 0x77)
        movzx ebx, bl
        CHECK ebx, 0x77, "store two bytes ahead"

        ; ------------------------------------------------ REP STOSB over following code
        mov edi, .patch
        mov ecx, 2
        mov al, 0x90
        rep stosb
.patch: jmp short .patch_bad            ; becomes NOP NOP
        jmp .patch_ok
.patch_bad:
        FAILMSG "REP STOSB over the following instructions not seen"
.patch_ok:

        ; ------------------------------------------------ loop body modified
        mov ecx, 4
        xor ebx, ebx
.loop:
.add:   add ebx, byte 1                 ; 83 C3 01
        cmp ecx, 3
        jne .skip
        mov byte [.add+2], 0x10
.skip:  loop .loop
        CHECK ebx, 1 + 1 + 16 + 16, "loop body patched after running"
        mov byte [.add+2], 0x01

        ; ------------------------------------------------ generated code
        mov dword [BUF], 0x345678B8     ; mov eax, 0x12345678 ; ret
        mov dword [BUF+4], 0x90C312
        mov eax, BUF
        call eax
        CHECK eax, 0x12345678, "generated code"
        mov dword [BUF], 0xBCDEF0B8     ; mov eax, 0x9ABCDEF0 ; ret
        mov dword [BUF+4], 0x90C39A
        mov eax, BUF
        call eax
        CHECK eax, 0x9ABCDEF0, "rewritten generated code"
        mov byte [BUF+1], 0x11
        mov eax, BUF
        call eax
        CHECK eax, 0x9ABCDE11, "generated code with one byte changed"
        mov byte [BUF], 0x40            ; inc eax (then the old bytes...)
        mov byte [BUF+1], 0xC3          ; ret
        mov eax, 5
        mov ecx, BUF
        call ecx
        CHECK eax, 6, "generated code with a different first instruction"

        ; ------------------------------------------------ straddling a page boundary
        ; B8 at 0x30FFD, imm32 at 0x30FFE..0x31001, C3 at 0x31002
        mov byte [BUF+0xFFD], 0xB8
        mov dword [BUF+0xFFE], 0x44332211
        mov byte [BUF+0x1002], 0xC3
        mov eax, BUF+0xFFD
        call eax
        CHECK eax, 0x44332211, "instruction straddling a page boundary"
        mov byte [BUF+0x1001], 0x99     ; second page only
        mov eax, BUF+0xFFD
        call eax
        CHECK eax, 0x99332211, "straddling instruction patched in its second page"

        ; ------------------------------------------------ linear aliases
        call paging_identity_init
        mov dword [PTE_ADDR(ALIAS)], BUF | 7
        call paging_on
        mov dword [BUF], 0x000001B8     ; mov eax, 1 ; ret
        mov dword [BUF+4], 0x90C300
        mov eax, BUF
        call eax
        CHECK eax, 1, "code before writing through the alias"
        mov byte [ALIAS+1], 2           ; write through the alias...
        mov eax, BUF
        call eax                        ; ...run through the identity mapping
        CHECK eax, 2, "code rewritten through a linear alias"
        mov eax, ALIAS
        call eax
        CHECK eax, 2, "code run through the alias"
        mov byte [BUF+1], 3             ; write through the identity mapping
        mov eax, ALIAS
        call eax                        ; run through the alias
        CHECK eax, 3, "alias code rewritten through the identity mapping"
        ; remap the alias to another physical page holding other code
        mov dword [BUF+0x2000], 0x000004B8
        mov dword [BUF+0x2004], 0x90C300
        mov dword [PTE_ADDR(ALIAS)], (BUF+0x2000) | 7
        invlpg [ALIAS]
        mov eax, ALIAS
        call eax
        CHECK eax, 4, "code at a remapped linear address"
        call paging_off
        ret
