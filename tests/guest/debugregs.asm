; debugregs.asm - debug registers DR0-DR7 and the single-step trap.
;  - instruction breakpoint (RW=00): a fault before the instruction runs,
;    EIP = the instruction, DR6.Bn set; the handler sets RF in the saved
;    EFLAGS so IRET resumes without re-triggering; the next pass through
;    the same address hits again; a breakpoint on a middle byte never hits;
;  - data write breakpoint (RW=01) with LEN 1, 2 and 4: a trap after the
;    instruction (EIP = next instruction, the write done); accesses that
;    only partly overlap the breakpoint range (unaligned) hit; reads and
;    non-overlapping writes do not;
;  - data read/write breakpoint (RW=11) hit by a read and by a RMW;
;  - REP MOVSB hitting a write breakpoint: the trap comes after that
;    iteration, EIP = the REP instruction, ECX/ESI/EDI reflect the
;    iterations done, and IRET finishes the copy; a hit on the last
;    iteration reports EIP = next instruction, ECX = 0;
;  - single-step: TF set by POPFD traps after the following instruction with
;    DR6.BS; INT n and exception delivery clear TF (the handler runs with
;    TF=0 and is not stepped, the pushed EFLAGS has TF=1); POPFD clearing TF
;    still traps after itself;
;  - DR7.GD: MOV from/to a DR gives a #DB fault (EIP = the MOV) with DR6.BD,
;    and GD is clear in the handler;
;  - DR4/DR5 alias DR6/DR7 with CR4.DE=0 and give #UD with CR4.DE=1.
%include "lib.inc"

%define DATA_A      0x20000     ; dword-aligned data breakpoint target
%define SRC         0x21000     ; REP MOVSB source
%define DST         0x22000     ; REP MOVSB destination
%define FAR_AWAY    0x3FFFF0    ; an address nothing touches

; DR7 enable for breakpoint k with RW and LEN fields (L bit only)
%define DR7BP(k, rw, len) ((1 << (2*(k))) | ((rw) << (16 + 4*(k))) | ((len) << (18 + 4*(k))))
%define RW_X    0
%define RW_W    1
%define RW_RW   3
%define LEN1    0
%define LEN2    1
%define LEN4    3
%define DR6_BD  0x2000
%define DR6_BS  0x4000

; db_handler: logs each #DB (EIP into db_log, plus the last EIP, EFLAGS,
; DR6, DR7, ECX/ESI/EDI), clears DR6, sets RF in the saved EFLAGS if
; db_set_rf is set.  Runs through an interrupt gate: TF=0 inside.
db_handler:
        push eax
        push ebx
        mov eax, [db_count]
        cmp eax, 16
        jae .nolog
        mov ebx, [esp+8]
        mov [db_log + eax*4], ebx
.nolog: inc dword [db_count]
        cmp dword [db_count], 1000      ; a #DB storm: fail instead of hanging
        jb .logged
        mov eax, [esp+8]
        mov [fail_got], eax
        mov dword [fail_exp], 0
        mov byte [fail_hasval], 1
        mov esi, db_storm_msg
        jmp fail_report
.logged:
        mov eax, [esp+8]
        mov [db_eip], eax
        mov eax, [esp+16]
        mov [db_efl], eax
        mov [db_ecx], ecx
        mov [db_esi], esi
        mov [db_edi], edi
        mov eax, dr7
        mov [db_dr7], eax
        mov eax, dr6
        mov [db_dr6], eax
        xor eax, eax
        mov dr6, eax
        cmp byte [db_set_rf], 0
        je .out
        or dword [esp+16], FL_RF
.out:   pop ebx
        pop eax
        iretd

db_storm_msg: db "1000 #DB exceptions in a row (RF ignored?): EIP of the last (got)", 0

; reset the #DB log
db_reset:
        mov dword [db_count], 0
        mov dword [db_eip], 0
        mov dword [db_dr6], 0
        mov byte [db_set_rf], 0
        ret

; bp_set: EAX = DR7 value; all four address registers point far away
; except the one the caller loads afterwards
dr_clear:
        push eax
        xor eax, eax
        mov dr7, eax
        mov dr6, eax
        mov eax, FAR_AWAY
        mov dr0, eax
        mov dr1, eax
        mov dr2, eax
        mov dr3, eax
        pop eax
        ret

; int 0x40 handler (used while single-stepping): records EFLAGS inside the
; handler and the pushed image
int40_handler:
        push eax
        pushfd
        pop eax
        mov [i40_inner], eax
        mov eax, [esp+12]
        mov [i40_pushed], eax
        pop eax
        iretd

; #UD handler (used while single-stepping): same, then skips the UD2
ud_handler:
        push eax
        pushfd
        pop eax
        mov [ud_inner], eax
        mov eax, [esp+12]
        mov [ud_pushed], eax
        add dword [esp+4], 2
        pop eax
        iretd

; DBCHECK n, eip, dr6mask, dr6bits, "what": exactly n #DBs so far, the last
; at eip, with (DR6 & dr6mask) == dr6bits
%macro DBCHECK 5
        CHECK [db_count], %1, {%5, ": #DB count"}
        CHECK [db_eip], %2, {%5, ": #DB EIP"}
        mov eax, [db_dr6]
        and eax, %3
        CHECK eax, %4, {%5, ": DR6"}
%endmacro

test_main:
        IDT_GATE 1, db_handler, GATE_INT32
        call dr_clear

        ; ---------------------------------------------- instruction breakpoint
        call db_reset
        mov byte [db_set_rf], 1
        mov dword [counter], 0
        mov eax, ibp_insn
        mov dr0, eax
        mov eax, DR7BP(0, RW_X, LEN1)
        mov dr7, eax
        mov ecx, 2
ibp_loop:
ibp_insn:
        inc dword [counter]             ; breakpoint here, twice
        loop ibp_loop
        call dr_clear
        DBCHECK 2, ibp_insn, 0x600F, 1, "instruction breakpoint DR0"
        CHECK [counter], 2, "instruction under breakpoint ran once per pass"
        mov eax, [db_efl]
        and eax, FL_RF
        CHECK eax, 0, "RF in the EFLAGS pushed for an instruction breakpoint"
        CHECK [db_log], ibp_insn, "first instruction breakpoint EIP"

        ; DR3 on the second byte of an instruction: no hit
        call db_reset
        mov eax, ibp_mid + 1
        mov dr3, eax
        mov eax, DR7BP(3, RW_X, LEN1)
        mov dr7, eax
        nop
ibp_mid:
        mov eax, 0x12345678
        nop
        call dr_clear
        CHECK [db_count], 0, "breakpoint on a middle byte of an instruction"

        ; ---------------------------------------------- data write, LEN 4
        call db_reset
        mov dword [DATA_A], 0
        mov eax, DATA_A
        mov dr1, eax
        mov eax, DR7BP(1, RW_W, LEN4)
        mov dr7, eax
        mov eax, [DATA_A]               ; read: no hit on RW=01
        mov [DATA_A + 4], eax           ; next dword: no hit
        mov [DATA_A - 4], eax           ; previous dword: no hit
        mov byte [DATA_A + 4], al
        mov byte [DATA_A - 1], al
        CHECK [db_count], 0, "data write breakpoint: reads/other addresses"
        mov dword [DATA_A], 0xCAFEBABE
dwb1:   nop
        DBCHECK 1, dwb1, 0x600F, 2, "data write LEN4 dword"
        CHECK [DATA_A], 0xCAFEBABE, "write under a data breakpoint done"
        mov word [DATA_A + 3], 0x1111   ; unaligned, overlaps byte 3
dwb2:   nop
        DBCHECK 2, dwb2, 0x600F, 2, "data write LEN4 unaligned word at +3"
        mov dword [DATA_A - 2], 0       ; unaligned dword, overlaps bytes 0-1
dwb3:   nop
        DBCHECK 3, dwb3, 0x600F, 2, "data write LEN4 unaligned dword at -2"
        mov byte [DATA_A + 2], 0x55
dwb4:   nop
        DBCHECK 4, dwb4, 0x600F, 2, "data write LEN4 byte at +2"
        add [DATA_A + 1], al            ; read-modify-write
dwb5:   nop
        DBCHECK 5, dwb5, 0x600F, 2, "data write LEN4 RMW byte"
        call dr_clear

        ; ---------------------------------------------- data write, LEN 1
        call db_reset
        mov eax, DATA_A + 1
        mov dr2, eax
        mov eax, DR7BP(2, RW_W, LEN1)
        mov dr7, eax
        mov byte [DATA_A], 1
        mov byte [DATA_A + 2], 1
        mov word [DATA_A + 2], 1
        CHECK [db_count], 0, "data write LEN1: neighbours"
        mov word [DATA_A], 0x2222       ; covers +1
dwb6:   nop
        DBCHECK 1, dwb6, 0x600F, 4, "data write LEN1 hit by a word write"
        call dr_clear

        ; ---------------------------------------------- data write, LEN 2
        call db_reset
        mov eax, DATA_A + 2
        mov dr3, eax
        mov eax, DR7BP(3, RW_W, LEN2)
        mov dr7, eax
        mov byte [DATA_A + 1], 1
        mov byte [DATA_A + 4], 1
        CHECK [db_count], 0, "data write LEN2: neighbours"
        mov byte [DATA_A + 3], 0x33     ; second byte of the word
dwb7:   nop
        DBCHECK 1, dwb7, 0x600F, 8, "data write LEN2 hit on its second byte"
        mov dword [DATA_A + 1], 0       ; unaligned dword covering +2..+3
dwb8:   nop
        DBCHECK 2, dwb8, 0x600F, 8, "data write LEN2 unaligned dword at +1"
        call dr_clear

        ; ---------------------------------------------- data read/write
        call db_reset
        mov dword [DATA_A], 0x44332211
        mov eax, DATA_A
        mov dr0, eax
        mov eax, DR7BP(0, RW_RW, LEN4)
        mov dr7, eax
        mov ebx, [DATA_A + 4]
        CHECK [db_count], 0, "data R/W breakpoint: other address"
        mov bl, [DATA_A + 3]            ; read of the last byte
drw1:   nop
        DBCHECK 1, drw1, 0x600F, 1, "data R/W breakpoint hit by a read"
        movzx ebx, bl
        CHECK ebx, 0x44, "value read under a R/W breakpoint"
        cmp dword [DATA_A], 5           ; read through CMP
drw2:   nop
        DBCHECK 2, drw2, 0x600F, 1, "data R/W breakpoint hit by CMP"
        mov dword [DATA_A], 7
drw3:   nop
        DBCHECK 3, drw3, 0x600F, 1, "data R/W breakpoint hit by a write"
        call dr_clear

        ; ---------------------------------------------- REP MOVSB
        mov edi, SRC
        mov ecx, 16
        mov al, 0xA0
.fill:  stosb
        inc al
        loop .fill
        mov edi, DST
        mov ecx, 16
        xor al, al
        rep stosb
        call db_reset
        mov eax, DST + 5
        mov dr2, eax
        mov eax, DR7BP(2, RW_W, LEN1)
        mov dr7, eax
        mov esi, SRC
        mov edi, DST
        mov ecx, 16
        cld
rep1:   rep movsb
rep1_end:
        call dr_clear
        DBCHECK 1, rep1, 0x600F, 4, "REP MOVSB data breakpoint at iteration 6"
        CHECK [db_ecx], 10, "REP MOVSB: ECX at the trap"
        CHECK [db_esi], SRC + 6, "REP MOVSB: ESI at the trap"
        CHECK [db_edi], DST + 6, "REP MOVSB: EDI at the trap"
        CHECK ecx, 0, "REP MOVSB: ECX at the end"
        CHECK edi, DST + 16, "REP MOVSB: EDI at the end"
        CHECK [DST], 0xA3A2A1A0, "REP MOVSB copy (0-3)"
        CHECK [DST + 4], 0xA7A6A5A4, "REP MOVSB copy (4-7)"
        CHECK [DST + 12], 0xAFAEADAC, "REP MOVSB copy (12-15)"
        ; breakpoint on the last byte: trap after the instruction
        call db_reset
        mov eax, DST + 15
        mov dr1, eax
        mov eax, DR7BP(1, RW_W, LEN1)
        mov dr7, eax
        mov esi, SRC
        mov edi, DST
        mov ecx, 16
        rep movsb
rep2_end:
        call dr_clear
        DBCHECK 1, rep2_end, 0x600F, 2, "REP MOVSB data breakpoint at the last iteration"
        CHECK [db_ecx], 0, "REP MOVSB last iteration: ECX at the trap"
        CHECK [db_edi], DST + 16, "REP MOVSB last iteration: EDI at the trap"

        ; ---------------------------------------------- single-step
        IDT_GATE 0x40, int40_handler, GATE_INT32
        IDT_GATE 6, ud_handler, GATE_INT32
        call db_reset
        pushfd
        or dword [esp], FL_TF
        popfd                           ; TF=1 from here: no trap after POPFD
ss1:    mov eax, 1
ss2:    int 0x40
ss3:    mov eax, 2
ss4:    ud2
ss5:    mov eax, 3
ss6:    pushfd
ss7:    and dword [esp], ~FL_TF
ss8:    popfd                           ; clears TF, but started with TF=1
ss9:    nop
ss10:   nop
        IDT_RESTORE 6
        mov eax, [db_dr6]
        and eax, 0x600F
        CHECK eax, DR6_BS, "single-step: DR6 of the last trap"
        mov eax, [i40_inner]
        and eax, FL_TF
        CHECK eax, 0, "TF inside the INT n handler"
        mov eax, [i40_pushed]
        and eax, FL_TF
        CHECK eax, FL_TF, "TF in the EFLAGS pushed by INT n"
        mov eax, [ud_inner]
        and eax, FL_TF
        CHECK eax, 0, "TF inside the #UD handler"
        mov eax, [ud_pushed]
        and eax, FL_TF
        CHECK eax, FL_TF, "TF in the EFLAGS pushed for #UD"
        ; INT n starts with TF=1 but clears it, and the IRET that returns
        ; starts with TF=0: neither produces a trap, the next one comes after
        ; the instruction following INT n.  Likewise for the faulting UD2.
        CHECK [db_log + 0], ss2, "single-step trap 1 (after MOV)"
        CHECK [db_log + 4], ss4, "single-step trap 2 (after the instruction after INT n)"
        CHECK [db_log + 8], ss6, "single-step trap 3 (after the #UD handler)"
        CHECK [db_log + 12], ss7, "single-step trap 4"
        CHECK [db_log + 16], ss8, "single-step trap 5"
        CHECK [db_log + 20], ss9, "single-step trap 6 (after POPFD clearing TF)"
        CHECK [db_count], 6, "single-step trap count"

        ; single-stepping REP MOVSB: a trap after every iteration, EIP = the
        ; REP instruction until the last one
        call db_reset
        mov esi, SRC
        mov edi, DST
        mov ecx, 3
        pushfd
        or dword [esp], FL_TF
        popfd
ssr0:   nop
ssr1:   rep movsb
ssr2:   pushfd
ssr3:   and dword [esp], ~FL_TF
ssr4:   popfd
ssr5:   nop
        CHECK [db_log + 0], ssr1, "single-step REP: trap after NOP"
        CHECK [db_log + 4], ssr1, "single-step REP: trap after iteration 1"
        CHECK [db_log + 8], ssr1, "single-step REP: trap after iteration 2"
        CHECK [db_log + 12], ssr2, "single-step REP: trap after iteration 3"
        CHECK [db_log + 16], ssr3, "single-step REP: trap after PUSHFD"
        CHECK [db_count], 7, "single-step REP: trap count"

        ; ---------------------------------------------- general detect
        call db_reset
        mov eax, DR7BP(3, RW_W, LEN1) | DR6_BD  ; GD is bit 13, as BD in DR6
        mov dr7, eax
gd1:    mov ebx, dr3                    ; #DB fault, GD cleared, retried
        DBCHECK 1, gd1, 0x600F, DR6_BD, "general detect on MOV from DR3"
        mov eax, [db_dr7]
        and eax, 0x2000
        CHECK eax, 0, "DR7.GD in the #DB handler"
        CHECK ebx, FAR_AWAY, "MOV from DR3 retried after general detect"
        mov eax, DR7BP(3, RW_W, LEN1) | DR6_BD
        mov dr7, eax
        mov ecx, 0x1234
gd2:    mov dr1, ecx
        DBCHECK 2, gd2, 0x600F, DR6_BD, "general detect on MOV to DR1"
        mov eax, dr1
        CHECK eax, 0x1234, "MOV to DR1 retried after general detect"
        call dr_clear

        ; ---------------------------------------------- DR4/DR5 aliases
        mov eax, cr4
        and eax, ~8
        mov cr4, eax
        xor eax, eax
        mov dr6, eax
        mov eax, 1                      ; B0
        mov dr4, eax                    ; = DR6
        mov eax, dr6
        and eax, 0xF
        CHECK eax, 1, "MOV DR4 writes DR6 with CR4.DE=0"
        mov eax, dr6
        mov ebx, dr4
        CHECK ebx, eax, "MOV from DR4 reads DR6 with CR4.DE=0"
        mov eax, DR7BP(3, RW_W, LEN1)
        mov dr5, eax                    ; = DR7
        mov eax, dr7
        and eax, 0xFFFF00FF
        CHECK eax, DR7BP(3, RW_W, LEN1), "MOV DR5 writes DR7 with CR4.DE=0"
        mov eax, dr7
        mov ebx, dr5
        CHECK ebx, eax, "MOV from DR5 reads DR7 with CR4.DE=0"
        call dr_clear
        mov eax, cr4
        or eax, 8
        mov cr4, eax
        FAULT 6, 0, mov eax, dr4
        FAULT 6, 0, mov dr5, eax
        FAULT 6, 0, mov eax, dr5
        FAULT 6, 0, mov dr4, eax
        mov eax, dr6                    ; DR6/DR7 themselves still work
        mov eax, dr7
        mov eax, cr4
        and eax, ~8
        mov cr4, eax
        IDT_RESTORE 1
        ret

        align 4
counter:        dd 0
db_count:       dd 0
db_eip:         dd 0
db_efl:         dd 0
db_dr6:         dd 0
db_dr7:         dd 0
db_ecx:         dd 0
db_esi:         dd 0
db_edi:         dd 0
db_log:         times 16 dd 0
i40_inner:      dd 0
i40_pushed:     dd 0
ud_inner:       dd 0
ud_pushed:      dd 0
db_set_rf:      db 0
