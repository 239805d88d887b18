; gates.asm - privilege transitions through gates.
;
;  - interrupt gate clears IF, trap gate keeps it, IRET restores it; a
;    same-privilege interrupt pushes 3 dwords on the current stack;
;  - IRET from ring 0 to ring 3: CPL 3, data segment registers whose DPL is
;    below the new CPL are nulled, DPL-3 ones kept;
;  - INT n from ring 3 through a DPL-3 gate: stack switch to TSS SS0:ESP0,
;    full 5-dword frame; INT n through a DPL-0 gate: #GP(vector*8+2);
;  - 32-bit call gate (DPL 3 -> ring 0, 2 dword parameters copied), RETF 8
;    back to ring 3 nulls ES/FS loaded with DPL-0 selectors;
;  - 16-bit call gate (2 word parameters, 16-bit frame), O16 RETF 4;
;  - call gate with DPL 0 from ring 3: #GP(gate selector);
;  - INT n through a task gate: runs another task with NT=1 and the back
;    link set; its IRET returns; busy bits and saved state are checked.
%include "lib.inc"

%define SEL_CG32  (SEL_FREE)            ; 32-bit call gate, DPL 3, 2 params
%define SEL_CG16  (SEL_FREE+8)          ; 16-bit call gate, DPL 3, 2 params
%define SEL_CG0   (SEL_FREE+16)         ; 32-bit call gate, DPL 0
%define R3_ESP16  0x0E00                ; ring-3 stack below 64 KiB for the 16-bit gate

test_main:
        GDT_GATE SEL_CG32, SEL_CODE0, cg32_handler, GATE_CALL32 | DPL3, 2
        GDT_GATE SEL_CG16, SEL_CODE0, cg16_handler, GATE_CALL16 | DPL3, 2
        GDT_GATE SEL_CG0, SEL_CODE0, cg32_handler, GATE_CALL32, 2
        IDT_GATE 0x40, int_handler, GATE_INT32
        IDT_GATE 0x41, int_handler, GATE_TRAP32
        IDT_GATE 0x42, int_handler, GATE_INT32 | DPL3
        IDT_GATE 0x43, 0, GATE_TASK, SEL_TSS1

        ; ---------------------------------------------- interrupt vs trap gate
        sti
        int 0x40
        cli
        mov eax, [ih_efl]
        and eax, FL_IF
        CHECK eax, 0, "IF inside an interrupt-gate handler"
        mov eax, [ih_fefl]
        and eax, FL_IF
        CHECK eax, FL_IF, "IF in EFLAGS pushed by INT"
        sti
        int 0x41
        pushfd
        pop ebx
        cli
        mov eax, [ih_efl]
        and eax, FL_IF
        CHECK eax, FL_IF, "IF inside a trap-gate handler"
        and ebx, FL_IF
        CHECK ebx, FL_IF, "IF after IRET"
        mov [esp_before], esp
        int 0x40
.after40:
        mov eax, [esp_before]
        sub eax, 12
        CHECK [ih_esp], eax, "ESP in a same-privilege handler"
        CHECK [ih_feip], .after40, "EIP pushed by INT"
        CHECK [ih_fcs], SEL_CODE0, "CS pushed by INT"

        ; ---------------------------------------------- ring 3
        mov [r3_saved_esp], esp
        mov dword [r3_cont], back_from_r3
        mov ax, SEL_DATA3
        mov ds, ax
        mov gs, ax
        mov ax, SEL_DATA0
        mov es, ax
        mov fs, ax
        push dword SEL_DATA3
        push dword STACK3_TOP
        push dword IOPL3 | 2
        push dword SEL_CODE3
        push dword ring3_code
        iretd

ring3_code:
        mov eax, cs
        and eax, 3
        CHECK eax, 3, "CPL after IRET to ring 3"
        xor eax, eax
        mov ax, es
        CHECK eax, 0, "ES (DPL 0) nulled by IRET to ring 3"
        mov ax, fs
        CHECK eax, 0, "FS (DPL 0) nulled by IRET to ring 3"
        mov ax, ds
        CHECK eax, SEL_DATA3, "DS (DPL 3) kept by IRET to ring 3"
        mov ax, gs
        CHECK eax, SEL_DATA3, "GS (DPL 3) kept by IRET to ring 3"
        mov ax, ss
        CHECK eax, SEL_DATA3, "SS after IRET to ring 3"
        mov eax, esp
        CHECK eax, STACK3_TOP, "ESP after IRET to ring 3"

        ; INT from ring 3 through a DPL-3 interrupt gate: stack switch
        mov ebx, esp
        int 0x42
.after42:
        CHECK [ih_esp], STACK0_TSS - 20, "ESP in handler = TSS.ESP0 - 20"
        CHECK [ih_ss], SEL_DATA0, "SS in handler = TSS.SS0"
        CHECK [ih_cs], SEL_CODE0, "CS in handler entered from ring 3"
        CHECK [ih_fcs], SEL_CODE3, "CS pushed by INT from ring 3"
        CHECK [ih_fss], SEL_DATA3, "SS pushed by INT from ring 3"
        CHECK [ih_fesp], ebx, "ESP pushed by INT from ring 3"
        CHECK [ih_feip], .after42, "EIP pushed by INT from ring 3"
        mov eax, esp
        CHECK eax, ebx, "ring-3 ESP after IRET"

        ; INT from ring 3 through a DPL-0 gate: #GP(vector*8 + 2)
        FAULT 13, 0x40*8 + 2, int 0x40

        ; 32-bit call gate with two parameters
        push dword 0x11111111
        push dword 0x22222222
        mov ebx, esp
        call (SEL_CG32 | 3):0
.ret32:
        lea eax, [ebx+8]
        mov ecx, esp
        CHECK ecx, eax, "ring-3 ESP after RETF 8 (parameters released)"
        CHECK [cg_cpl], 0, "CPL inside 32-bit call gate target"
        CHECK [cg_ss], SEL_DATA0, "SS inside call gate target = SS0"
        CHECK [cg_esp], STACK0_TSS - 24, "ESP inside call gate target"
        CHECK [cg_p1], 0x11111111, "32-bit call gate parameter 1 copied"
        CHECK [cg_p2], 0x22222222, "32-bit call gate parameter 2 copied"
        CHECK [cg_uesp], ebx, "caller ESP pushed by call gate"
        CHECK [cg_uss], SEL_DATA3, "caller SS pushed by call gate"
        CHECK [cg_rcs], SEL_CODE3, "caller CS pushed by call gate"
        CHECK [cg_reip], .ret32, "caller EIP pushed by call gate"
        xor eax, eax
        mov ax, es
        CHECK eax, 0, "ES (DPL 0) nulled by RETF to ring 3"
        mov ax, fs
        CHECK eax, 0, "FS (DPL 0) nulled by RETF to ring 3"
        mov ax, ds
        CHECK eax, SEL_DATA3, "DS kept by RETF to ring 3"

        ; call gate whose DPL is 0: #GP(selector)
        FAULT 13, SEL_CG0, call (SEL_CG0 | 3):0

        ; 16-bit call gate with two word parameters (SP must fit 16 bits)
        mov esp, R3_ESP16
        push word 0x3333
        push word 0x4444
        mov ebx, esp
        call (SEL_CG16 | 3):0
.ret16:
        lea eax, [ebx+4]
        mov ecx, esp
        CHECK ecx, eax, "ring-3 ESP after O16 RETF 4"
        CHECK [cg_esp], STACK0_TSS - 12, "ESP inside 16-bit call gate target"
        CHECK [cg_p1], 0x3333, "16-bit call gate parameter 1 copied"
        CHECK [cg_p2], 0x4444, "16-bit call gate parameter 2 copied"
        CHECK [cg_uesp], ebx, "caller SP pushed by 16-bit call gate"
        CHECK [cg_uss], SEL_DATA3, "caller SS pushed by 16-bit call gate"
        CHECK [cg_rcs], SEL_CODE3, "caller CS pushed by 16-bit call gate"
        CHECK [cg_reip], .ret16, "caller IP pushed by 16-bit call gate"
        mov esp, STACK3_TOP
        int 0x30                        ; back to ring 0

back_from_r3:
        ; ---------------------------------------------- task gate
        GDT_DESC SEL_TSS1, tss1, 0x67, ACC_TSS, 0
        mov dword [tss1+TSS_EIP], task1_entry
        mov dword [tss1+TSS_EFLAGS], 2
        mov dword [tss1+TSS_ESP], 0x60000
        mov dword [tss1+TSS_CS], SEL_CODE0
        mov eax, SEL_DATA0
        mov [tss1+TSS_SS], eax
        mov [tss1+TSS_DS], eax
        mov [tss1+TSS_ES], eax
        mov [tss1+TSS_FS], eax
        mov [tss1+TSS_GS], eax
        mov eax, cr3
        mov [tss1+TSS_CR3], eax
        mov [tss0+TSS_CR3], eax
        mov ebx, 0x12345678
        mov esi, 0x0BADCAFE
        int 0x43
.after_task:
        clts
        CHECK [t1_count], 1, "task entered through task gate"
        CHECK [t1_tr], SEL_TSS1, "TR inside the task"
        CHECK [t1_nt], FL_NT, "NT set inside a task entered by INT"
        CHECK [t1_link], SEL_TSS0, "back link in the new TSS"
        CHECK [t1_busy], 0x8B, "new task's TSS busy while running"
        CHECK [t1_oldbusy], 0x8B, "old task's TSS still busy (nested)"
        CHECK [t1_saved_eip], .after_task, "EIP saved in old TSS"
        CHECK [t1_saved_ebx], 0x12345678, "EBX saved in old TSS"
        CHECK ebx, 0x12345678, "EBX restored by IRET to old task"
        CHECK esi, 0x0BADCAFE, "ESI restored by IRET to old task"
        movzx eax, byte [gdt + SEL_TSS1 + 5]
        CHECK eax, 0x89, "nested task's busy bit cleared by IRET"
        str ax
        movzx eax, ax
        CHECK eax, SEL_TSS0, "TR after IRET from the task"
        pushfd
        pop eax
        and eax, FL_NT
        CHECK eax, 0, "NT after returning from the task"
        int 0x43                        ; resumes after the task's IRET
        clts
        CHECK [t1_count], 2, "task resumed after its IRET"
        ret

; records what an interrupt handler sees, then IRETs
int_handler:
        mov [ih_esp], esp
        push eax
        pushfd
        pop eax
        mov [ih_efl], eax
        mov eax, cs
        movzx eax, ax
        mov [ih_cs], eax
        mov eax, ss
        movzx eax, ax
        mov [ih_ss], eax
        mov eax, [esp+4]
        mov [ih_feip], eax
        movzx eax, word [esp+8]
        mov [ih_fcs], eax
        mov eax, [esp+12]
        mov [ih_fefl], eax
        mov eax, [esp+16]               ; only meaningful from ring 3
        mov [ih_fesp], eax
        movzx eax, word [esp+20]
        mov [ih_fss], eax
        pop eax
        iretd

cg32_handler:
        mov [cg_esp], esp
        mov eax, cs
        and eax, 3
        mov [cg_cpl], eax
        mov eax, ss
        movzx eax, ax
        mov [cg_ss], eax
        mov eax, [esp]
        mov [cg_reip], eax
        movzx eax, word [esp+4]
        mov [cg_rcs], eax
        mov eax, [esp+8]
        mov [cg_p2], eax
        mov eax, [esp+12]
        mov [cg_p1], eax
        mov eax, [esp+16]
        mov [cg_uesp], eax
        movzx eax, word [esp+20]
        mov [cg_uss], eax
        mov ax, SEL_DATA0               ; must be nulled by the RETF to ring 3
        mov es, ax
        mov fs, ax
        retf 8

cg16_handler:
        mov [cg_esp], esp
        movzx eax, word [esp]
        mov [cg_reip], eax
        movzx eax, word [esp+2]
        mov [cg_rcs], eax
        movzx eax, word [esp+4]
        mov [cg_p2], eax
        movzx eax, word [esp+6]
        mov [cg_p1], eax
        movzx eax, word [esp+8]
        mov [cg_uesp], eax
        movzx eax, word [esp+10]
        mov [cg_uss], eax
        o16 retf 4

task1_entry:
        inc dword [t1_count]
        TASK_STATE tss1, t1_tr, t1_nt, t1_link
        movzx eax, byte [gdt + SEL_TSS1 + 5]
        mov [t1_busy], eax
        movzx eax, byte [gdt + SEL_TSS0 + 5]
        mov [t1_oldbusy], eax
        mov eax, [tss0+TSS_EIP]
        mov [t1_saved_eip], eax
        mov eax, [tss0+TSS_EBX]
        mov [t1_saved_ebx], eax
        iretd
        jmp task1_entry

        align 4
esp_before:     dd 0
ih_esp:         dd 0
ih_efl:         dd 0
ih_cs:          dd 0
ih_ss:          dd 0
ih_feip:        dd 0
ih_fcs:         dd 0
ih_fefl:        dd 0
ih_fesp:        dd 0
ih_fss:         dd 0
cg_esp:         dd 0
cg_cpl:         dd 0
cg_ss:          dd 0
cg_reip:        dd 0
cg_rcs:         dd 0
cg_p1:          dd 0
cg_p2:          dd 0
cg_uesp:        dd 0
cg_uss:         dd 0
t1_count:       dd 0
t1_tr:          dd 0
t1_nt:          dd 0
t1_link:        dd 0
t1_busy:        dd 0
t1_oldbusy:     dd 0
t1_saved_eip:   dd 0
t1_saved_ebx:   dd 0
