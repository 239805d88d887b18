; exceptions.asm - exception vectors, error codes, faulting EIP and CR2.
;
; Every case runs one instruction under FAULT (lib.inc), which checks the
; vector, the error code and that the saved EIP points at the faulting
; instruction (or, for traps, after it), then resumes after it.
;   #DE  DIV by zero, IDIV overflow
;   #BP  INT3 (trap: EIP after), #OF INTO with OF=1
;   #BR  BOUND out of range (and no fault in range)
;   #UD  UD2, FF /7, MOV CR1, LOCK NOP, LOCK on a register destination
;   #GP  selector beyond the GDT limit (err = selector), system descriptor
;        or execute-only code into DS (err = selector), read-only data into
;        SS (selector), null SS (err 0), INT beyond the IDT limit (vec*8+2),
;        ring-3: HLT, MOV CR3, CLI with IOPL 0, IN with IOPL 0 and a denied
;        port, LGDT, loading a DPL-0 data segment (err = selector)
;   #NP  data segment not present (err = selector), far JMP to a
;        not-present code segment, INT through a not-present gate (vec*8+2)
;   #SS  SS loaded with a not-present segment (selector)
;   #TS  task switch to a TSS whose limit is below 0x67 (selector), IRET
;        with NT=1 to a back link whose TSS is not busy (selector)
;   #PF  ring-0 read / write of a not-present page (0 / 2), ring-3 read of
;        a supervisor page (5), ring-3 write to a read-only page (7), ring-3
;        read of a not-present page (4), instruction fetch from a not-present
;        page (0, EIP = CR2 = target); CR2 checked each time
; Segment limit/type checks on memory accesses, #SS(0), #AC and LOCK MOV
; live in exceptions_strict.asm: QEMU's TCG implements none of them.
%include "lib.inc"

%define SEL_RO      (SEL_FREE+0x08)     ; read-only data
%define SEL_XO      (SEL_FREE+0x10)     ; execute-only code
%define SEL_NPD     (SEL_FREE+0x18)     ; not-present data
%define SEL_NPC     (SEL_FREE+0x20)     ; not-present code
%define SEL_TSSBAD  (SEL_FREE+0x38)     ; TSS with limit 0x40
%define SEL_BIG     (GDT_ENTRIES*8)     ; first selector beyond the GDT limit

test_main:
        ; ------------------------------------------------------------ #DE
        xor edx, edx
        mov eax, 100
        xor ecx, ecx
        FAULT 0, 0, div ecx
        mov edx, 0xFFFFFFFF
        mov eax, 0x80000000             ; EDX:EAX = -2^31
        mov ecx, 0xFFFFFFFF
        FAULT 0, 0, idiv ecx            ; quotient 2^31 overflows
        mov ax, 1000
        mov bl, 2
        FAULT 0, 0, div bl              ; quotient 500 > 255

        ; ------------------------------------------------------------ #BP / #OF
        EXPECT 3, 0, .after_int3, .after_int3
        int3
.after_int3:
        EXPECT_TAKEN
        mov al, 0x7F
        add al, 1                       ; OF=1
        EXPECT 4, 0, .after_into, .after_into
        into
.after_into:
        EXPECT_TAKEN

        ; ------------------------------------------------------------ #BR
        mov eax, 10
        bound eax, [bounds]             ; 5 <= 10 <= 20: no fault
        mov eax, 21
        FAULT 5, 0, bound eax, [bounds]
        mov eax, 4
        FAULT 5, 0, bound eax, [bounds]

        ; ------------------------------------------------------------ #UD
        FAULT 6, 0, ud2
        FAULT 6, 0, db 0xFF, 0xF8       ; FF /7 is undefined
        FAULT 6, 0, mov cr1, eax
        FAULT 6, 0, db 0xF0, 0x90       ; LOCK NOP
        FAULT 6, 0, db 0xF0, 0x01, 0xC0 ; LOCK ADD EAX, EAX (register dest.)
        lock add [scratch], eax         ; lockable: no fault

        ; ------------------------------------------------------------ #GP
        GDT_DESC SEL_RO, 0, 0xFFFFF, 0x90, 0xC
        GDT_DESC SEL_XO, 0, 0xFFFFF, 0x98, 0xC
        GDT_DESC SEL_NPD, 0, 0xFFFFF, 0x12, 0xC
        GDT_DESC SEL_NPC, 0, 0xFFFFF, 0x1A, 0xC
        mov ax, SEL_BIG
        FAULT 13, SEL_BIG, mov ds, ax
        mov ax, SEL_BIG | 3
        FAULT 13, SEL_BIG, mov es, ax   ; RPL is not part of the error code
        mov ax, SEL_TSS0
        FAULT 13, SEL_TSS0, mov ds, ax
        mov ax, SEL_XO
        FAULT 13, SEL_XO, mov fs, ax
        mov ax, SEL_RO
        FAULT 13, SEL_RO, mov ss, ax    ; SS must be writable
        xor eax, eax
        FAULT 13, 0, mov ss, ax
        mov ax, SEL_DATA0
        ; INT beyond the IDT limit
        mov word [idt_small], 0x40*8 - 1
        mov dword [idt_small+2], idt
        lidt [idt_small]
        FAULT 13, 0x50*8 + 2, int 0x50
        lidt [idt_ptr]

        ; ------------------------------------------------------------ #NP
        mov ax, SEL_NPD
        FAULT 11, SEL_NPD, mov ds, ax
        FAULT 11, SEL_NPC, jmp SEL_NPC:0
        IDT_GATE 0x80, 0, 0x0E          ; 32-bit interrupt gate, P=0
        FAULT 11, 0x80*8 + 2, int 0x80

        ; ------------------------------------------------------------ #SS
        mov ax, SEL_NPD
        FAULT 12, SEL_NPD, mov ss, ax   ; not-present stack segment: #SS(sel)

        ; ------------------------------------------------------------ #TS
        GDT_DESC SEL_TSSBAD, tss1, 0x40, ACC_TSS, 0
        FAULT 10, SEL_TSSBAD, jmp SEL_TSSBAD:0
        GDT_DESC SEL_TSS1, tss1, 0x67, ACC_TSS, 0   ; available, not busy
        mov word [tss0+TSS_LINK], SEL_TSS1
        pushfd
        or dword [esp], FL_NT
        popfd
        FAULT 10, SEL_TSS1, iretd
        pushfd
        and dword [esp], ~FL_NT
        popfd

        ; ------------------------------------------------------------ ring 3
        RING3_BEGIN 2                   ; IOPL 0
        FAULT 13, 0, hlt
        FAULT 13, 0, mov cr3, eax
        FAULT 13, 0, cli
        FAULT 13, 0, in al, 0x80
        FAULT 13, 0, lgdt [gdt_ptr]
        mov ax, SEL_DATA0
        FAULT 13, SEL_DATA0, mov ds, ax
        mov ax, SEL_DATA0 | 3
        FAULT 13, SEL_DATA0, mov es, ax
        RING3_END

        ; ------------------------------------------------------------ #PF
        call paging_identity_init
        mov dword [PTE_ADDR(0x400000)], 0                ; not present
        mov dword [PTE_ADDR(0x401000)], 0x401000 | PTE_P | PTE_W   ; supervisor
        mov dword [PTE_ADDR(0x402000)], 0x402000 | PTE_P | PTE_U   ; user, read-only
        mov dword [PTE_ADDR(0x403000)], 0                ; not present (code)
        call paging_on
        FAULT 14, 0, mov eax, [0x400010]
        CHECK [exc_last_cr2], 0x400010, "CR2 for a not-present read"
        FAULT 14, 2, mov dword [0x400FFC], 1
        CHECK [exc_last_cr2], 0x400FFC, "CR2 for a not-present write"
        FAULT 14, 2, mov dword [0x3FFFFE], 1             ; straddles into the hole
        CHECK [exc_last_cr2], 0x400000, "CR2 for a write straddling into a not-present page"
        mov eax, [0x401000]                              ; supervisor page is fine at CPL 0
        mov dword [0x402000], 0x5A5A                     ; WP=0: ring 0 may write a read-only page
        RING3_BEGIN
        FAULT 14, 5, mov eax, [0x401234]
        CHECK [exc_last_cr2], 0x401234, "CR2 for a ring-3 read of a supervisor page"
        mov eax, [0x402000]
        CHECK eax, 0x5A5A, "ring-3 read of a read-only user page"
        FAULT 14, 7, mov dword [0x402008], 1
        CHECK [exc_last_cr2], 0x402008, "CR2 for a ring-3 write to a read-only page"
        FAULT 14, 4, mov eax, [0x400100]
        CHECK [exc_last_cr2], 0x400100, "CR2 for a ring-3 not-present read"
        RING3_END
        EXPECT 14, 0, 0x403000, .fetch_back
        mov eax, 0x403000
        jmp eax
.fetch_back:
        EXPECT_TAKEN
        CHECK [exc_last_cr2], 0x403000, "CR2 for an instruction fetch fault"
        call paging_off
        ret

        align 8
bounds:     dd 5, 20
scratch:    dd 0
idt_small:  dw 0
            dd 0
