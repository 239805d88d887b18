; exceptions_strict.asm - checks that QEMU's TCG does not implement (segment
; limit and type checks on memory accesses, #AC, LOCK MOV -> #UD); they are
; validated on bochs only.  Real CPUs and tarsier must pass them.
;   #GP(0)  access through a null ES; write through CS; write to a read-only
;           data segment; dword / byte beyond a byte-granular limit; read at
;           or below the limit of an expand-down data segment
;   #SS(0)  EBP-based operand beyond the SS limit (ring 0, same stack);
;           ring-3 PUSH below an expand-down stack's limit (ESP unchanged,
;           delivered on the ring-0 stack)
;   #UD     LOCK MOV
;   #PF     PAE PTE with bit 63 (NX) set while EFER.NXE=0: error code 9
;           (P|RSVD; QEMU 7.2 reports 8)
;   #AC(0)  CR0.AM=1, EFLAGS.AC=1, ring 3: misaligned dword and word reads,
;           misaligned write; no fault for byte accesses, with AC=0, with
;           AM=0, or at ring 0
%include "lib.inc"

%define SEL_D20K    (SEL_FREE)          ; data, base 0x20000, limit 0xFFF
%define SEL_RO      (SEL_FREE+0x08)     ; read-only data, flat
%define SEL_EXPD    (SEL_FREE+0x10)     ; expand-down data, limit 0x6FFFF
%define SEL_SSLIM   (SEL_FREE+0x18)     ; stack, base 0, limit 0x8FFFF (bytes)
%define SEL_EXPD3   (SEL_FREE+0x20)     ; ring-3 expand-down stack, limit 0x6FFFF

test_main:
        GDT_DESC SEL_D20K, 0x20000, 0xFFF, ACC_DATA0, 0x4
        GDT_DESC SEL_RO, 0, 0xFFFFF, 0x90, 0xC
        GDT_DESC SEL_EXPD, 0, 0x6FFFF, 0x96, 0x4
        GDT_DESC SEL_SSLIM, 0, 0x8FFFF, ACC_DATA0, 0x4
        GDT_DESC SEL_EXPD3, 0, 0x6FFFF, 0xF6, 0x4

        ; ------------------------------------------------------------ #GP(0)
        xor eax, eax
        mov es, ax                      ; loading null is fine...
        FAULT 13, 0, mov ebx, [es:0x1000] ; ...using it is not
        mov ax, SEL_DATA0
        mov es, ax
        FAULT 13, 0, mov [cs:scratch], eax
        mov ebx, [cs:scratch]           ; code segment is readable
        mov ax, SEL_RO
        mov gs, ax
        mov ebx, [gs:scratch]           ; reading is fine
        FAULT 13, 0, mov [gs:scratch], ebx
        mov ax, SEL_D20K
        mov gs, ax
        mov ebx, [gs:0xFFC]             ; last dword inside the limit
        FAULT 13, 0, mov ebx, [gs:0xFFE]
        FAULT 13, 0, mov bl, [gs:0x1000]
        mov ax, SEL_EXPD
        mov gs, ax
        mov ebx, [gs:0x70000]           ; above the limit: valid
        FAULT 13, 0, mov ebx, [gs:0x6FFFF]
        FAULT 13, 0, mov ebx, [gs:0x6FFFE] ; straddles the limit
        mov ax, SEL_DATA0
        mov gs, ax

        ; ------------------------------------------------------------ #SS(0)
        mov ax, SEL_SSLIM
        mov ss, ax                      ; same base, limit 0x8FFFF: ESP fits
        mov ebp, 0x90000
        FAULT 12, 0, mov eax, [ebp]     ; EBP-based: SS segment
        mov ebp, 0x8FFFC
        mov eax, [ebp]                  ; inside the limit
        FAULT 12, 0, mov eax, [ebp+2]
        mov ax, SEL_DATA0
        mov ss, ax

        ; ------------------------------------------------------------ #UD
        FAULT 6, 0, db 0xF0, 0x8B, 0x05, 0x00, 0x00, 0x02, 0x00 ; LOCK MOV EAX,[0x20000]

        ; ------------------------------------------------------------ ring 3
        RING3_BEGIN
        mov ax, SEL_EXPD3 | 3
        mov ss, ax
        mov esp, 0x70008
        push eax
        push eax                        ; ESP = 0x70000
        FAULT 12, 0, push eax           ; would write 0x6FFFC
        mov eax, esp
        mov cx, SEL_DATA3
        mov ss, cx
        mov esp, STACK3_TOP
        CHECK eax, 0x70000, "ESP unchanged by a faulting PUSH"
        mov eax, [0x20001]              ; AM=0: no alignment checking yet
        RING3_END

        ; ------------------------------------------------------------ #AC
        mov eax, cr0
        or eax, 1 << 18                 ; CR0.AM
        mov cr0, eax
        pushfd
        or dword [esp], FL_AC
        popfd
        mov eax, [0x20001]              ; CPL 0: never checked
        RING3_BEGIN IOPL3 | FL_AC | 2
        mov ebx, 0x20001
        FAULT 17, 0, mov eax, [ebx]
        FAULT 17, 0, mov ax, [ebx]
        FAULT 17, 0, mov dword [0x20006], 0
        mov al, [ebx]                   ; bytes are always aligned
        mov eax, [0x20004]              ; aligned dword
        mov ax, [0x20002]               ; aligned word
        pushfd
        and dword [esp], ~FL_AC
        popfd
        mov eax, [ebx]                  ; AC=0: no check
        RING3_END
        mov eax, cr0
        and eax, ~(1 << 18)
        mov cr0, eax
        RING3_BEGIN IOPL3 | FL_AC | 2
        mov eax, [0x20001]              ; AM=0: no check
        RING3_END

        ; ------------------------------------------------------------ PAE RSVD
        call pae_tables_init
        mov dword [0x112000 + 0*8], 0x200000 | 7
        mov dword [0x112000 + 1*8], 0x201000 | 7        ; bit 63 set: reserved
        mov dword [0x112000 + 1*8 + 4], 0x80000000
        call pae_paging_on
        mov eax, [0x200000]
        FAULT 14, 9, mov eax, [0x201000]
        CHECK [exc_last_cr2], 0x201000, "CR2 for a reserved-bit PAE PTE"
        FAULT 14, 0xB, mov dword [0x201010], 0
        call pae_paging_off
        ret

        align 4
scratch:    dd 0
