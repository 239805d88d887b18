; rep_pf.asm - page faults in the middle of REP string instructions.
; Each case runs a REP instruction whose operand walks from a present page
; into a not-present one.  The #PF handler records the frame (EIP must be
; the REP instruction, ECX/ESI/EDI must reflect exactly the iterations
; already done, CR2 the first byte not accessible), maps the page and
; returns; the instruction resumes and the final registers and memory must
; be those of an uninterrupted run.
;  - REP MOVSD, destination crosses into a not-present page (write, err 2)
;  - REP MOVSD, source crosses into a not-present page (read, err 0)
;  - REP STOSB, destination crosses (err 2)
;  - REPE CMPSB, second operand crosses (err 0); stops at a later mismatch
;  - STD; REP MOVSB downward into a not-present page
%include "lib.inc"

%define SRC     0x500000                ; always-present source data

; PF_EXPECT ecx, esi, edi, cr2, err - what the #PF hook must see
%macro PF_EXPECT 5
        mov dword [pf_count], 0
        mov dword [x_ecx], %1
        mov dword [x_esi], %2
        mov dword [x_edi], %3
        mov dword [x_cr2], %4
        mov dword [x_err], %5
%endmacro

%macro PF_VERIFY 1
        CHECK [pf_count], 1, {%1, " - one #PF"}
        mov eax, [x_eip]
        CHECK [pf_eip], eax, {%1, " - faulting EIP is the REP instruction"}
        mov eax, [x_err]
        CHECK [pf_err], eax, {%1, " - error code"}
        mov eax, [x_cr2]
        CHECK [pf_cr2], eax, {%1, " - CR2"}
        mov eax, [x_ecx]
        CHECK [pf_ecx], eax, {%1, " - ECX at the fault"}
        mov eax, [x_esi]
        CHECK [pf_esi], eax, {%1, " - ESI at the fault"}
        mov eax, [x_edi]
        CHECK [pf_edi], eax, {%1, " - EDI at the fault"}
%endmacro

test_main:
        ; source pattern and target pages, written before paging is on
        xor eax, eax
.fill:  lea ebx, [eax*4 + 0x01000000]
        add ebx, eax
        mov [SRC + eax*4], ebx
        inc eax
        cmp eax, 0x400
        jb .fill
        mov edi, 0x400000
        mov ecx, 0x10000 / 4
        xor eax, eax
        rep stosd
        ; CMPSB buffers: 0x40 equal bytes except index 0x20
        xor eax, eax
.fill2: mov [0x402800 + eax], al
        mov [0x404FF0 + eax], al
        inc eax
        cmp eax, 0x40
        jb .fill2
        mov byte [0x404FF0 + 0x20], 0xEE
        ; source data for the read-fault case lives at 0x408F80..
        mov esi, SRC
        mov edi, 0x408F80
        mov ecx, 0x100 / 4
        rep movsd

        call paging_identity_init
        mov dword [PTE_ADDR(0x401000)], 0x401000 | 6     ; not present
        mov dword [PTE_ADDR(0x403000)], 0x403000 | 6
        mov dword [PTE_ADDR(0x405000)], 0x405000 | 6
        mov dword [PTE_ADDR(0x406000)], 0x406000 | 6
        mov dword [PTE_ADDR(0x409000)], 0x409000 | 6
        call paging_on
        mov dword [exc_hook], pf_hook

        ; ------------------------------------------------ REP MOVSD, dest faults
        PF_EXPECT 0x100 - 0x40, SRC + 0x100, 0x401000, 0x401000, 2
        mov dword [x_eip], .movsd1
        mov esi, SRC
        mov edi, 0x400F00
        mov ecx, 0x100
        cld
.movsd1:
        rep movsd
        PF_VERIFY "REP MOVSD (destination)"
        CHECK ecx, 0, "REP MOVSD final ECX"
        CHECK esi, SRC + 0x400, "REP MOVSD final ESI"
        CHECK edi, 0x400F00 + 0x400, "REP MOVSD final EDI"
        mov esi, SRC
        mov edi, 0x400F00
        mov ecx, 0x100
        repe cmpsd
        CHECK ecx, 0, "REP MOVSD copied everything"

        ; ------------------------------------------------ REP MOVSD, source faults
        PF_EXPECT 0x40 - 0x20, 0x409000, 0x402000 + 0x80, 0x409000, 0
        mov dword [x_eip], .movsd2
        mov esi, 0x408F80
        mov edi, 0x402000
        mov ecx, 0x40
.movsd2:
        rep movsd
        PF_VERIFY "REP MOVSD (source)"
        CHECK ecx, 0, "REP MOVSD (source) final ECX"
        CHECK edi, 0x402100, "REP MOVSD (source) final EDI"
        CHECK [0x4020FC], [0x40907C], "REP MOVSD (source) last dword"

        ; ------------------------------------------------ REP STOSB
        PF_EXPECT 0x200 - 0x80, 0, 0x403000, 0x403000, 2
        mov dword [x_eip], .stosb
        xor esi, esi
        mov edi, 0x402F80
        mov ecx, 0x200
        mov al, 0xAB
.stosb: rep stosb
        PF_VERIFY "REP STOSB"
        CHECK ecx, 0, "REP STOSB final ECX"
        CHECK edi, 0x402F80 + 0x200, "REP STOSB final EDI"
        CHECK [0x40317C], 0xABABABAB, "REP STOSB last bytes"
        CHECK [0x402F80], 0xABABABAB, "REP STOSB first bytes"
        CHECK [0x403180], 0, "REP STOSB stopped at the end"

        ; ------------------------------------------------ REPE CMPSB
        PF_EXPECT 0x40 - 0x10, 0x402810, 0x405000, 0x405000, 0
        mov dword [x_eip], .cmpsb
        mov esi, 0x402800
        mov edi, 0x404FF0
        mov ecx, 0x40
.cmpsb: repe cmpsb
        setz bl
        PF_VERIFY "REPE CMPSB"
        movzx ebx, bl
        CHECK ebx, 0, "REPE CMPSB stopped on a mismatch (ZF=0)"
        CHECK ecx, 0x40 - 0x21, "REPE CMPSB final ECX"
        CHECK esi, 0x402800 + 0x21, "REPE CMPSB final ESI"
        CHECK edi, 0x404FF0 + 0x21, "REPE CMPSB final EDI"

        ; ------------------------------------------------ STD; REP MOVSB downward
        PF_EXPECT 0x10, SRC + 0x1F - 0x10, 0x406FFF, 0x406FFF, 2
        mov dword [x_eip], .movsb
        mov esi, SRC + 0x1F
        mov edi, 0x40700F
        mov ecx, 0x20
        std
.movsb: rep movsb
        cld
        PF_VERIFY "STD REP MOVSB"
        CHECK ecx, 0, "STD REP MOVSB final ECX"
        CHECK esi, SRC - 1, "STD REP MOVSB final ESI"
        CHECK edi, 0x406FEF, "STD REP MOVSB final EDI"
        CHECK [0x406FF0], [SRC], "STD REP MOVSB first dword"
        CHECK [0x40700C], [SRC + 0x1C], "STD REP MOVSB last dword"

        mov dword [exc_hook], 0
        call paging_off
        ret

; #PF hook: record the frame, map the page, restart the instruction
pf_hook:
        cmp dword [ebp+F_VEC], 14
        jne .other
        inc dword [pf_count]
        mov eax, [ebp+F_EIP]
        mov [pf_eip], eax
        mov eax, [ebp+F_ERR]
        mov [pf_err], eax
        mov eax, [ebp+F_ECX]
        mov [pf_ecx], eax
        mov eax, [ebp+F_ESI]
        mov [pf_esi], eax
        mov eax, [ebp+F_EDI]
        mov [pf_edi], eax
        mov eax, cr2
        mov [pf_cr2], eax
        shr eax, 12
        or dword [PAGING_PT + eax*4], PTE_P
        mov eax, cr2
        invlpg [eax]
        cmp dword [pf_count], 4         ; runaway guard
        jae .other
        xor eax, eax
        ret
.other: mov eax, 1                      ; let lib.inc report it
        ret

        align 4
pf_count:   dd 0
pf_eip:     dd 0
pf_err:     dd 0
pf_ecx:     dd 0
pf_esi:     dd 0
pf_edi:     dd 0
pf_cr2:     dd 0
x_eip:      dd 0
x_err:      dd 0
x_ecx:      dd 0
x_esi:      dd 0
x_edi:      dd 0
x_cr2:      dd 0
