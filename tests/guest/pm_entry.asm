; pm_entry.asm - real mode <-> 16-bit / 32-bit protected mode transitions.
;
; lib.inc enters 32-bit protected mode from the reset vector.  This test then
;  - checks CR0.PE and the flat selectors, the accessed bit set by a segment
;    load, a data segment with a non-zero base, LSL/LAR, VERR/VERW;
;  - far JMP / far CALL / RETF into a 32-bit code segment based at 0x1000;
;  - goes 32-bit PM -> 16-bit PM (operand size 16 by CS.D=0) -> real mode,
;    where it checks CR0.PE=0, segment*16 addressing, a software INT through
;    the real-mode IVT, far CALL/RETF, and "unreal mode" (FS keeps the 4 GiB
;    limit cached in protected mode);
;  - real mode -> 16-bit PM -> 32-bit PM, and checks everything recorded.
%include "lib.inc"

test_main:
        mov eax, cr0
        and eax, 1
        CHECK eax, 1, "CR0.PE after entry"
        xor eax, eax
        mov ax, cs
        CHECK eax, SEL_CODE0, "CS after entry"
        mov ax, ss
        CHECK eax, SEL_DATA0, "SS after entry"

        ; ---- data segment with base 0x20000, limit 0xFFF (byte granular)
        GDT_DESC SEL_FREE, 0x20000, 0xFFF, ACC_DATA0, 0x4
        movzx eax, byte [gdt + SEL_FREE + 5]
        CHECK eax, 0x92, "access byte before load (A clear)"
        mov ax, SEL_FREE
        mov es, ax
        movzx eax, byte [gdt + SEL_FREE + 5]
        CHECK eax, 0x93, "accessed bit set by segment load"
        mov dword [es:0x10], 0xCAFEBABE
        CHECK [0x20010], 0xCAFEBABE, "store through segment based at 0x20000"
        mov dword [0x20FFC], 0x11223344
        CHECK [es:0xFFC], 0x11223344, "load at segment limit"
        mov eax, SEL_FREE
        lsl ecx, eax
        CHECK ecx, 0xFFF, "LSL of byte-granular segment"
        lar ecx, eax
        and ecx, 0x00F0FF00             ; bits 19:16 are undefined
        CHECK ecx, 0x00409300, "LAR of data segment"
        mov eax, SEL_DATA0
        lsl ecx, eax
        CHECK ecx, 0xFFFFFFFF, "LSL of 4 GiB flat segment"
        mov eax, SEL_CODE0
        lar ecx, eax
        and ecx, 0x00F0FE00             ; limit 19:16 undefined; A bit not
                                        ; set by a CS load on QEMU or bochs
        CHECK ecx, 0x00C09A00, "LAR of flat code segment"
        ; VERR/VERW: code segment readable but not writable
        mov ax, SEL_CODE0
        verr ax
        setz al
        movzx eax, al
        CHECK eax, 1, "VERR code segment"
        mov ax, SEL_CODE0
        verw ax
        setz al
        movzx eax, al
        CHECK eax, 0, "VERW code segment"
        mov ax, SEL_FREE
        verw ax
        setz al
        movzx eax, al
        CHECK eax, 1, "VERW data segment"
        mov ax, SEL_DATA0
        mov es, ax

        ; ---- 32-bit code segment based at CODE_BASE: far jmp, far call, retf
        GDT_DESC SEL_FREE+8, CODE_BASE, 0xFFFFF, ACC_CODE0, 0xC
        jmp (SEL_FREE+8):(based_code - CODE_BASE)
based_code:
        call .here
.here:  pop eax
        CHECK eax, .here - CODE_BASE, "EIP inside code segment based at 0x1000"
        xor eax, eax
        mov ax, cs
        CHECK eax, SEL_FREE+8, "CS after far jmp"
        jmp SEL_CODE0:after_based
after_based:
        xor eax, eax
        call (SEL_FREE+8):(based_func - CODE_BASE)
        CHECK eax, SEL_FREE+8, "CS inside far-called function"
        CHECK ebx, based_func.ret - CODE_BASE, "EIP inside far-called function"
        CHECK ecx, SEL_CODE0, "return CS pushed by far call"
        mov edx, esp
        mov ecx, cs
        push dword ecx                  ; far return via pushed CS:EIP
        push dword .retf_target
        retf
.retf_target:
        mov eax, esp
        CHECK eax, edx, "ESP after RETF"

        ; ---- 32-bit PM -> 16-bit PM -> real mode -> 16-bit PM -> 32-bit PM
        mov [saved_esp], esp
        jmp SEL_CODE16:pm16

based_func:
        xor eax, eax
        mov ax, cs
        call .ret
.ret:   pop ebx
        mov ecx, [esp+4]                ; caller's CS
        retf

bits 16
pm16:
        mov ax, SEL_DATA16
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x0FF0
        mov bx, sp                      ; operand size must be 16 now
        push ax
        sub bx, sp
        pop ax
        mov [r_push16], bx
        mov ax, cs
        mov [r_cs16a], ax
        mov ax, SEL_DATA0               ; FS keeps a 4 GiB limit into real mode
        mov fs, ax
        mov eax, cr0
        and al, 0xFE
        mov cr0, eax
        jmp 0x0000:rm_code
rm_code:
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x0FF0
        mov eax, cr0
        mov [r_cr0_rm], eax
        mov ax, cs
        mov [r_cs_rm], ax
        ; segment * 16 addressing
        mov ax, 0x2345
        mov es, ax
        mov word [es:0x0004], 0xBEEF    ; linear 0x23454
        xor ax, ax
        mov es, ax
        ; unreal mode: FS base 0, limit 4 GiB
        mov dword [fs:dword 0x200000], 0x600DF00D
        ; software interrupt through the real-mode IVT
        lidt [rm_idt_ptr]
        mov word [0x50*4], rm_int50
        mov word [0x50*4+2], 0
        mov word [r_int50], 0
        pushf
        pop ax
        or ax, 0x0200                   ; IF is saved then cleared by INT
        push ax
        popf
        cli
        int 0x50
        ; far call / retf in real mode
        call 0x0000:rm_far
        ; back to 16-bit protected mode
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp SEL_CODE16:pm16b
rm_int50:
        mov word [r_int50], 0x5050
        mov bp, sp
        mov ax, [bp+2]                  ; CS pushed by INT
        mov [r_int50_cs], ax
        iret
rm_far:
        mov bp, sp
        mov ax, [bp+2]
        mov [r_far_cs], ax
        retf
pm16b:
        mov ax, SEL_DATA16
        mov ds, ax
        mov ax, cs
        mov [r_cs16b], ax
        jmp dword SEL_CODE0:pm32b
bits 32
pm32b:
        mov ax, SEL_DATA0
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov esp, [saved_esp]
        lidt [idt_ptr]
        movzx eax, word [r_push16]
        CHECK eax, 2, "PUSH size in 16-bit code segment"
        movzx eax, word [r_cs16a]
        CHECK eax, SEL_CODE16, "CS in 16-bit PM"
        mov eax, [r_cr0_rm]
        and eax, 1
        CHECK eax, 0, "CR0.PE in real mode"
        movzx eax, word [r_cs_rm]
        CHECK eax, 0, "CS in real mode after jmp 0:x"
        movzx eax, word [0x23454]
        CHECK eax, 0xBEEF, "real-mode store to 2345:0004"
        CHECK [0x200000], 0x600DF00D, "unreal-mode store through FS"
        movzx eax, word [r_int50]
        CHECK eax, 0x5050, "real-mode INT 50h via IVT"
        movzx eax, word [r_int50_cs]
        CHECK eax, 0, "CS pushed by real-mode INT"
        movzx eax, word [r_far_cs]
        CHECK eax, 0, "CS pushed by real-mode far call"
        movzx eax, word [r_cs16b]
        CHECK eax, SEL_CODE16, "CS in 16-bit PM (second time)"
        xor eax, eax
        mov ax, cs
        CHECK eax, SEL_CODE0, "CS back in 32-bit PM"
        ; the library's exception machinery still works after all this
        xor edx, edx
        xor ecx, ecx
        mov eax, 1
        FAULT 0, -1, div ecx
        ret

        align 4
saved_esp:  dd 0
r_cr0_rm:   dd 0
r_push16:   dw 0
r_cs16a:    dw 0
r_cs16b:    dw 0
r_cs_rm:    dw 0
r_int50:    dw 0
r_int50_cs: dw 0
r_far_cs:   dw 0
rm_idt_ptr: dw 0x3FF
            dd 0
