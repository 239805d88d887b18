; v8086.asm - virtual-8086 mode without VME.
;  - enter v8086 mode by IRET from ring 0 with EFLAGS.VM=1; segment
;    arithmetic is real-mode style (DS=2000 -> linear 0x20000);
;  - IOPL 0: CLI, STI, PUSHF, POPF, INT n, IRET each trap to the monitor
;    with #GP(0); HLT too;
;  - I/O is checked against the TSS I/O permission bitmap whatever IOPL:
;    an allowed port works, a denied port and a word access straddling into
;    a denied port raise #GP(0);
;  - the #GP frame from v8086 mode holds ES/DS/FS/GS and SS:ESP, and the
;    handler runs with FS/GS nulled;
;  - IOPL 3: CLI/STI/PUSHF/POPF execute (IF really changes, PUSHF shows
;    IOPL 3), INT n goes through the protected-mode IDT (DPL-3 gate) with a
;    v8086 frame and IRETs back.
%include "lib.inc"
%include "v86.inc"

test_main:
        and byte [tss0 + TSS0_IOBM + 0x80/8], ~1    ; allow port 0x80 only
        IDT_GATE 0x42, v86_int_handler, GATE_INT32 | DPL3

        ; ------------------------------------------------ IOPL 0
        call v86_reset_log
        mov word [0x20000 + v_mark], 0
        V86_RUN v86_code_a, 2
        CHECK [v86_nlog], 9, "number of #GP traps from v8086 code (IOPL 0)"
        CHECK [v86_log], 0x9D9CFBFA, "CLI, STI, PUSHF, POPF trapped"
        CHECK [v86_log+4], 0xE5E4CFCD, "INT n, IRET, IN denied, IN straddling trapped"
        movzx eax, byte [v86_log+8]
        CHECK eax, 0xF4, "HLT trapped"
        CHECK [v86_errs], 0, "error codes of v8086 #GP"
        CHECK [v86_intvec], 0x21, "INT vector seen by the monitor"
        CHECK [v86_entry_fs], 0, "FS and GS nulled on entry from v8086"
        CHECK [v86_exit_ds], 0x2000, "DS in the v8086 frame"
        CHECK [v86_exit_es], 0x3000, "ES in the v8086 frame"
        CHECK [v86_exit_fs], 0x4000, "FS in the v8086 frame"
        CHECK [v86_exit_gs], 0x5000, "GS in the v8086 frame"
        CHECK [v86_exit_ss], 0, "SS in the v8086 frame"
        CHECK [v86_exit_esp], V86_SP, "SP in the v8086 frame"
        mov eax, [v86_exit_efl]
        and eax, FL_VM | IOPL3
        CHECK eax, FL_VM, "EFLAGS.VM in the v8086 frame"
        movzx eax, word [0x20000 + v_mark]
        CHECK eax, 0xA55A, "v8086 store to DS:offset (DS=2000)"
        movzx eax, word [0x30000 + v_mark]
        CHECK eax, 0x5AA5, "v8086 store to ES:offset (ES=3000)"
        movzx eax, word [v_io_ok]
        CHECK eax, 1, "OUT to an allowed port"

        ; ------------------------------------------------ IOPL 3
        call v86_reset_log
        V86_RUN v86_code_b, IOPL3 | 2
        CHECK [v86_nlog], 1, "only HLT traps with IOPL 3"
        movzx eax, word [v_fl1]
        and eax, FL_IF | IOPL3
        CHECK eax, IOPL3, "PUSHF after CLI (IOPL 3)"
        movzx eax, word [v_fl2]
        and eax, FL_IF | IOPL3
        CHECK eax, IOPL3 | FL_IF, "PUSHF after STI (IOPL 3)"
        movzx eax, word [v_fl3]
        and eax, FL_IF
        CHECK eax, 0, "POPF restored IF (IOPL 3)"
        CHECK [ih_count], 1, "INT n from v8086 reached the IDT handler"
        CHECK [ih_eip], v86_code_b.after_int, "EIP in the v8086 INT frame"
        CHECK [ih_cs], 0, "CS in the v8086 INT frame"
        mov eax, [ih_efl]
        and eax, FL_VM
        CHECK eax, FL_VM, "VM in the v8086 INT frame"
        CHECK [ih_ds], 0x2000, "DS in the v8086 INT frame"
        CHECK [ih_gs], 0x5000, "GS in the v8086 INT frame"
        CHECK [ih_esp], V86_SP, "SP in the v8086 INT frame"
        CHECK [ih_hds], 0, "DS nulled inside the handler"
        CHECK [ih_tesp], STACK0_TSS - 36, "handler stack = ESP0 - 36"
        movzx eax, word [v_after]
        CHECK eax, 0x4242, "v8086 code resumed after IRET from the handler"
        ret

v86_int_handler:
        mov [ss:ih_tesp], esp           ; DS is null here: SS is flat (SS0)
        push eax
        mov eax, ds
        mov [ss:ih_hds_tmp], eax
        mov ax, SEL_DATA0
        mov ds, ax
        mov eax, [ss:ih_hds_tmp]
        movzx eax, ax
        mov [ih_hds], eax
        inc dword [ih_count]
        mov eax, [esp+4]
        mov [ih_eip], eax
        movzx eax, word [esp+8]
        mov [ih_cs], eax
        mov eax, [esp+12]
        mov [ih_efl], eax
        mov eax, [esp+16]
        mov [ih_esp], eax
        movzx eax, word [esp+28]
        mov [ih_ds], eax
        movzx eax, word [esp+36]
        mov [ih_gs], eax
        xor eax, eax
        mov ds, ax                      ; back to what the CPU gave us
        pop eax
        iretd

bits 16
v86_code_a:
        mov word [v_mark], 0xA55A       ; DS=2000
        mov word [es:v_mark], 0x5AA5    ; ES=3000
        cli
        sti
        pushf
        popf
        int 0x21
        iret
        out 0x80, al                    ; allowed
        mov word [cs:v_io_ok], 1
        in al, 0x81                     ; denied
        in ax, 0x7F                     ; 0x7F denied, 0x80 allowed
        hlt

v86_code_b:
        cli
        pushf
        pop ax
        mov [cs:v_fl1], ax
        sti
        pushf
        pop ax
        mov [cs:v_fl2], ax
        push ax
        and ax, ~FL_IF
        push ax
        popf
        pushf
        pop ax
        mov [cs:v_fl3], ax
        popf
        cli
        int 0x42
.after_int:
        mov word [cs:v_after], 0x4242
        hlt
bits 32

        align 4
v_mark:     dw 0
v_io_ok:    dw 0
v_fl1:      dw 0
v_fl2:      dw 0
v_fl3:      dw 0
v_after:    dw 0
ih_count:   dd 0
ih_eip:     dd 0
ih_cs:      dd 0
ih_efl:     dd 0
ih_esp:     dd 0
ih_ds:      dd 0
ih_gs:      dd 0
ih_hds:     dd 0
ih_hds_tmp: dd 0
ih_tesp:    dd 0
