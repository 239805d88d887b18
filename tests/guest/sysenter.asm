; sysenter.asm - SYSENTER/SYSEXIT, their MSRs, RDTSC/CR4.TSD and CPUID.
;  - WRMSR/RDMSR of SYSENTER_CS/ESP/EIP (0x174-0x176) read back; RDMSR and
;    WRMSR at CPL 3 give #GP(0);
;  - SYSENTER from ring 3: CS = SYSENTER_CS, SS = SYSENTER_CS+8, ESP/EIP
;    from the MSRs, CPL 0, IF cleared; SYSEXIT: CS = (SYSENTER_CS+16)|3,
;    SS = (SYSENTER_CS+24)|3, EIP = EDX, ESP = ECX, CPL 3, EFLAGS kept;
;  - the segments are flat and not read from the GDT: with SYSENTER_CS
;    pointing at all-zero GDT entries, both directions work and the stack
;    is usable;
;  - #GP(0): SYSENTER with SYSENTER_CS = 0 or 3 (index 0), SYSEXIT at CPL 3,
;    SYSEXIT with SYSENTER_CS = 0;
;  - RDTSC increases; with CR4.TSD=1 it gives #GP(0) at CPL 3 and still
;    works at CPL 0;
;  - CPUID leaf 0: max leaf >= 1, "GenuineIntel"; leaf 1: family 6, and the
;    FPU, DE, PSE, TSC, MSR, PAE, CX8, SEP, PGE and CMOV feature bits (what
;    tarsier's pentium-pro and bochs' p3_katmai agree on; MMX/FXSR/SSE and
;    the model/stepping differ, so they are not checked).
%include "lib.inc"

%define MSR_CS      0x174
%define MSR_ESP     0x175
%define MSR_EIP     0x176
%define SE_STACK    0x58000     ; SYSENTER_ESP
%define SEL_ZERO    (SEL_FREE + 0x40)   ; 4 GDT entries left all zero
%define CR4_TSD     4

; WRMSR32 msr, value
%macro WRMSR32 2
        mov ecx, %1
        mov eax, %2
        xor edx, edx
        wrmsr
%endmacro

; SYSENTER entry point: records the ring-0 state, then SYSEXITs to the
; ring-3 EDX/ECX it was given (ECX/EDX are preserved across the handler)
se_entry:
        mov [se_esp], esp
        mov ax, cs
        movzx eax, ax
        mov [se_cs], eax
        mov ax, ss
        movzx eax, ax
        mov [se_ss], eax
        pushfd
        pop eax
        mov [se_efl], eax
        push dword 0x5EC0DE             ; the stack works
        pop eax
        mov [se_pop], eax
        inc dword [se_count]
        sysexit

test_main:
        ; ------------------------------------------------ CPUID
        xor eax, eax
        cpuid
        mov [cpuid0_eax], eax
        CHECK ebx, 0x756E6547, "CPUID 0 vendor EBX (Genu)"
        CHECK edx, 0x49656E69, "CPUID 0 vendor EDX (ineI)"
        CHECK ecx, 0x6C65746E, "CPUID 0 vendor ECX (ntel)"
        mov eax, [cpuid0_eax]
        cmp eax, 1
        jae .maxok
        CHECK eax, 1, "CPUID 0 max leaf >= 1"
.maxok: mov eax, 1
        cpuid
        mov ebx, eax
        shr ebx, 8
        and ebx, 0xF
        CHECK ebx, 6, "CPUID 1 family"
        and edx, 0x0000A97D             ; CMOV PGE SEP CX8 PAE MSR TSC PSE DE FPU
        CHECK edx, 0x0000A97D, "CPUID 1 EDX feature bits"

        ; ------------------------------------------------ RDTSC / TSD
        rdtsc
        mov [tsc0], eax
        mov [tsc0 + 4], edx
        mov ecx, 100
.spin:  loop .spin
        rdtsc
        sub eax, [tsc0]
        sbb edx, [tsc0 + 4]
        jc .tsc_bad                     ; went backwards
        or eax, edx
        jnz .tsc_ok
.tsc_bad:
        FAILMSG "RDTSC did not increase"
.tsc_ok:
        RING3_BEGIN
        rdtsc                           ; TSD=0: allowed at CPL 3
        RING3_END
        mov eax, cr4
        or eax, CR4_TSD
        mov cr4, eax
        rdtsc                           ; CPL 0: allowed
        RING3_BEGIN
        FAULT 13, 0, rdtsc
        RING3_END
        mov eax, cr4
        and eax, ~CR4_TSD
        mov cr4, eax

        ; ------------------------------------------------ MSRs
        WRMSR32 MSR_CS, SEL_CODE0
        WRMSR32 MSR_ESP, 0x12345678
        WRMSR32 MSR_EIP, 0x9ABCDEF0
        mov ecx, MSR_CS
        rdmsr
        CHECK eax, SEL_CODE0, "RDMSR SYSENTER_CS"
        mov ecx, MSR_ESP
        rdmsr
        CHECK eax, 0x12345678, "RDMSR SYSENTER_ESP"
        mov ecx, MSR_EIP
        rdmsr
        CHECK eax, 0x9ABCDEF0, "RDMSR SYSENTER_EIP"
        RING3_BEGIN
        mov ecx, MSR_CS
        FAULT 13, 0, rdmsr
        FAULT 13, 0, wrmsr
        RING3_END

        ; ------------------------------------------------ SYSENTER / SYSEXIT
        WRMSR32 MSR_ESP, SE_STACK
        WRMSR32 MSR_EIP, se_entry
        RING3_BEGIN (IOPL3 | FL_IF | 2) ; IF=1 (the PICs are masked)
        mov ecx, STACK3_TOP - 0x100
        mov edx, .back1
        sysenter
        FAILMSG "SYSENTER fell through"
.back1: mov [r3_esp], esp
        mov ax, cs
        movzx eax, ax
        mov [r3_cs], eax
        mov ax, ss
        movzx eax, ax
        mov [r3_ss], eax
        pushfd
        pop eax
        mov [r3_efl], eax
        RING3_END
        CHECK [se_count], 1, "SYSENTER reached the entry point"
        CHECK [se_cs], SEL_CODE0, "CS after SYSENTER"
        CHECK [se_ss], SEL_DATA0, "SS after SYSENTER"
        CHECK [se_esp], SE_STACK, "ESP after SYSENTER"
        CHECK [se_pop], 0x5EC0DE, "stack after SYSENTER"
        mov eax, [se_efl]
        and eax, FL_IF
        CHECK eax, 0, "IF after SYSENTER"
        CHECK [r3_cs], SEL_CODE3, "CS after SYSEXIT"
        CHECK [r3_ss], SEL_DATA3, "SS after SYSEXIT"
        CHECK [r3_esp], STACK3_TOP - 0x100, "ESP after SYSEXIT (ECX)"
        mov eax, [r3_efl]
        and eax, FL_IF | IOPL3
        CHECK eax, IOPL3, "EFLAGS after SYSEXIT (IF stays clear, IOPL kept)"

        ; flat segments derived from SYSENTER_CS, GDT entries all zero
        WRMSR32 MSR_CS, SEL_ZERO
        RING3_BEGIN
        mov ecx, STACK3_TOP - 0x200
        mov edx, .back2
        sysenter
        FAILMSG "SYSENTER (zero GDT entries) fell through"
.back2: mov [r3_esp], esp
        mov ax, cs
        movzx eax, ax
        mov [r3_cs], eax
        mov ax, ss
        movzx eax, ax
        mov [r3_ss], eax
        push dword 0x3333               ; the derived SS works at ring 3
        pop eax
        mov [r3_pop], eax
        RING3_END
        CHECK [se_count], 2, "SYSENTER (zero GDT entries) reached the entry point"
        CHECK [se_cs], SEL_ZERO, "CS after SYSENTER (zero GDT entries)"
        CHECK [se_ss], SEL_ZERO + 8, "SS after SYSENTER (zero GDT entries)"
        CHECK [se_pop], 0x5EC0DE, "stack after SYSENTER (zero GDT entries)"
        CHECK [r3_cs], SEL_ZERO + 16 + 3, "CS after SYSEXIT (zero GDT entries)"
        CHECK [r3_ss], SEL_ZERO + 24 + 3, "SS after SYSEXIT (zero GDT entries)"
        CHECK [r3_esp], STACK3_TOP - 0x200, "ESP after SYSEXIT (zero GDT entries)"
        CHECK [r3_pop], 0x3333, "ring-3 stack after SYSEXIT (zero GDT entries)"

        ; ------------------------------------------------ #GP(0)
        WRMSR32 MSR_CS, SEL_CODE0
        RING3_BEGIN
        FAULT 13, 0, sysexit            ; CPL 3
        RING3_END
        WRMSR32 MSR_CS, 0
        RING3_BEGIN
        FAULT 13, 0, sysenter
        RING3_END
        FAULT 13, 0, sysexit            ; CPL 0 but SYSENTER_CS = 0
        WRMSR32 MSR_CS, 3
        RING3_BEGIN
        FAULT 13, 0, sysenter           ; index 0 with RPL bits
        RING3_END
        CHECK [se_count], 2, "no SYSENTER entry for the faulting cases"
        WRMSR32 MSR_CS, 0
        ret

        align 4
cpuid0_eax: dd 0
tsc0:       dd 0, 0
se_count:   dd 0
se_esp:     dd 0
se_cs:      dd 0
se_ss:      dd 0
se_efl:     dd 0
se_pop:     dd 0
r3_esp:     dd 0
r3_cs:      dd 0
r3_ss:      dd 0
r3_efl:     dd 0
r3_pop:     dd 0
