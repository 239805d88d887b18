; mbtest.asm - a Multiboot v1 test kernel.  Assembled twice: with -DAOUT as a
; flat binary using the header's address fields ("a.out kludge"), and as an
; ELF32 object linked at 1 MiB.  It checks what the loader promises (EAX
; magic, flat 32-bit protected mode, the information structure: memory
; sizes, the command line, the module list and its contents, the memory
; map), reports on COM1 (polling the 16550A's LSR) and leaves through the
; exit port 0xF4: 0x2A (status 85) when every check passed, 0x01 (status 3)
; otherwise.  Expected: -append "mbtest hello" and two modules whose first
; bytes are "MOD-A" and "MOD-B", the second with the argument "arg2".
        bits 32
MB_FLAGS        equ 0x00000003 | (AOUT_FLAG)
%ifdef AOUT
AOUT_FLAG       equ 0x10000
%else
AOUT_FLAG       equ 0
%endif

%ifdef AOUT
        org 0x100000
%else
        section .text
        global _start
%endif
mb_header:
        dd 0x1BADB002
        dd MB_FLAGS
        dd -(0x1BADB002 + MB_FLAGS)
%ifdef AOUT
        dd mb_header            ; header_addr
        dd mb_header            ; load_addr
        dd load_end             ; load_end_addr
        dd bss_end              ; bss_end_addr
        dd _start               ; entry_addr
%endif

_start:
        mov esp, stack_top
        mov [magic], eax
        mov [info], ebx
        mov esi, msg_hello
        call puts
        ; --- magic
        cmp dword [magic], 0x2BADB002
        jne fail_magic
        ; --- protected mode, paging off
        mov eax, cr0
        and eax, 0x80000001
        cmp eax, 1
        jne fail_cr0
        ; --- bss is zero
        cmp dword [bss_probe], 0
        jne fail_bss
        mov ebx, [info]
        ; --- flags: mem (0), cmdline (2), mods (3), mmap (6)
        mov eax, [ebx]
        and eax, 0x4D
        cmp eax, 0x4D
        jne fail_flags
        ; --- memory: lower 639 KiB, upper = RAM - 1 MiB (run with -m 32)
        cmp dword [ebx + 4], 639
        jne fail_mem
        cmp dword [ebx + 8], 31 * 1024
        jne fail_mem
        ; --- command line
        mov esi, [ebx + 16]
        mov edi, exp_cmdline
        call strcmp
        jne fail_cmdline
        ; --- modules
        cmp dword [ebx + 20], 2
        jne fail_mods
        mov edx, [ebx + 24]
        mov esi, [edx]          ; module 0 start
        cmp dword [esi], 'MOD-'
        jne fail_mods
        cmp byte [esi + 4], 'A'
        jne fail_mods
        mov eax, [edx + 4]      ; end > start
        cmp eax, esi
        jbe fail_mods
        mov esi, [edx + 16]     ; module 1
        test esi, 0xFFF         ; flag bit 0: page aligned
        jnz fail_mods
        cmp dword [esi], 'MOD-'
        jne fail_mods
        cmp byte [esi + 4], 'B'
        jne fail_mods
        ; module 1's string ends in " arg2"
        mov esi, [edx + 24]
.strend:
        cmp byte [esi], 0
        je .se
        inc esi
        jmp .strend
.se:    cmp dword [esi - 4], 'arg2'
        jne fail_mods
        ; modules lie above the kernel
        mov eax, [edx]
        cmp eax, bss_end
        jb fail_mods
        ; --- memory map: an available range at 1 MiB
        mov esi, [ebx + 48]
        mov ecx, [ebx + 44]
        add ecx, esi
.mm:    cmp esi, ecx
        jae fail_mmap
        cmp dword [esi + 4], 0x100000
        jne .next
        cmp dword [esi + 20], 1
        je .mm_ok
.next:  add esi, [esi]
        add esi, 4
        jmp .mm
.mm_ok:
        mov esi, msg_pass
        call puts
        mov al, 0x2A
        out 0xF4, al
        hlt

fail_magic:   mov esi, msg_magic
              jmp fail
fail_cr0:     mov esi, msg_cr0
              jmp fail
fail_bss:     mov esi, msg_bss
              jmp fail
fail_flags:   mov esi, msg_flags
              jmp fail
fail_mem:     mov esi, msg_mem
              jmp fail
fail_cmdline: mov esi, msg_cmdline
              jmp fail
fail_mods:    mov esi, msg_mods
              jmp fail
fail_mmap:    mov esi, msg_mmap
fail:
        call puts
        mov al, 0x01
        out 0xF4, al
        hlt

; puts: the zero-terminated string at ESI to COM1
puts:
        push eax
        push edx
.c:     lodsb
        test al, al
        jz .done
        mov ah, al
        mov dx, 0x3FD
.w:     in al, dx
        test al, 0x20
        jz .w
        mov al, ah
        mov dx, 0x3F8
        out dx, al
        jmp .c
.done:  pop edx
        pop eax
        ret

; strcmp: ZF=1 when the strings at ESI and EDI are equal
strcmp:
.l:     mov al, [esi]
        cmp al, [edi]
        jne .r
        test al, al
        jz .r
        inc esi
        inc edi
        jmp .l
.r:     ret

msg_hello:   db "mbtest: entered", 13, 10, 0
msg_pass:    db "mbtest: PASS", 13, 10, 0
msg_magic:   db "mbtest: FAIL magic", 13, 10, 0
msg_cr0:     db "mbtest: FAIL cr0", 13, 10, 0
msg_bss:     db "mbtest: FAIL bss", 13, 10, 0
msg_flags:   db "mbtest: FAIL info flags", 13, 10, 0
msg_mem:     db "mbtest: FAIL memory sizes", 13, 10, 0
msg_cmdline: db "mbtest: FAIL command line", 13, 10, 0
msg_mods:    db "mbtest: FAIL modules", 13, 10, 0
msg_mmap:    db "mbtest: FAIL memory map", 13, 10, 0
exp_cmdline: db "mbtest hello", 0
load_end:

%ifdef AOUT
        alignb 4
bss_start:
        times 0 db 0
section .bss follows=.text nobits
%else
section .bss
%endif
magic:      resd 1
info:       resd 1
bss_probe:  resd 1
            resb 4096
stack_top:
bss_end:
