; faults.asm - guests for the monitor tests (tests/monitor/run_monitor.py).
; Assembled once per case with -DCASE=N; each case takes one exception (or
; runs the timer), checks it from inside like the golden guests, prints PASS
; and stops with CLI; HLT, so the monitor can then explain what happened:
;   1  #PF(0): a supervisor read of 0x300000, whose PTE is not present
;   2  #PF(3): a supervisor write to 0x301000, read-only (PTE R/W=0), CR0.WP=1
;   3  #GP(01F8): MOV DS with a selector beyond the GDT limit (017F)
;   4  #GP(0010): MOV DS at CPL 3 with a DPL-0 data segment
;   5  IRQ0: the 8259A pair at 20h/28h, the 8254 at 100 Hz, ten ticks; the
;      handler's address is printed as "IRQ0 handler HHHHHHHH"
; Needs the chipset that tarsier's board wires for case 5 (no BIOS).
%include "lib.inc"

%define TICKS 0x20000

test_main:
%if CASE == 1 || CASE == 2
        call paging_identity_init
        mov dword [PTE_ADDR(0x300000)], 0x300000 | PTE_W | PTE_U     ; not present
        mov dword [PTE_ADDR(0x301000)], 0x301000 | PTE_P | PTE_U     ; read-only
        call paging_on
        mov eax, cr0
        or eax, 0x10000                 ; CR0.WP
        mov cr0, eax
        mov eax, [0x302000]             ; a present page: works
 %if CASE == 1
        FAULT 14, 0, mov eax, [0x300010]
        CHECK [exc_last_cr2], 0x300010, "CR2 of the not-present read"
 %else
        mov eax, [0x301000]             ; reading the read-only page works
        FAULT 14, 3, mov dword [0x301008], 1
        CHECK [exc_last_cr2], 0x301008, "CR2 of the read-only write"
 %endif
%elif CASE == 3
        mov ax, 0x1F8
        FAULT 13, 0x1F8, mov ds, ax
%elif CASE == 4
        RING3_BEGIN
        mov ax, SEL_DATA0 | 3
        FAULT 13, SEL_DATA0, mov ds, ax
        RING3_END
%elif CASE == 5
        mov dword [TICKS], 0
        IDT_GATE 0x20, irq0_handler, GATE_INT32
        PIC_INIT 0x20, 0x28, 0xFE, 0xFF ; IRQ0 only
        PIT_RATE 11932                  ; counter 0, mode 2, 100 Hz
        sti
.wait:  hlt
        cmp dword [TICKS], 10
        jb .wait
        cli
        PRINT "IRQ0 handler "
        PRINTHEX irq0_handler
        mov al, 10
        call putc
        ret

TICK_HANDLER irq0_handler, TICKS
%else
 %error "CASE must be 1-5"
%endif
        ret
