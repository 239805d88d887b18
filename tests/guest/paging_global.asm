; paging_global.asm - global pages (CR4.PGE) and TLB invalidation.
;  - with PGE=1 a global translation survives a CR3 reload (the SDM allows
;    but does not require this; bochs and real CPUs keep it, and tarsier's
;    TLB is meant to), while a non-global one is flushed (required);
;  - INVLPG flushes the global translation;
;  - toggling CR4.PGE flushes global translations;
;  - with PGE=0 the G bit is ignored: CR3 reload flushes everything.
; Stale-TLB reads are the point: PTEs are changed without INVLPG on purpose.
%include "lib.inc"

%define CR4_PGE     (1 << 7)

test_main:
        mov dword [0x700000], 0x70000000    ; physical markers
        mov dword [0x701000], 0x70100000
        mov dword [0x702000], 0x70200000
        mov dword [0x703000], 0x70300000
        call paging_identity_init
        mov dword [PTE_ADDR(0x504000)], 0x700000 | PTE_G | 7
        mov dword [PTE_ADDR(0x505000)], 0x702000 | 7
        mov eax, cr4
        or eax, CR4_PGE
        mov cr4, eax
        call paging_on

        CHECK [0x504000], 0x70000000, "global page initial translation"
        CHECK [0x505000], 0x70200000, "non-global page initial translation"
        mov dword [PTE_ADDR(0x504000)], 0x701000 | PTE_G | 7
        mov dword [PTE_ADDR(0x505000)], 0x703000 | 7
        mov eax, cr3
        mov cr3, eax
        CHECK [0x505000], 0x70300000, "non-global translation flushed by CR3 reload"
        CHECK [0x504000], 0x70000000, "global translation survives CR3 reload"
        invlpg [0x504000]
        CHECK [0x504000], 0x70100000, "global translation flushed by INVLPG"

        ; toggling PGE flushes global entries
        mov dword [PTE_ADDR(0x504000)], 0x700000 | PTE_G | 7
        mov eax, cr3
        mov cr3, eax
        CHECK [0x504000], 0x70100000, "global translation survives second CR3 reload"
        mov eax, cr4
        and eax, ~CR4_PGE
        mov cr4, eax
        or eax, CR4_PGE
        mov cr4, eax
        CHECK [0x504000], 0x70000000, "global translation flushed by toggling CR4.PGE"

        ; PGE=0: G bit ignored
        mov eax, cr4
        and eax, ~CR4_PGE
        mov cr4, eax
        CHECK [0x504000], 0x70000000, "translation with PGE=0"
        mov dword [PTE_ADDR(0x504000)], 0x701000 | PTE_G | 7
        mov eax, cr3
        mov cr3, eax
        CHECK [0x504000], 0x70100000, "G bit ignored with PGE=0: CR3 reload flushes"
        call paging_off
        ret
