; vme.asm - virtual-8086 mode extensions (CR4.VME) and protected-mode
; virtual interrupts (CR4.PVI).  QEMU's TCG implements neither: bochs only.
;  - VME, IOPL 0: CLI/STI change VIF without trapping; PUSHF shows VIF as IF
;    and IOPL as 3; POPF loads IF into VIF;
;  - INT n whose bit is clear in the TSS interruption redirection bitmap goes
;    through the v8086 IVT (pushed FLAGS has IF=VIF, IOPL=3; VIF cleared in
;    the handler); IRET restores VIF; an INT n whose bit is set -> #GP(0);
;  - STI with VIP=1 -> #GP(0) at the STI;
;  - the real IF is never touched;
;  - PVI at ring 3 with IOPL 0: CLI/STI clear/set VIF without faulting, STI
;    with VIP=1 -> #GP(0); without PVI, CLI -> #GP(0).
%include "lib.inc"
%include "v86.inc"

%define CR4_VME 1
%define CR4_PVI 2

test_main:
        mov eax, cr4
        or eax, CR4_VME
        mov cr4, eax
        and byte [tss0 + TSS0_IRB + 0x21/8], ~(1 << (0x21 & 7))
        mov word [0x21*4], v86_int21
        mov word [0x21*4+2], 0

        ; ------------------------------------------------ VME, IOPL 0
        call v86_reset_log
        V86_RUN vme_code, 2
        CHECK [v86_nlog], 2, "traps from v8086 code with VME (INT 22h, HLT)"
        movzx eax, word [v86_log]
        CHECK eax, 0xF4CD, "trapping opcodes with VME"
        CHECK [v86_intvec], 0x22, "non-redirected INT traps"
        CHECK [v86_errs], 0, "error code of the VME #GP"
        movzx eax, word [c_fl1]
        and eax, FL_IF | IOPL3
        CHECK eax, FL_IF | IOPL3, "PUSHF after STI (VME): IF=VIF=1, IOPL reads 3"
        movzx eax, word [c_fl2]
        and eax, FL_IF | IOPL3
        CHECK eax, IOPL3, "PUSHF after CLI (VME): IF=VIF=0"
        movzx eax, word [c_in21]
        CHECK eax, 0x2121, "INT 21h redirected to the v8086 IVT"
        movzx eax, word [c_pushed_fl]
        and eax, FL_IF | IOPL3
        CHECK eax, FL_IF | IOPL3, "FLAGS pushed by a redirected INT"
        movzx eax, word [c_fl3]
        and eax, FL_IF
        CHECK eax, 0, "VIF cleared inside the redirected handler"
        movzx eax, word [c_fl4]
        and eax, FL_IF
        CHECK eax, FL_IF, "VIF restored by IRET"
        movzx eax, word [c_fl5]
        and eax, FL_IF
        CHECK eax, 0, "POPF with IF=0 clears VIF"
        mov eax, [v86_exit_efl]
        and eax, FL_VIF | FL_IF | FL_VM
        CHECK eax, FL_VM, "EFLAGS at exit: VIF=0, real IF untouched"

        ; ------------------------------------------------ VME: STI with VIP=1
        call v86_reset_log
        V86_RUN vip_code, 2 | FL_VIP
        CHECK [v86_nlog], 2, "traps in the VIP test"
        movzx eax, word [v86_log]
        CHECK eax, 0xF4FB, "STI with VIP=1 traps"
        mov eax, [v86_exit_efl]
        and eax, FL_VIF | FL_VIP | FL_IF
        CHECK eax, FL_VIF, "STI retried after VIP cleared: VIF=1"
        mov eax, cr4
        and eax, ~CR4_VME
        mov cr4, eax

        ; ------------------------------------------------ PVI
        IDT_GATE 0x44, pvi_handler, GATE_INT32 | DPL3
        mov eax, cr4
        or eax, CR4_PVI
        mov cr4, eax
        RING3_BEGIN 2 | FL_VIF
        cli
        int 0x44
        mov eax, [pvi_efl]
        mov [pvi_efl1], eax
        sti
        int 0x44
        RING3_END
        mov eax, [pvi_efl1]
        and eax, FL_VIF | FL_IF
        CHECK eax, 0, "PVI: CLI at ring 3 clears VIF"
        mov eax, [pvi_efl]
        and eax, FL_VIF | FL_IF
        CHECK eax, FL_VIF, "PVI: STI at ring 3 sets VIF"
        RING3_BEGIN 2 | FL_VIP
        FAULT 13, 0, sti
        RING3_END
        mov eax, cr4
        and eax, ~CR4_PVI
        mov cr4, eax
        RING3_BEGIN 2
        FAULT 13, 0, cli
        RING3_END
        ret

pvi_handler:
        push eax
        mov eax, [esp+12]
        mov [pvi_efl], eax
        pop eax
        iretd

bits 16
vme_code:
        sti                             ; VIF=1
        pushf
        pop ax
        mov [cs:c_fl1], ax
        cli                             ; VIF=0
        pushf
        pop ax
        mov [cs:c_fl2], ax
        sti
        int 0x21                        ; redirected
        pushf
        pop ax
        mov [cs:c_fl4], ax
        push word 0x0002
        popf                            ; IF=0 -> VIF=0
        pushf
        pop ax
        mov [cs:c_fl5], ax
        int 0x22                        ; not redirected: #GP
        hlt

v86_int21:
        pushf
        pop ax
        mov [cs:c_fl3], ax
        mov bp, sp
        mov ax, [bp+4]
        mov [cs:c_pushed_fl], ax
        mov word [cs:c_in21], 0x2121
        iret

vip_code:
        sti                             ; VIP=1: #GP, monitor clears VIP
        hlt
bits 32

        align 4
c_fl1:      dw 0
c_fl2:      dw 0
c_fl3:      dw 0
c_fl4:      dw 0
c_fl5:      dw 0
c_pushed_fl: dw 0
c_in21:     dw 0
        align 4
pvi_efl:    dd 0
pvi_efl1:   dd 0
