; doublefault.asm - the double-fault rules (SDM Vol. 3, 6.15, table 6-5).
; #DF goes through a task gate, so a broken stack does not matter.  The #DF
; task records its error code, the back link and the state saved in the old
; TSS, then edits that state so that its IRET resumes the test.
;  - #GP whose IDT entry is not present: the #NP raised while delivering it
;    is contributory after contributory -> #DF(0); TSS0 holds the #GP'ing
;    instruction's EIP, ESP and EAX;
;  - ring 0 with ESP on a not-present page: a #PF whose frame push faults
;    again -> #DF(0); TSS0 holds the faulting EIP and the original ESP, CR2
;    is on the stack page;
;  - ring 3 with TSS0.ESP0 on a not-present page: #PF whose delivery faults
;    on the ring-0 stack -> #DF(0); TSS0 holds the ring-3 CS:EIP and SS:ESP;
;    the #DF task resumes ring 3 directly;
;  - #GP whose delivery faults with #PF (contributory then page fault): no
;    #DF, the #PF is delivered (here through a task gate) with error code 2;
;  - #DE / #UD through a not-present gate: #UD is benign, so the #NP is
;    delivered normally (no #DF).
%include "lib.inc"

%define NP_STACK    0x400000    ; not-present page used as a stack
%define NP_DATA     0x401000    ; not-present page accessed by the tests
%define DF_STACK    0x60000
%define PF_STACK    0x5F000
%define BAD_SEL     0x7FF8      ; beyond the GDT limit: #GP(0x7FF8)

; the #DF task: one pass per #DF
df_task:
        pop eax
        mov [df_err], eax
        inc dword [df_count]
        pushfd
        pop eax
        and eax, FL_NT
        mov [df_nt], eax
        movzx eax, word [tss1+TSS_LINK]
        mov [df_link], eax
        mov eax, cr2
        mov [df_cr2], eax
        mov eax, [tss0+TSS_EIP]
        mov [df_eip], eax
        mov eax, [tss0+TSS_ESP]
        mov [df_esp], eax
        mov eax, [tss0+TSS_EAX]
        mov [df_eax], eax
        movzx eax, word [tss0+TSS_CS]
        mov [df_cs], eax
        movzx eax, word [tss0+TSS_SS]
        mov [df_ss], eax
        ; resume the old task where the test says
        mov eax, [fix_eip]
        mov [tss0+TSS_EIP], eax
        mov eax, [fix_esp]
        mov [tss0+TSS_ESP], eax
        iretd
        jmp df_task

; the #PF task (only for the contributory-then-#PF case)
pf_task:
        pop eax
        mov [pf_err], eax
        inc dword [pf_count]
        mov eax, cr2
        mov [pf_cr2], eax
        mov eax, [tss0+TSS_EIP]
        mov [pf_eip], eax
        mov eax, [fix_eip]
        mov [tss0+TSS_EIP], eax
        mov eax, [fix_esp]
        mov [tss0+TSS_ESP], eax
        iretd
        jmp pf_task

test_main:
        call paging_identity_init
        and dword [PTE_ADDR(NP_STACK)], ~PTE_P
        and dword [PTE_ADDR(NP_DATA)], ~PTE_P
        call paging_on
        mov dword [tss0+TSS_CR3], PAGING_PD

        TASK_TSS SEL_TSS1, tss1, df_task, DF_STACK
        TASK_TSS SEL_TSS2, tss2, pf_task, PF_STACK
        IDT_GATE 8, 0, GATE_TASK, SEL_TSS1

        ; ------------------------------------ #GP with a not-present IDT entry
        and byte [idt + 13*8 + 5], 0x7F
        mov dword [fix_eip], .r1
        mov [fix_esp], esp
        mov [saved_esp], esp
        mov eax, BAD_SEL
.f1:    mov ds, ax
        FAILMSG "#GP with a not-present gate: no #DF"
.r1:    or byte [idt + 13*8 + 5], 0x80
        CHECK [df_count], 1, "#GP + #NP: #DF count"
        CHECK [df_err], 0, "#GP + #NP: #DF error code"
        CHECK [df_eip], .f1, "#GP + #NP: EIP saved in the old TSS"
        mov eax, [saved_esp]
        CHECK [df_esp], eax, "#GP + #NP: ESP saved in the old TSS"
        CHECK [df_eax], BAD_SEL, "#GP + #NP: EAX saved in the old TSS"
        CHECK [df_cs], SEL_CODE0, "#GP + #NP: CS saved in the old TSS"
        CHECK [df_link], SEL_TSS0, "#DF task back link"
        CHECK [df_nt], FL_NT, "NT in the #DF task"
        mov eax, esp
        CHECK eax, [saved_esp], "#GP + #NP: ESP after the #DF task returns"

        ; ------------------------------------ benign + contributory: no #DF
        and byte [idt + 6*8 + 5], 0x7F
        FAULT 11, 6*8 + 2 + 1, ud2      ; #NP(IDT entry 6, EXT)
        or byte [idt + 6*8 + 5], 0x80
        CHECK [df_count], 1, "#UD + #NP must not give #DF"

        ; ------------------------------------ ring 0 #PF with ESP not present
        mov dword [fix_eip], .r2
        mov [fix_esp], esp
        mov [saved_esp], esp
        mov esp, NP_STACK + 0x1000
.f2:    mov eax, [NP_DATA]
        FAILMSG "#PF with a not-present stack: no #DF"
.r2:    CHECK [df_count], 2, "#PF + #PF: #DF count"
        CHECK [df_err], 0, "#PF + #PF: #DF error code"
        CHECK [df_eip], .f2, "#PF + #PF: EIP saved in the old TSS"
        CHECK [df_esp], NP_STACK + 0x1000, "#PF + #PF: ESP saved in the old TSS"
        mov eax, [df_cr2]
        and eax, ~0xFFF
        CHECK eax, NP_STACK, "#PF + #PF: CR2 page (the stack)"

        ; ------------------------------------ ring 3 #PF with ESP0 not present
        mov dword [tss0+TSS_ESP0], NP_STACK + 0x1000
        mov dword [fix_eip], .r3
        mov dword [fix_esp], STACK3_TOP - 16
        RING3_BEGIN
        mov esp, STACK3_TOP - 16
.f3:    mov eax, [NP_DATA]
        FAILMSG "ring-3 #PF with ESP0 not present: no #DF"
.r3:    nop                             ; resumed at ring 3 by the #DF task
        mov dword [r3_cpl], 0
        mov ax, cs
        and eax, 3
        mov [r3_cpl], eax
        mov dword [tss0+TSS_ESP0], STACK0_TSS   ; flat DPL-3 data: writable
        RING3_END
        CHECK [df_count], 3, "ring-3 #PF + #PF: #DF count"
        CHECK [df_err], 0, "ring-3 #PF + #PF: #DF error code"
        CHECK [df_eip], .f3, "ring-3 #PF + #PF: EIP saved in the old TSS"
        CHECK [df_cs], SEL_CODE3, "ring-3 #PF + #PF: CS saved in the old TSS"
        CHECK [df_ss], SEL_DATA3, "ring-3 #PF + #PF: SS saved in the old TSS"
        CHECK [df_esp], STACK3_TOP - 16, "ring-3 #PF + #PF: ESP saved in the old TSS"
        mov eax, [df_cr2]
        and eax, ~0xFFF
        CHECK eax, NP_STACK, "ring-3 #PF + #PF: CR2 page (the ring-0 stack)"
        CHECK [r3_cpl], 3, "CPL after the #DF task resumed ring 3"

        ; ------------------------------------ contributory then #PF: serial
        IDT_GATE 14, 0, GATE_TASK, SEL_TSS2
        mov dword [fix_eip], .r4
        mov [fix_esp], esp
        mov [saved_esp], esp
        mov esp, NP_STACK + 0x1000
        mov eax, BAD_SEL
.f4:    mov ds, ax                      ; #GP, whose push gives #PF
        FAILMSG "#GP + #PF: no exception"
.r4:    IDT_RESTORE 14
        mov ax, SEL_DATA0
        mov ds, ax
        CHECK [df_count], 3, "#GP + #PF must not give #DF"
        CHECK [pf_count], 1, "#GP + #PF: #PF delivered"
        CHECK [pf_err], 2, "#GP + #PF: #PF error code (supervisor write)"
        CHECK [pf_eip], .f4, "#GP + #PF: EIP saved in the old TSS"
        mov eax, [pf_cr2]
        and eax, ~0xFFF
        CHECK eax, NP_STACK, "#GP + #PF: CR2 page (the stack)"

        IDT_RESTORE 8
        clts
        call paging_off
        ret

        align 4
saved_esp:  dd 0
fix_eip:    dd 0
fix_esp:    dd 0
df_count:   dd 0
df_err:     dd 0
df_nt:      dd 0
df_link:    dd 0
df_cr2:     dd 0
df_eip:     dd 0
df_esp:     dd 0
df_eax:     dd 0
df_cs:      dd 0
df_ss:      dd 0
pf_count:   dd 0
pf_err:     dd 0
pf_cr2:     dd 0
pf_eip:     dd 0
r3_cpl:     dd 0
