; paging.asm - 32-bit paging (4 KiB and 4 MiB pages) and PAE.
;  - accessed/dirty bits: a read sets PDE.A and PTE.A (not PTE.D), a write
;    through a TLB entry loaded by that read still sets PTE.D;
;  - a non-identity 4 KiB mapping translates; CR3 reload makes a changed
;    non-global PTE visible; INVLPG makes a changed PTE visible;
;  - U/S and R/W combine PDE and PTE: ring-3 write with PDE.R/W=0 -> #PF(7);
;  - CR0.WP: supervisor write to a read-only page succeeds with WP=0,
;    #PF(3) with WP=1;
;  - CR4.PSE 4 MiB pages: translation, A and D set in the PDE, #PF on a
;    write to a read-only large page at ring 3;
;  - PAE: PDPT + PD with 2 MiB pages and a PT with 4 KiB pages, translation
;    through both, A/D bits in 64-bit entries, #PF for a not-present PDPTE,
;    #PF with RSVD (err 9) for bit 63 set while EFER.NXE=0.
; (Global-page TLB behaviour is in paging_global.asm.)
%include "lib.inc"

%define CR0_WP      (1 << 16)
%define CR4_PSE     (1 << 4)

test_main:
        call paging_identity_init
        ; ------------------------------------------------ accessed / dirty
        mov dword [PTE_ADDR(0x500000)], 0x500000 | 7
        and dword [PAGING_PD + 4], ~(PTE_A | PTE_D)
        call paging_on
        mov eax, [0x500010]
        mov eax, [PTE_ADDR(0x500000)]
        CHECK eax, 0x500000 | PTE_A | 7, "PTE after a read: A set, D clear"
        mov eax, [PAGING_PD + 4]
        and eax, PTE_A
        CHECK eax, PTE_A, "PDE.A after a read"
        mov dword [0x500010], 1
        mov eax, [PTE_ADDR(0x500000)]
        CHECK eax, 0x500000 | PTE_A | PTE_D | 7, "PTE after a write: A and D set"
        ; a write as the first access sets both at once
        mov dword [PTE_ADDR(0x501000)], 0x501000 | 7
        invlpg [0x501000]
        mov byte [0x501FFF], 1
        mov eax, [PTE_ADDR(0x501000)]
        CHECK eax, 0x501000 | PTE_A | PTE_D | 7, "PTE after a first write"

        ; ------------------------------------------------ remapping
        mov dword [0x600000], 0x60000000 ; physical markers
        mov dword [0x601000], 0x60100000
        mov dword [0x602000], 0x60200000
        mov dword [PTE_ADDR(0x502000)], 0x600000 | 7
        invlpg [0x502000]
        CHECK [0x502000], 0x60000000, "linear 0x502000 -> physical 0x600000"
        mov dword [PTE_ADDR(0x502000)], 0x601000 | 7
        invlpg [0x502000]
        CHECK [0x502000], 0x60100000, "changed PTE visible after INVLPG"
        mov dword [PTE_ADDR(0x502000)], 0x602000 | 7
        mov eax, cr3
        mov cr3, eax
        CHECK [0x502000], 0x60200000, "changed PTE visible after CR3 reload"
        mov dword [0x502004], 0x12345678
        CHECK [0x602004], 0x12345678, "store through a remapped page"

        ; ------------------------------------------------ PDE and PTE rights combine
        and dword [PAGING_PD + 4], ~PTE_W   ; 0x400000-0x7FFFFF: PDE read-only
        mov eax, cr3
        mov cr3, eax
        RING3_BEGIN
        mov eax, [0x500000]             ; reading is allowed
        FAULT 14, 7, mov dword [0x500000], 1
        CHECK [exc_last_cr2], 0x500000, "CR2 for a write under a read-only PDE"
        RING3_END
        mov dword [0x500000], 2         ; ring 0, WP=0: allowed
        or dword [PAGING_PD + 4], PTE_W
        mov eax, cr3
        mov cr3, eax

        ; ------------------------------------------------ CR0.WP
        mov dword [PTE_ADDR(0x503000)], 0x503000 | PTE_P   ; supervisor, read-only
        invlpg [0x503000]
        mov dword [0x503000], 0xAAAA    ; WP=0: allowed
        CHECK [0x503000], 0xAAAA, "ring-0 write to a read-only page with WP=0"
        mov eax, cr0
        or eax, CR0_WP
        mov cr0, eax
        FAULT 14, 3, mov dword [0x503004], 0xBBBB
        CHECK [exc_last_cr2], 0x503004, "CR2 for a WP=1 supervisor write"
        CHECK [0x503004], 0, "write with WP=1 did not happen"
        mov eax, cr0
        and eax, ~CR0_WP
        mov cr0, eax
        mov dword [0x503004], 0xCCCC    ; allowed again
        CHECK [0x503004], 0xCCCC, "ring-0 write after WP cleared"

        ; ------------------------------------------------ 4 MiB pages
        mov eax, cr4
        or eax, CR4_PSE
        mov cr4, eax
        ; linear 16 MiB (PDE 4) -> physical 4 MiB, large page, no A/D yet
        mov dword [PAGING_PD + 4*4], 0x400000 | PTE_PS | 7
        mov dword [0x4ABCD0], 0x4B4B4B4B    ; physical, through the identity map
        invlpg [0x10ABCD0]
        CHECK [0x10ABCD0], 0x4B4B4B4B, "read through a 4 MiB page"
        mov eax, [PAGING_PD + 4*4]
        CHECK eax, 0x400000 | PTE_PS | PTE_A | 7, "4 MiB PDE after a read: A set, D clear"
        mov dword [0x13FFFFC], 0x5C5C5C5C   ; last dword of the large page
        CHECK [0x7FFFFC], 0x5C5C5C5C, "write through a 4 MiB page"
        mov eax, [PAGING_PD + 4*4]
        CHECK eax, 0x400000 | PTE_PS | PTE_A | PTE_D | 7, "4 MiB PDE after a write: D set"
        ; read-only large page, ring 3 write -> #PF(7); remap via INVLPG
        mov dword [PAGING_PD + 4*4], 0x800000 | PTE_PS | PTE_U | PTE_P
        invlpg [0x1000000]
        mov dword [0x800000], 0x80808080
        RING3_BEGIN
        CHECK [0x1000000], 0x80808080, "4 MiB page remapped after INVLPG"
        FAULT 14, 7, mov dword [0x1000000], 1
        CHECK [exc_last_cr2], 0x1000000, "CR2 for a write to a read-only 4 MiB page"
        RING3_END
        mov dword [PAGING_PD + 4*4], 0
        call paging_off
        mov eax, cr4
        and eax, ~CR4_PSE
        mov cr4, eax

        ; ------------------------------------------------ PAE
        ; PDPT at 0x110000, PD0 at 0x111000, PT (for 0x200000-0x3FFFFF) at 0x112000
        call pae_tables_init
        mov dword [0x111000 + 2*8], 0xA00000 | PTE_PS | 7 ; 4-6 MiB -> 10 MiB
        mov dword [0x111000 + 3*8], 0x600000 | PTE_PS | 7 ; 6-8 MiB identity
        mov dword [0x111000 + 5*8], 0xA00000 | PTE_PS | 7 ; 10-12 MiB identity
        mov dword [0x112000 + 0*8], 0x601000 | 7        ; 0x200000 -> 0x601000
        mov dword [0x112000 + 1*8], 0x602000 | 7        ; 0x201000 -> 0x602000
        call pae_paging_on
        CHECK [0x200000], 0x60100000, "PAE 4 KiB page translation"
        CHECK [0x201000], 0x60200000, "PAE 4 KiB page translation (2)"
        mov dword [0x201008], 0xD00D
        CHECK [0x602008], 0xD00D, "PAE store through a 4 KiB page"
        mov eax, [0x112000 + 1*8]
        CHECK eax, 0x602000 | PTE_A | PTE_D | 7, "PAE PTE A and D after a write"
        mov eax, [0x112000 + 0*8]
        CHECK eax, 0x601000 | PTE_A | 7, "PAE PTE A after a read"
        mov dword [0xA00100], 0xA0A0A0A0
        CHECK [0x400100], 0xA0A0A0A0, "PAE 2 MiB page translation"
        mov eax, [0x111000 + 2*8]
        CHECK eax, 0xA00000 | PTE_PS | PTE_A | 7, "PAE 2 MiB PDE after a read: A set"
        mov dword [0x5FFFFC], 0xB1B1B1B1
        CHECK [0xBFFFFC], 0xB1B1B1B1, "PAE store at the end of a 2 MiB page"
        mov eax, [0x111000 + 2*8]
        CHECK eax, 0xA00000 | PTE_PS | PTE_A | PTE_D | 7, "PAE 2 MiB PDE after a write: D set"
        FAULT 14, 0, mov eax, [0x40000000]
        CHECK [exc_last_cr2], 0x40000000, "CR2 for a not-present PDPTE"
        FAULT 14, 2, mov dword [0x800000], 0
        CHECK [exc_last_cr2], 0x800000, "CR2 for a not-present PAE PDE"
        call pae_paging_off
        ret
