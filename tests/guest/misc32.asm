; misc32.asm - 486/P6 instructions and protection-query instructions.
;  - CMPXCHG8B equal (ZF=1, memory = ECX:EBX) and unequal (ZF=0,
;    EDX:EAX = memory, memory unchanged); CMPXCHG (dword, byte) both ways;
;    XADD register and memory; BSWAP; CMOVcc taken / not taken, register
;    and memory sources;
;  - BT/BTS/BTR/BTC with a register bit offset address memory beyond the
;    operand (dword and word forms, positive and negative offsets); with an
;    immediate the offset wraps within the operand;
;  - SHLD/SHRD by immediate and CL, register and memory, count masked to
;    5 bits, count 0 leaves the flags;
;  - LAR/LSL/VERR/VERW: code, data, conforming, execute-only, read-only,
;    byte/page-granular limits, system descriptors (TSS, LDT, gates: LAR
;    accepts TSS/LDT/call and task gates, LSL only TSS/LDT, neither accepts
;    interrupt/trap gates or a reserved type), null and out-of-limit
;    selectors, RPL and CPL above the DPL;
;  - ARPL (raises RPL, ZF); SGDT/SIDT; SMSW (register and memory);
;  - ENTER with nesting levels 0, 1 and 3 (32-bit stack), and LEAVE.
%include "lib.inc"

%define S_XO        (SEL_FREE + 0x00)   ; execute-only code
%define S_RO        (SEL_FREE + 0x08)   ; read-only data, byte limit 0x1234
%define S_CONF      (SEL_FREE + 0x10)   ; conforming readable code, DPL 0
%define S_PG        (SEL_FREE + 0x18)   ; data, page-granular limit 1
%define S_LDT       (SEL_FREE + 0x20)   ; LDT descriptor
%define S_CGATE     (SEL_FREE + 0x28)   ; call gate
%define S_TGATE     (SEL_FREE + 0x30)   ; task gate
%define S_IGATE     (SEL_FREE + 0x38)   ; interrupt gate (invalid in the GDT)
%define S_TRGATE    (SEL_FREE + 0x40)   ; trap gate (invalid in the GDT)
%define S_RSVD      (SEL_FREE + 0x48)   ; system type 0 (reserved)
%define S_TSS16     (SEL_FREE + 0x50)   ; available 16-bit TSS
%define BIG_SEL     (GDT_ENTRIES * 8)   ; beyond the GDT limit
%define MEM         0x30000
%define STK         0x38000

; ZF_IS value, "what" - the current ZF must be value (0/1); keeps EAX
%macro ZF_IS 2
        push eax
        setz al
        movzx eax, al
        CHECK eax, %1, %2
        pop eax
%endmacro
; CF_IS value, "what"
%macro CF_IS 2
        push eax
        setc al
        movzx eax, al
        CHECK eax, %1, %2
        pop eax
%endmacro

test_main:
        ; ------------------------------------------------ CMPXCHG8B
        mov dword [MEM], 0x11111111
        mov dword [MEM + 4], 0x22222222
        mov eax, 0x11111111
        mov edx, 0x22222222
        mov ebx, 0x33333333
        mov ecx, 0x44444444
        cmpxchg8b [MEM]
        ZF_IS 1, "CMPXCHG8B equal: ZF"
        CHECK [MEM], 0x33333333, "CMPXCHG8B equal: low dword"
        CHECK [MEM + 4], 0x44444444, "CMPXCHG8B equal: high dword"
        mov eax, 0x33333333
        mov edx, 0x55555555             ; high half differs
        mov ebx, 0x66666666
        mov ecx, 0x77777777
        cmpxchg8b [MEM]
        ZF_IS 0, "CMPXCHG8B unequal: ZF"
        CHECK eax, 0x33333333, "CMPXCHG8B unequal: EAX"
        CHECK edx, 0x44444444, "CMPXCHG8B unequal: EDX"
        CHECK [MEM], 0x33333333, "CMPXCHG8B unequal: low dword unchanged"
        CHECK [MEM + 4], 0x44444444, "CMPXCHG8B unequal: high dword unchanged"

        ; ------------------------------------------------ CMPXCHG / XADD / BSWAP
        mov dword [MEM], 100
        mov eax, 100
        mov ecx, 200
        cmpxchg [MEM], ecx
        ZF_IS 1, "CMPXCHG equal: ZF"
        CHECK [MEM], 200, "CMPXCHG equal: memory"
        mov eax, 5
        cmpxchg [MEM], ecx
        ZF_IS 0, "CMPXCHG unequal: ZF"
        CHECK eax, 200, "CMPXCHG unequal: EAX = memory"
        mov ebx, 0x80
        mov eax, 0x12345681             ; AL = 0x81 vs BL = 0x80
        mov dl, 0x7F
        cmpxchg bl, dl
        ZF_IS 0, "CMPXCHG byte unequal: ZF"
        CHECK eax, 0x12345680, "CMPXCHG byte unequal: only AL loaded"
        cmpxchg bl, dl
        ZF_IS 1, "CMPXCHG byte equal: ZF"
        CHECK ebx, 0x7F, "CMPXCHG byte equal: destination"
        mov dword [MEM], 0xFFFFFFFF
        mov ecx, 2
        xadd [MEM], ecx
        CF_IS 1, "XADD memory: CF"
        CHECK [MEM], 1, "XADD memory: sum"
        CHECK ecx, 0xFFFFFFFF, "XADD memory: old value"
        mov eax, 10
        mov ebx, 32
        xadd eax, ebx
        CHECK eax, 42, "XADD register: sum"
        CHECK ebx, 10, "XADD register: old value"
        mov eax, 0x12345678
        bswap eax
        CHECK eax, 0x78563412, "BSWAP EAX"
        mov esi, 0xAABBCCDD
        bswap esi
        CHECK esi, 0xDDCCBBAA, "BSWAP ESI"

        ; ------------------------------------------------ CMOVcc
        mov dword [MEM], 0xC0C0C0C0
        mov eax, 1
        mov ebx, 2
        cmp eax, eax
        cmovz eax, ebx
        CHECK eax, 2, "CMOVZ taken"
        cmp eax, eax                    ; (CHECK changes the flags)
        cmovnz eax, [MEM]
        CHECK eax, 2, "CMOVNZ from memory not taken"
        mov ecx, -5
        cmp ecx, 3                      ; signed less, unsigned above
        cmovl eax, [MEM]
        CHECK eax, 0xC0C0C0C0, "CMOVL from memory taken"
        mov eax, 7
        cmovb eax, ebx
        CHECK eax, 7, "CMOVB not taken (unsigned above)"
        cmp ecx, 3
        cmova eax, ebx
        CHECK eax, 2, "CMOVA taken"
        mov ax, 0x1111
        mov dx, 0x2222
        stc
        cmovc ax, dx
        CHECK eax, 0x2222, "CMOVC 16-bit taken"

        ; ------------------------------------------------ BT family, memory
        mov edi, MEM + 0x100
        mov dword [edi - 8], 0
        mov dword [edi - 4], 0x80000000
        mov dword [edi], 0x00000001
        mov dword [edi + 4], 0x00000008
        mov dword [edi + 8], 0
        mov eax, 35                     ; bit 3 of [edi+4]
        bt [edi], eax
        CF_IS 1, "BT [m], 35: CF"
        mov eax, -1                     ; bit 31 of [edi-4]
        bt [edi], eax
        CF_IS 1, "BT [m], -1: CF"
        mov eax, -33                    ; bit 31 of [edi-8]
        bts [edi], eax
        CF_IS 0, "BTS [m], -33: CF"
        CHECK [edi - 8], 0x80000000, "BTS [m], -33: memory"
        mov eax, 64                     ; bit 0 of [edi+8]
        btc [edi], eax
        CF_IS 0, "BTC [m], 64: CF"
        CHECK [edi + 8], 1, "BTC [m], 64: memory"
        mov eax, 35
        btr [edi], eax
        CF_IS 1, "BTR [m], 35: CF"
        CHECK [edi + 4], 0, "BTR [m], 35: memory"
        CHECK [edi], 1, "BT family: the addressed dword untouched"
        mov ax, -1                      ; word form: bit 15 of [edi-2]
        bt word [edi], ax
        CF_IS 1, "BT word [m], -1: CF"
        mov ax, 16                      ; bit 0 of word [edi+2]
        bts word [edi], ax
        CF_IS 0, "BTS word [m], 16: CF"
        CHECK [edi], 0x00010001, "BTS word [m], 16: memory"
        bts dword [edi], 35             ; immediate: bit 3 of [edi] itself
        CF_IS 0, "BTS [m], imm 35: CF"
        CHECK [edi], 0x00010009, "BTS [m], imm 35: wraps within the dword"
        CHECK [edi + 4], 0, "BTS [m], imm 35: next dword untouched"
        mov eax, 0x100
        mov ecx, 40                     ; register operand: offset mod 32
        bt eax, ecx
        CF_IS 1, "BT reg, 40 (mod 32)"

        ; ------------------------------------------------ SHLD / SHRD
        mov eax, 0x12345678
        mov ebx, 0x9ABCDEF0
        shld eax, ebx, 8
        CHECK eax, 0x3456789A, "SHLD imm 8"
        mov eax, 0x12345678
        mov cl, 36                      ; masked to 4
        shrd eax, ebx, cl
        CHECK eax, 0x01234567, "SHRD CL=36 (masked to 4)"
        mov dword [MEM], 0x80000001
        mov ebx, 0xFFFFFFFF
        shld [MEM], ebx, 1
        CF_IS 1, "SHLD memory: CF = last bit out"
        CHECK [MEM], 0x00000003, "SHLD memory by 1"
        mov dword [MEM], 0x80000001
        xor ebx, ebx
        mov cl, 1
        shrd [MEM], ebx, cl
        CF_IS 1, "SHRD memory: CF"
        CHECK [MEM], 0x40000000, "SHRD memory by CL=1"
        mov eax, 0x55
        stc
        mov cl, 32                      ; masked to 0: nothing changes
        shld eax, ebx, cl
        CF_IS 1, "SHLD count 0: CF kept"
        CHECK eax, 0x55, "SHLD count 0: destination kept"
        mov ax, 0x1234
        mov bx, 0xABCD
        shld ax, bx, 4
        CHECK eax, 0x0000234A, "SHLD 16-bit imm 4"

        ; ------------------------------------------------ LAR / LSL / VERR / VERW
        GDT_DESC S_XO, 0, 0xFFFFF, 0x98, 0xC
        GDT_DESC S_RO, 0, 0x1234, 0x90, 0x4
        GDT_DESC S_CONF, 0, 0xFFFFF, 0x9E, 0xC
        GDT_DESC S_PG, 0, 0x1, 0x92, 0xC
        GDT_DESC S_LDT, 0x40000, 0x37, 0x82, 0
        GDT_GATE S_CGATE, SEL_CODE0, 0x00AB1234, GATE_CALL32, 2
        GDT_GATE S_TGATE, SEL_TSS0, 0, GATE_TASK
        GDT_GATE S_IGATE, SEL_CODE0, 0x1000, GATE_INT32
        GDT_GATE S_TRGATE, SEL_CODE0, 0x1000, GATE_TRAP32
        GDT_DESC S_RSVD, 0, 0xFFFF, 0x80, 0
        GDT_DESC S_TSS16, 0x40100, 0x2B, ACC_TSS16, 0

        mov eax, 0xDEAD
        lar eax, word [sel_xo]               ; memory source
        ZF_IS 1, "LAR execute-only code: ZF"
        and eax, 0x00F0FF00
        CHECK eax, 0x00C09800, "LAR execute-only code"
        mov ebx, S_RO
        lar eax, ebx
        ZF_IS 1, "LAR read-only data: ZF"
        and eax, 0x00F0FF00
        CHECK eax, 0x00409000, "LAR read-only data"
        lsl eax, ebx
        ZF_IS 1, "LSL byte-granular: ZF"
        CHECK eax, 0x1234, "LSL byte-granular"
        mov ebx, S_PG
        lsl eax, ebx
        CHECK eax, 0x1FFF, "LSL page-granular limit 1"
        mov ebx, SEL_DATA0
        lsl eax, ebx
        CHECK eax, 0xFFFFFFFF, "LSL flat"
        mov ebx, S_LDT
        lar eax, ebx
        ZF_IS 1, "LAR LDT: ZF"
        and eax, 0x0000FF00
        CHECK eax, 0x8200, "LAR LDT"
        lsl eax, ebx
        ZF_IS 1, "LSL LDT: ZF"
        CHECK eax, 0x37, "LSL LDT"
        mov ebx, SEL_TSS0               ; busy 32-bit TSS
        lar eax, ebx
        ZF_IS 1, "LAR busy TSS: ZF"
        and eax, 0x0000FF00
        CHECK eax, 0x8B00, "LAR busy TSS"
        lsl eax, ebx
        ZF_IS 1, "LSL busy TSS: ZF"
        CHECK eax, TSS0_LIMIT, "LSL busy TSS"
        mov ebx, S_TSS16
        lsl eax, ebx
        ZF_IS 1, "LSL 16-bit TSS: ZF"
        CHECK eax, 0x2B, "LSL 16-bit TSS"
        mov ebx, S_CGATE
        lar eax, ebx
        ZF_IS 1, "LAR call gate: ZF"
        and eax, 0x0000FF00
        CHECK eax, 0x8C00, "LAR call gate"
        mov ecx, 0x5555
        lsl ecx, ebx
        ZF_IS 0, "LSL call gate: ZF"
        CHECK ecx, 0x5555, "LSL call gate: destination unchanged"
        mov ebx, S_TGATE
        lar eax, ebx
        ZF_IS 1, "LAR task gate: ZF"
        lsl eax, ebx
        ZF_IS 0, "LSL task gate: ZF"
        mov ecx, 0x6666
        mov ebx, S_IGATE
        lar ecx, ebx
        ZF_IS 0, "LAR interrupt gate: ZF"
        mov ebx, S_TRGATE
        lar ecx, ebx
        ZF_IS 0, "LAR trap gate: ZF"
        mov ebx, S_RSVD
        lar ecx, ebx
        ZF_IS 0, "LAR reserved system type: ZF"
        lsl ecx, ebx
        ZF_IS 0, "LSL reserved system type: ZF"
        xor ebx, ebx
        lar ecx, ebx
        ZF_IS 0, "LAR null selector: ZF"
        mov ebx, BIG_SEL
        lar ecx, ebx
        ZF_IS 0, "LAR beyond the GDT limit: ZF"
        lsl ecx, ebx
        ZF_IS 0, "LSL beyond the GDT limit: ZF"
        CHECK ecx, 0x6666, "LAR/LSL failures leave the destination"
        mov ebx, S_RO | 3               ; RPL 3 > DPL 0
        lar ecx, ebx
        ZF_IS 0, "LAR with RPL > DPL: ZF"
        mov ebx, S_CONF | 3             ; conforming: no privilege check
        lar ecx, ebx
        ZF_IS 1, "LAR conforming code with RPL 3: ZF"

        mov ax, SEL_CODE0
        verr ax
        ZF_IS 1, "VERR readable code"
        mov ax, S_XO
        verr ax
        ZF_IS 0, "VERR execute-only code"
        mov ax, S_RO
        verr ax
        ZF_IS 1, "VERR read-only data"
        verw ax
        ZF_IS 0, "VERW read-only data"
        mov ax, SEL_DATA0
        verw ax
        ZF_IS 1, "VERW writable data"
        mov ax, SEL_CODE0
        verw ax
        ZF_IS 0, "VERW code"
        mov ax, SEL_TSS0
        verr ax
        ZF_IS 0, "VERR TSS"
        xor eax, eax
        verr ax
        ZF_IS 0, "VERR null"
        mov ax, BIG_SEL
        verw ax
        ZF_IS 0, "VERW beyond the GDT limit"
        verr word [sel_conf]
        ZF_IS 1, "VERR conforming readable code (memory operand)"

        RING3_BEGIN
        mov ebx, SEL_DATA0
        lar ecx, ebx
        ZF_IS 0, "ring 3: LAR of a DPL-0 data segment"
        lsl ecx, ebx
        ZF_IS 0, "ring 3: LSL of a DPL-0 data segment"
        mov ebx, SEL_TSS0
        lar ecx, ebx
        ZF_IS 0, "ring 3: LAR of a DPL-0 TSS"
        mov ebx, SEL_DATA3
        lsl ecx, ebx
        ZF_IS 1, "ring 3: LSL of a DPL-3 data segment"
        mov ebx, S_CONF
        lar ecx, ebx
        ZF_IS 1, "ring 3: LAR of DPL-0 conforming code"
        mov ax, SEL_DATA0
        verr ax
        ZF_IS 0, "ring 3: VERR of a DPL-0 data segment"
        mov ax, S_CONF
        verr ax
        ZF_IS 1, "ring 3: VERR of DPL-0 conforming readable code"
        mov ax, SEL_DATA3
        verw ax
        ZF_IS 1, "ring 3: VERW of a DPL-3 data segment"
        RING3_END

        ; ------------------------------------------------ ARPL
        xor eax, eax
        mov ax, 0x0010
        mov bx, 0x0023
        arpl ax, bx
        ZF_IS 1, "ARPL raises RPL: ZF"
        CHECK eax, 0x0013, "ARPL raises RPL"
        mov bx, 0x0001
        arpl ax, bx
        ZF_IS 0, "ARPL with a lower source RPL: ZF"
        CHECK eax, 0x0013, "ARPL with a lower source RPL keeps it"
        mov word [MEM], 0x0028
        mov word [MEM + 2], 0xBEEF
        mov cx, 0x0002
        arpl [MEM], cx
        ZF_IS 1, "ARPL memory: ZF"
        CHECK [MEM], 0xBEEF002A, "ARPL memory writes only the word"

        ; ------------------------------------------------ SGDT / SIDT / SMSW
        mov dword [MEM], 0xFFFFFFFF
        mov dword [MEM + 4], 0xFFFFFFFF
        sgdt [MEM]
        movzx eax, word [MEM]
        movzx ebx, word [gdt_ptr]
        CHECK eax, ebx, "SGDT limit"
        mov eax, [MEM + 2]
        CHECK eax, [gdt_ptr + 2], "SGDT base"
        movzx eax, word [MEM + 6]
        CHECK eax, 0xFFFF, "SGDT stores 6 bytes"
        sidt [MEM]
        movzx eax, word [MEM]
        CHECK eax, 256*8 - 1, "SIDT limit"
        CHECK [MEM + 2], idt, "SIDT base"
        mov eax, cr0
        mov ebx, eax
        and ebx, 0xFFFF
        mov ecx, 0xFFFFFFFF
        smsw ecx
        and ecx, 0xFFFF
        CHECK ecx, ebx, "SMSW r32 (low 16 bits)"
        mov dword [MEM], 0xFFFFFFFF
        smsw [MEM]
        mov eax, ebx
        or eax, 0xFFFF0000
        CHECK [MEM], eax, "SMSW m16 writes a word"

        ; ------------------------------------------------ ENTER / LEAVE
        mov [saved_esp], esp
        mov dword [MEM + 0x1FC], 0xD1D1D1D1     ; display entries below EBP
        mov dword [MEM + 0x1F8], 0xD2D2D2D2
        mov dword [MEM + 0x1F4], 0xD3D3D3D3
        mov ebp, MEM + 0x200
        mov esp, STK
        enter 16, 0
        CHECK ebp, STK - 4, "ENTER 16,0: EBP"
        mov eax, esp
        CHECK eax, STK - 4 - 16, "ENTER 16,0: ESP"
        CHECK [STK - 4], MEM + 0x200, "ENTER 16,0: old EBP pushed"
        leave
        CHECK ebp, MEM + 0x200, "LEAVE after ENTER 16,0: EBP"
        mov eax, esp
        CHECK eax, STK, "LEAVE after ENTER 16,0: ESP"
        enter 8, 1
        CHECK ebp, STK - 4, "ENTER 8,1: EBP"
        mov eax, esp
        CHECK eax, STK - 8 - 8, "ENTER 8,1: ESP"
        CHECK [STK - 8], STK - 4, "ENTER 8,1: frame pointer pushed"
        leave
        enter 0x20, 3
        CHECK ebp, STK - 4, "ENTER 32,3: EBP"
        mov eax, esp
        CHECK eax, STK - 16 - 0x20, "ENTER 32,3: ESP"
        CHECK [STK - 4], MEM + 0x200, "ENTER 32,3: old EBP"
        CHECK [STK - 8], 0xD1D1D1D1, "ENTER 32,3: display entry 1"
        CHECK [STK - 12], 0xD2D2D2D2, "ENTER 32,3: display entry 2"
        CHECK [STK - 16], STK - 4, "ENTER 32,3: frame pointer"
        leave
        CHECK ebp, MEM + 0x200, "LEAVE after ENTER 32,3: EBP"
        mov esp, [saved_esp]
        ret

        align 4
saved_esp:  dd 0
sel_xo:     dw S_XO
sel_conf:   dw S_CONF
