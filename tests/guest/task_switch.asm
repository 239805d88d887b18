; task_switch.asm - hardware task switching.
;  - JMP to a TSS: new task's registers come from its TSS, NT stays 0, the
;    back link is not written, the old TSS becomes available and receives
;    EIP (next instruction), GPRs, EFLAGS, segment selectors, ESP; JMP back
;    resumes the old task with every register intact;
;  - CALL to a TSS: NT=1 and back link = caller, both TSS busy, CR3 switched
;    to the new task's page directory (a page mapped differently), IRET
;    returns (NT path), clears the callee's busy bit, restores CR3;
;  - JMP/CALL to a busy TSS: #GP(selector);
;  - an exception (#GP with error code) through a task gate: the error code
;    is pushed on the handler task's stack, the old task's saved EIP is the
;    faulting instruction.
%include "lib.inc"

%define SEL_TSS3    (SEL_FREE)
%define PD_B        0x110000
%define PT_B        0x111000

; MARK_REGS: the values check_regs expects in EAX-EBP (ESP aside)
%macro MARK_REGS 0
        mov eax, 0xAAAA0001
        mov ebx, 0xAAAA0002
        mov ecx, 0xAAAA0003
        mov edx, 0xAAAA0004
        mov esi, 0xAAAA0005
        mov edi, 0xAAAA0006
        mov ebp, 0xAAAA0007
%endmacro

test_main:
        ; paging: PD_B is the identity map except 0x500000 -> 0x600000
        call paging_identity_init
        mov esi, PAGING_PD
        mov edi, PD_B
        mov ecx, 1024
        rep movsd
        mov esi, PAGING_PT + 0x1000
        mov edi, PT_B
        mov ecx, 1024
        rep movsd
        mov dword [PD_B + 4], PT_B | 7
        mov dword [PT_B + (0x100 * 4)], 0x600000 | 7
        mov dword [0x500000], 0x50505050
        mov dword [0x600000], 0x60606060
        call paging_on
        mov dword [tss0+TSS_CR3], PAGING_PD

        TASK_TSS SEL_TSS1, tss1, task1, 0x60000
        mov dword [tss1+TSS_EAX], 0x11110000
        mov dword [tss1+TSS_ESI], 0x11115555
        mov word [tss1+TSS_LINK], 0xDEAD
        TASK_TSS SEL_TSS2, tss2, task2, 0x5F000
        mov dword [tss2+TSS_CR3], PD_B
        TASK_TSS SEL_TSS3, tss3, task3, 0x5E000

        ; ------------------------------------------------ JMP to a TSS
        mov [saved_esp], esp
        MARK_REGS
        stc
        jmp SEL_TSS1:0
.back_jmp:
        setc [cf_after]
        call check_regs
        mov eax, esp
        CHECK eax, [saved_esp], "ESP restored after JMP back"
        CHECK [t1_eax], 0x11110000, "EAX loaded from the new TSS"
        CHECK [t1_esi], 0x11115555, "ESI loaded from the new TSS"
        CHECK [t1_tr], SEL_TSS1, "TR in the task entered by JMP"
        CHECK [t1_nt], 0, "NT in a task entered by JMP"
        CHECK [t1_link], 0xDEAD, "back link not written by JMP"
        CHECK [t1_busy0], 0x89, "old TSS available after JMP"
        CHECK [t1_busy1], 0x8B, "new TSS busy after JMP"
        CHECK [t1_eip], .back_jmp, "EIP saved in the old TSS"
        CHECK [t1_sv_eax], 0xAAAA0001, "EAX saved in the old TSS"
        CHECK [t1_sv_edi], 0xAAAA0006, "EDI saved in the old TSS"
        CHECK [t1_sv_ebp], 0xAAAA0007, "EBP saved in the old TSS"
        mov eax, [saved_esp]
        CHECK [t1_sv_esp], eax, "ESP saved in the old TSS"
        mov eax, [t1_sv_efl]
        and eax, FL_CF | FL_NT
        CHECK eax, FL_CF, "EFLAGS saved in the old TSS"
        CHECK [t1_sv_es], SEL_DATA0, "ES saved in the old TSS"
        CHECK [t1_sv_cs], SEL_CODE0, "CS saved in the old TSS"
        movzx eax, byte [cf_after]
        CHECK eax, 1, "CF restored from the TSS after JMP back"
        movzx eax, byte [gdt + SEL_TSS1 + 5]
        CHECK eax, 0x89, "TSS left by JMP is available"
        movzx eax, byte [gdt + SEL_TSS0 + 5]
        CHECK eax, 0x8B, "TSS entered by JMP back is busy"
        CHECK [tss1+TSS_EIP], task1.after, "EIP saved in TSS 1 by its JMP"
        str ax
        movzx eax, ax
        CHECK eax, SEL_TSS0, "TR after JMP back"

        ; ------------------------------------------------ CALL to a TSS
        MARK_REGS
        call SEL_TSS2:0
.back_call:
        call check_regs
        CHECK [t2_tr], SEL_TSS2, "TR in the task entered by CALL"
        CHECK [t2_nt], FL_NT, "NT in a task entered by CALL"
        CHECK [t2_link], SEL_TSS0, "back link written by CALL"
        CHECK [t2_busy0], 0x8B, "caller's TSS stays busy"
        CHECK [t2_busy2], 0x8B, "callee's TSS busy"
        CHECK [t2_cr3], PD_B, "CR3 loaded from the new TSS"
        CHECK [t2_val], 0x60606060, "new task sees its own page mapping"
        CHECK [t2_eip], .back_call, "EIP saved in the caller's TSS"
        mov eax, cr3
        CHECK eax, PAGING_PD, "CR3 restored by IRET"
        CHECK [0x500000], 0x50505050, "old mapping back after IRET"
        movzx eax, byte [gdt + SEL_TSS2 + 5]
        CHECK eax, 0x89, "callee's TSS available after IRET"
        pushfd
        pop eax
        and eax, FL_NT
        CHECK eax, 0, "NT after IRET to the caller"
        call SEL_TSS2:0                 ; resumes after task 2's IRET
        CHECK [t2_count], 2, "task resumed after its IRET"

        ; ------------------------------------------------ busy TSS
        FAULT 13, SEL_TSS0, jmp SEL_TSS0:0
        FAULT 13, SEL_TSS0, call SEL_TSS0:0

        ; ------------------------------------------------ #GP through a task gate
        IDT_GATE 13, 0, GATE_TASK, SEL_TSS3
        mov ax, GDT_ENTRIES * 8
.gp_insn:
        mov ds, ax
        FAILMSG "no #GP through the task gate"
.gp_back:
        IDT_RESTORE 13
        CHECK [t3_err], GDT_ENTRIES * 8, "error code on the handler task's stack"
        CHECK [t3_esp], 0x5E000 - 4, "handler task's ESP after the error code push"
        CHECK [t3_eip], .gp_insn, "faulting EIP saved in the old TSS"
        CHECK [t3_link], SEL_TSS0, "back link of the exception task"
        clts
        call paging_off
        ret

check_regs:
        CHECK eax, 0xAAAA0001, "EAX preserved across the task switches"
        CHECK ebx, 0xAAAA0002, "EBX preserved across the task switches"
        CHECK ecx, 0xAAAA0003, "ECX preserved across the task switches"
        CHECK edx, 0xAAAA0004, "EDX preserved across the task switches"
        CHECK esi, 0xAAAA0005, "ESI preserved across the task switches"
        CHECK edi, 0xAAAA0006, "EDI preserved across the task switches"
        CHECK ebp, 0xAAAA0007, "EBP preserved across the task switches"
        ret

task1:
        mov [t1_eax], eax
        mov [t1_esi], esi
        TASK_STATE tss1, t1_tr, t1_nt, t1_link
        movzx eax, byte [gdt + SEL_TSS0 + 5]
        mov [t1_busy0], eax
        movzx eax, byte [gdt + SEL_TSS1 + 5]
        mov [t1_busy1], eax
        mov eax, [tss0+TSS_EIP]
        mov [t1_eip], eax
        mov eax, [tss0+TSS_EAX]
        mov [t1_sv_eax], eax
        mov eax, [tss0+TSS_EDI]
        mov [t1_sv_edi], eax
        mov eax, [tss0+TSS_EBP]
        mov [t1_sv_ebp], eax
        mov eax, [tss0+TSS_ESP]
        mov [t1_sv_esp], eax
        mov eax, [tss0+TSS_EFLAGS]
        mov [t1_sv_efl], eax
        movzx eax, word [tss0+TSS_ES]
        mov [t1_sv_es], eax
        movzx eax, word [tss0+TSS_CS]
        mov [t1_sv_cs], eax
        jmp SEL_TSS0:0
.after:
        FAILMSG "task 1 resumed unexpectedly"

task2:
        inc dword [t2_count]
        TASK_STATE tss2, t2_tr, t2_nt, t2_link
        movzx eax, byte [gdt + SEL_TSS0 + 5]
        mov [t2_busy0], eax
        movzx eax, byte [gdt + SEL_TSS2 + 5]
        mov [t2_busy2], eax
        mov eax, cr3
        mov [t2_cr3], eax
        mov eax, [0x500000]
        mov [t2_val], eax
        mov eax, [tss0+TSS_EIP]
        mov [t2_eip], eax
        iretd
        jmp task2

task3:
        mov [t3_esp], esp
        pop eax
        mov [t3_err], eax
        movzx eax, word [tss3+TSS_LINK]
        mov [t3_link], eax
        mov eax, [tss0+TSS_EIP]
        mov [t3_eip], eax
        mov dword [tss0+TSS_EIP], test_main.gp_back
        iretd
        jmp task3

        align 16
tss3:       times 0x68 db 0
        align 4
saved_esp:  dd 0
cf_after:   dd 0
t1_eax:     dd 0
t1_esi:     dd 0
t1_tr:      dd 0
t1_nt:      dd 0
t1_link:    dd 0
t1_busy0:   dd 0
t1_busy1:   dd 0
t1_eip:     dd 0
t1_sv_eax:  dd 0
t1_sv_edi:  dd 0
t1_sv_ebp:  dd 0
t1_sv_esp:  dd 0
t1_sv_efl:  dd 0
t1_sv_es:   dd 0
t1_sv_cs:   dd 0
t2_count:   dd 0
t2_tr:      dd 0
t2_nt:      dd 0
t2_link:    dd 0
t2_busy0:   dd 0
t2_busy2:   dd 0
t2_cr3:     dd 0
t2_val:     dd 0
t2_eip:     dd 0
t3_err:     dd 0
t3_esp:     dd 0
t3_link:    dd 0
t3_eip:     dd 0
