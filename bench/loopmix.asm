; loopmix.asm - tarsier interpreter-speed benchmark ROM.
;
; Build:  nasm -f bin [-DITERS=n] -o loopmix.bin loopmix.asm
;
; A bare 64 KiB ROM (no BIOS).  The image is mapped at 0xF0000 and aliased at
; 0xFFFF0000; the CPU starts at the reset vector F000:FFF0 in real mode.  The
; ROM:
;   1. loads a GDT and enters 32-bit protected mode (flat 4 GiB code and data
;      segments, paging off, interrupts off);
;   2. copies its hot code block (1 KiB) from ROM to RAM at HOT_RAM and jumps
;      there, so that the timed loop runs from ordinary RAM as real software
;      does;
;   3. fills a 4 KiB array of dwords in RAM;
;   4. runs the loop mix ITERS times: ALU ops, loads, stores and a
;      read-modify-write on the array, a byte load, data-dependent branches
;      (taken or not, both paths the same length), a counted inner loop
;      (taken 3 times, not taken once), always-taken / never-taken branches,
;      CALL/RET and PUSH/POP;
;   5. folds the registers and the array into a 32-bit checksum and writes
;      "SUM=xxxxxxxx\nDONE\n" (lower-case hex) to the debug console port 0xE9;
;   6. asks the emulator to stop: "Shutdown" to the Bochs shutdown port 0x8900,
;      then a write of 0 to port 0xF4 (QEMU isa-debug-exit; tarsier implements
;      it too: exit status (0 << 1) | 1 = 1), then CLI; HLT (tarsier
;      -exit-on-halt).
;
; Only i386 instructions are used (no CMOV, no string instructions, no FPU).
; Only well-defined flags are consumed, so every correct emulator must print
; the same checksum.
;
; Guest instruction count
; -----------------------
; Every instruction below has its executed count written next to it, in one of
; two forms: "; [n]" = executed n times in the whole run outside the loop, and
; "; <n>" = executed n times per loop iteration.  Both paths of every
; data-dependent branch have the same length, so the count does not depend on
; the data.  The total, counting every instruction from the reset-vector JMP
; up to and including the final HLT, is
;
;     insns = FIXED + PER_ITER * ITERS
;
;   PER_ITER = 7 (load/ALU/store) + 4 (branch on data) + 1+10 (CALL, mix_fn)
;              + 6 (RMW, byte load) + 1+4*4 (inner loop) + 5 (never/always
;              taken branches) + 4 (branch on parity) + 2 (DEC/JNZ)
;            = 56
;   FIXED    = 1+6 (reset JMP, real mode)
;              + 6+3+6*256+1 (segments, stack, copy 1 KiB to RAM, JMP)
;              + 3+6*1024 (array fill) + 6 (loop setup)
;              + 4+5*1024+1 (checksum fold)
;              + 3+(6*4+4) (print "SUM=") + 1+7*8 (8 hex digits)
;              + 2+(6*6+4) (print "\nDONE\n") + 3+(6*8+4) (print "Shutdown")
;              + 4 (MOV, OUT 0xF4, CLI, HLT)
;            = 7 + 1546 + 6147 + 6 + 5125 + 31 + 57 + 42 + 55 + 4
;            = 13020
;
; The bench script reads this line (keep it in sync with the code):
;
; BENCH-FORMULA: FIXED=13020 PER_ITER=56
;
; It holds for every ITERS >= 0 (with ITERS = 0 the JZ before the loop is
; taken instead of falling through, same count).  `run_bench.sh --verify-count`
; checks it against QEMU's single-stepped instruction trace and Bochs's tick
; counter for ITERS = 0, 1 and 7 (both match exactly).
;
; An emulator that exits at the 0x8900 or 0xF4 write rather than at HLT stops
; 11 (Bochs, at the 8th 0x8900 OUT) or 2 (QEMU, at the 0xF4 OUT) instructions
; early; at the default ITERS that is < 2e-8 of the
; total.

%ifndef ITERS
%define ITERS 15000000
%endif

ARRAY       equ 0x10000         ; 1024 dwords of RAM (one page)
ARRAY_N     equ 1024
HOT_RAM     equ 0x20000         ; where the hot block runs
HOT_SIZE    equ 1024            ; bytes copied; the block is padded to this
HOT_ROM_OFF equ 0x400           ; its offset in the image
STACK_TOP   equ 0x90000
ROM_BASE    equ 0xF0000

; ---------------------------------------------------------------------------
; Real-mode start (CS = F000, offsets from 0xF0000)
; ---------------------------------------------------------------------------
section real16 start=0 vstart=0
bits 16
init16:
        cli                             ; [1]
        lgdt [cs:gdtr]                  ; [1]
        mov eax, cr0                    ; [1]
        or al, 1                        ; [1]
        mov cr0, eax                    ; [1]
        jmp dword 0x08:pm_entry         ; [1]   (+1: the reset-vector JMP)

align 8
gdt:
        dq 0                            ; null
        dq 0x00CF9A000000FFFF           ; 0x08: code, base 0, limit 4 GiB, 32-bit
        dq 0x00CF92000000FFFF           ; 0x10: data, base 0, limit 4 GiB
gdt_end:
gdtr:
        dw gdt_end - gdt - 1
        dd ROM_BASE + gdt

; ---------------------------------------------------------------------------
; 32-bit boot: segments, stack, copy the hot block to RAM
; ---------------------------------------------------------------------------
section boot32 start=0x100 vstart=ROM_BASE+0x100
bits 32
pm_entry:
        mov ax, 0x10                    ; [1]
        mov ds, ax                      ; [1]
        mov es, ax                      ; [1]
        mov ss, ax                      ; [1]
        mov esp, STACK_TOP              ; [1]
        cld                             ; [1]
        mov esi, ROM_BASE + HOT_ROM_OFF ; [1]
        mov edi, HOT_RAM                ; [1]
        mov ecx, HOT_SIZE / 4           ; [1]
.copy:
        mov eax, [esi]                  ; [256]
        mov [edi], eax                  ; [256]
        add esi, 4                      ; [256]
        add edi, 4                      ; [256]
        dec ecx                         ; [256]
        jnz .copy                       ; [256]
        jmp HOT_RAM                     ; [1]

; ---------------------------------------------------------------------------
; Hot block: runs from RAM at HOT_RAM
; ---------------------------------------------------------------------------
section hot start=HOT_ROM_OFF vstart=HOT_RAM
bits 32
hot_start:
        ; fill the array: a[k] = x_k, x_0 = 0x12345678, x_{k+1} = rol(x_k + 0x9E3779B9, 7)
        mov edi, ARRAY                  ; [1]
        xor ecx, ecx                    ; [1]
        mov eax, 0x12345678             ; [1]
.fill:
        mov [edi+ecx*4], eax            ; [1024]
        add eax, 0x9E3779B9             ; [1024]
        rol eax, 7                      ; [1024]
        inc ecx                         ; [1024]
        cmp ecx, ARRAY_N                ; [1024]
        jne .fill                       ; [1024]

        ; loop state: esi = iterations left, ebx/edx/ebp = accumulators,
        ; edi = array base
        mov esi, ITERS                  ; [1]
        mov ebx, 0x0BADF00D             ; [1]
        mov edx, 0x811C9DC5             ; [1]
        xor ebp, ebp                    ; [1]
        test esi, esi                   ; [1]
        jz loop_done                    ; [1]   (taken only when ITERS = 0)

main_loop:
        ; --- load / ALU / store on a[i & 1023]                      (7)
        mov ecx, esi                    ; <1>
        and ecx, ARRAY_N - 1            ; <1>
        mov eax, [edi+ecx*4]            ; <1>  load
        add eax, esi                    ; <1>
        xor eax, ebx                    ; <1>
        rol eax, 5                      ; <1>
        mov [edi+ecx*4], eax            ; <1>  store
        ; --- data-dependent branch; either path runs 4 instructions (4)
        test al, 0x10                   ; <1>
        jz .b1_zero                     ; <1>  taken about half the time
        add ebx, eax                    ;  \ not taken: add, jmp
        jmp short .b1_join              ;  /
.b1_zero:
        sub ebx, eax                    ;  \ taken: sub, xor
        xor ebx, 0x5A5A5A5A             ;  /                        <2>
.b1_join:
        ; --- call a leaf function                                   (1+10)
        call mix_fn                     ; <1>  + <10> in mix_fn
        ; --- read-modify-write at a data-dependent index, byte load (6)
        mov ecx, eax                    ; <1>
        shr ecx, 3                      ; <1>
        and ecx, ARRAY_N - 1            ; <1>
        add [edi+ecx*4], edx            ; <1>  RMW
        movzx eax, byte [edi+ecx*4+1]   ; <1>  byte load
        add ebp, eax                    ; <1>
        ; --- counted inner loop: jnz taken 3 times, not taken once  (17)
        mov ecx, 4                      ; <1>
.inner:
        add edx, ebx                    ; <4>
        rol edx, 1                      ; <4>
        dec ecx                         ; <4>
        jnz .inner                      ; <4>
        ; --- never-taken and always-taken conditional branches      (5)
        cmp esi, 0                      ; <1>
        je .never                       ; <1>  never taken (esi >= 1 here)
        sub ebp, ebx                    ; <1>
        test ecx, ecx                   ; <1>  ecx = 0 after the inner loop
        jz .always                      ; <1>  always taken
.never:
        hlt                             ;      never executed
.always:
        ; --- branch on the parity of i; either path 4 instructions  (4)
        test esi, 1                     ; <1>
        jnz .odd                        ; <1>  taken every other iteration
        or ebx, 1                       ;  \ not taken: or, jmp
        jmp short .b2_join              ;  /
.odd:
        xor ebx, ebp                    ;  \ taken: xor, nop
        nop                             ;  /                        <2>
.b2_join:
        ; --- loop control                                           (2)
        dec esi                         ; <1>
        jnz main_loop                   ; <1>
        ; per iteration: 7 + 4 + 11 + 6 + 17 + 5 + 4 + 2 = 56

loop_done:
        ; checksum = fold((ebx ^ edx) + ebp, array)
        mov eax, ebx                    ; [1]
        xor eax, edx                    ; [1]
        add eax, ebp                    ; [1]
        xor ecx, ecx                    ; [1]
.fold:
        add eax, [edi+ecx*4]            ; [1024]
        rol eax, 3                      ; [1024]
        inc ecx                         ; [1024]
        cmp ecx, ARRAY_N                ; [1024]
        jne .fold                       ; [1024]
        mov ebx, eax                    ; [1]

        mov dx, 0xE9                    ; [1]
        mov esi, str_sum                ; [1]
        call print                      ; [1]  + print "SUM=": 6*4+4 = [28]
        mov ecx, 8                      ; [1]
.hex:
        rol ebx, 4                      ; [8]
        mov eax, ebx                    ; [8]
        and eax, 0x0F                   ; [8]
        mov al, [hexdig+eax]            ; [8]
        out dx, al                      ; [8]
        dec ecx                         ; [8]
        jnz .hex                        ; [8]
        mov esi, str_done               ; [1]
        call print                      ; [1]  + print "\nDONE\n": 6*6+4 = [40]

        mov dx, 0x8900                  ; [1]  Bochs shutdown port
        mov esi, str_shutdown           ; [1]
        call print                      ; [1]  + print "Shutdown": 6*8+4 = [52]
        mov al, 0                       ; [1]
        out 0xF4, al                    ; [1]  isa-debug-exit
        cli                             ; [1]
.halt:
        hlt                             ; [1]
        jmp .halt                       ;      never (IF=0, no NMI source)

; Leaf function: edx = ((edx * FNV prime) ^ eax) + (eax >> 7).  10 instructions
; including the RET; saves and restores ecx and eax on the stack.
mix_fn:
        push ecx                        ; <1>
        push eax                        ; <1>
        mov ecx, eax                    ; <1>
        imul edx, edx, 0x01000193       ; <1>
        xor edx, ecx                    ; <1>
        shr ecx, 7                      ; <1>
        pop eax                         ; <1>
        add edx, ecx                    ; <1>
        pop ecx                         ; <1>
        ret                             ; <1>

; Print the zero-terminated string at esi to port dx.  A string of n
; characters costs 6*n + 4 instructions (including the RET), plus the CALL.
print:
        mov al, [esi]
        test al, al
        jz .end
        out dx, al
        inc esi
        jmp print
.end:
        ret

hexdig:       db "0123456789abcdef"
str_sum:      db "SUM=", 0
str_done:     db 10, "DONE", 10, 0
str_shutdown: db "Shutdown", 0

hot_end:
        times HOT_SIZE - (hot_end - hot_start) db 0xCC

; ---------------------------------------------------------------------------
; Reset vector at F000:FFF0 (physical 0xFFFFFFF0 and 0xFFFF0)
; ---------------------------------------------------------------------------
section reset start=0xFFF0 vstart=0xFFF0
bits 16
        jmp 0xF000:init16               ; [1]
        times 16 - ($ - $$) db 0xF4
