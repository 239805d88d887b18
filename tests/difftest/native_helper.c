/*
 * native_helper.c - runs generated sequences on the host processor for the
 * differential tester (see docs/difftest.md).
 *
 * Usage: dt_native SHM_FD CMD_FD RESP_FD   (started by difftest, never by hand)
 *
 * The shared memory file (DT_SHM_SIZE bytes) is mapped at the fixed guest
 * addresses of dt.h: code (read/execute), data (read/write) and the control
 * block.  For every byte read from CMD_FD the helper runs the code once and
 * answers one byte on RESP_FD; the results are in the control block and the
 * data region.  A fault (SIGFPE, SIGSEGV, SIGILL, SIGBUS, SIGTRAP) is caught
 * on an alternate signal stack: the registers, EFLAGS, trap number and
 * faulting RIP are read from the ucontext, and the handler resumes at
 * dt_fault_resume.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "dt.h"

int dt_enter(void);
void dt_capture(void);
void dt_fault_resume(void);

#if defined(__x86_64__)
/* Trampolines (x86-64).  Offsets follow struct dt_ctl in dt.h: the control
 * block is at 0x03000000, the code at 0x01000000, the scratch stack used by
 * the PUSHFD/POPFD replacements ends at 0x03110000.
 *
 * dt_enter: saves the callee-saved registers and RSP, loads the x87/MMX
 * state (FRSTOR of the image at 0x03000100), EFLAGS and the eight 32-bit
 * registers of the test (ESP last) and jumps to the code.
 * dt_capture: the code ends with a jump here; stores the registers, the
 * x87/MMX state (FXSAVE to 0x03000200, which raises no pending x87
 * exception), EFLAGS, reinitialises the FPU and returns 0 to the caller of
 * dt_enter.
 * dt_fault_resume: the signal handler redirects a faulting test here; it
 * returns 1. */
__asm__(
    "        .text\n"
    "        .globl dt_enter\n"
    "        .type dt_enter, @function\n"
    "dt_enter:\n"
    "        push %rbx\n"
    "        push %rbp\n"
    "        push %r12\n"
    "        push %r13\n"
    "        push %r14\n"
    "        push %r15\n"
    "        movq %rsp, 0x03000050\n"
    "        frstor 0x03000100\n"
    "        movl $0x03110000, %r15d\n"
    "        pushq 0x03000020\n"
    "        popfq\n"
    "        movl 0x03000000, %eax\n"
    "        movl 0x03000004, %ecx\n"
    "        movl 0x03000008, %edx\n"
    "        movl 0x0300000C, %ebx\n"
    "        movl 0x03000014, %ebp\n"
    "        movl 0x03000018, %esi\n"
    "        movl 0x0300001C, %edi\n"
    "        movl 0x03000010, %esp\n"
    "        movl $0x01000000, %r8d\n"
    "        jmp *%r8\n"
    "        .size dt_enter, .-dt_enter\n"
    "\n"
    "        .globl dt_capture\n"
    "        .type dt_capture, @function\n"
    "dt_capture:\n"
    "        movl %eax, 0x03000028\n"
    "        movl %ecx, 0x0300002C\n"
    "        movl %edx, 0x03000030\n"
    "        movl %ebx, 0x03000034\n"
    "        movl %esp, 0x03000038\n"
    "        movl %ebp, 0x0300003C\n"
    "        movl %esi, 0x03000040\n"
    "        movl %edi, 0x03000044\n"
    "        fxsave 0x03000200\n"
    "        fninit\n"
    "        movq 0x03000050, %rsp\n"
    "        pushfq\n"
    "        popq %rax\n"
    "        movq %rax, 0x03000048\n"
    "        cld\n"
    "        pop %r15\n"
    "        pop %r14\n"
    "        pop %r13\n"
    "        pop %r12\n"
    "        pop %rbp\n"
    "        pop %rbx\n"
    "        xorl %eax, %eax\n"
    "        ret\n"
    "        .size dt_capture, .-dt_capture\n"
    "\n"
    "        .globl dt_fault_resume\n"
    "        .type dt_fault_resume, @function\n"
    "dt_fault_resume:\n"
    "        movq 0x03000050, %rsp\n"
    "        fninit\n"
    "        cld\n"
    "        pop %r15\n"
    "        pop %r14\n"
    "        pop %r13\n"
    "        pop %r12\n"
    "        pop %rbp\n"
    "        pop %rbx\n"
    "        movl $1, %eax\n"
    "        ret\n"
    "        .size dt_fault_resume, .-dt_fault_resume\n"
    "\n"
    "\n"
    ".previous\n");
#else
#error "the native helper needs an x86-64 host"
#endif

static struct dt_ctl *ctl = (struct dt_ctl *)(uintptr_t)DT_CTL_BASE;

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    (void)si;
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    static const int order[8] = { REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI };
    for (int k = 0; k < 8; k++)
        ctl->out_regs[k] = (uint32_t)g[order[k]];
    ctl->out_eflags = (uint64_t)g[REG_EFL];
    ctl->fault_vec = (int32_t)g[REG_TRAPNO];
    ctl->fault_off = (uint32_t)((uint64_t)g[REG_RIP] - DT_CODE_BASE);
    ctl->fault_sig = (uint32_t)sig;
    /* the x87/MMX state at the fault, as the kernel saved it (FXSAVE layout) */
    if (uc->uc_mcontext.fpregs)
        memcpy((uint8_t *)ctl + DT_CTL_FX_OUT, uc->uc_mcontext.fpregs, 512);
    g[REG_RIP] = (greg_t)(uintptr_t)dt_fault_resume;
}

static void *map_at(uint32_t addr, size_t len, int prot, int flags, int fd, off_t off)
{
    void *p = mmap((void *)(uintptr_t)addr, len, prot, flags | MAP_FIXED_NOREPLACE, fd, off);
    if (p == MAP_FAILED || p != (void *)(uintptr_t)addr) {
        perror("dt_native: mmap");
        exit(2);
    }
    return p;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: dt_native SHM_FD CMD_FD RESP_FD (started by difftest)\n");
        return 2;
    }
    int shm = atoi(argv[1]), cmd = atoi(argv[2]), resp = atoi(argv[3]);
    map_at(DT_CODE_BASE, DT_CODE_SIZE, PROT_READ | PROT_EXEC, MAP_SHARED, shm, DT_SHM_CODE);
    map_at(DT_DATA_BASE, DT_DATA_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, shm, DT_SHM_DATA);
    map_at(DT_CTL_BASE, DT_CTL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, shm, DT_SHM_CTL);
    map_at(DT_SCRATCH_BASE, DT_SCRATCH_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    static uint8_t altstack[65536];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0 };
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    int sigs[] = { SIGFPE, SIGSEGV, SIGILL, SIGBUS, SIGTRAP };
    for (unsigned k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++)
        sigaction(sigs[k], &sa, NULL);

    ctl->capture_addr = (uint64_t)(uintptr_t)dt_capture;
    char c = 'R';
    if (write(resp, &c, 1) != 1)
        return 2;
    for (;;) {
        if (read(cmd, &c, 1) != 1)
            return 0;
        ctl->fault_vec = -1;
        dt_enter();
        c = 'D';
        if (write(resp, &c, 1) != 1)
            return 2;
    }
}
