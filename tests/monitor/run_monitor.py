#!/usr/bin/env python3
"""Drive tarsier's monitor (stdio and TCP) against the guests of faults.asm and
check what it says: translate, info last-fault, info mem/tlb/tss/irq, device
state, sendkey, screendump, several TCP clients in a row.

usage: run_monitor.py TARSIER SRCDIR WORKDIR   (exit 77: nasm missing)
"""
import os
import re
import select
import shutil
import socket
import subprocess
import sys
import time

TARSIER, SRC, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
GUEST_INC = os.path.join(SRC, "..", "guest") + "/"
HALT = "the machine is stopped (the monitor still answers)"
PROMPT = "(tarsier) "
failures = 0


def check(cond, what, text=""):
    global failures
    if cond:
        print("ok: " + what)
    else:
        failures += 1
        print("FAIL: " + what)
        if text:
            print("---- output was:\n" + text + "\n----")


def build(case):
    out = os.path.join(WORK, "faults%d.bin" % case)
    subprocess.run(["nasm", "-f", "bin", "-DCASE=%d" % case, "-I" + GUEST_INC, "-o", out,
                    os.path.join(SRC, "faults.asm")], check=True)
    return out


class Conn:
    """A monitor connection: read(until) and cmd(line) -> output."""

    def __init__(self, rfd, write):
        self.rfd, self.write, self.buf = rfd, write, ""

    def read_until(self, marker, timeout=20.0):
        end = time.time() + timeout
        while marker not in self.buf:
            left = end - time.time()
            if left <= 0:
                raise RuntimeError("timed out waiting for %r; got %r" % (marker, self.buf[-2000:]))
            r, _, _ = select.select([self.rfd], [], [], left)
            if r:
                data = os.read(self.rfd, 65536)
                if not data:
                    raise RuntimeError("connection closed waiting for %r; got %r" % (marker, self.buf[-2000:]))
                self.buf += data.decode("latin-1")
        i = self.buf.index(marker) + len(marker)
        text, self.buf = self.buf[:i], self.buf[i:]
        return text

    def cmd(self, line):
        self.write((line + "\n").encode())
        return self.read_until(PROMPT)[: -len(PROMPT)]


def start(case, monitor, extra=()):
    rom = build(case)
    dbg = os.path.join(WORK, "faults%d.out" % case)
    argv = [TARSIER, "-bios", rom, "-debugcon", "file:" + dbg, "-m", "32", "-timeout", "20",
            "-monitor", monitor] + list(extra)
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p, dbg


def stdio_session(case):
    p, dbg = start(case, "stdio")

    def w(b):
        p.stdin.write(b)
        p.stdin.flush()

    c = Conn(p.stdout.fileno(), w)
    c.read_until(HALT)
    return p, c, dbg


def finish(p, c):
    c.write(b"quit\n")
    rc = p.wait(timeout=20)
    check(rc == 0, "quit ends tarsier with status 0 (got %s)" % rc)


def has(text, *needles):
    return all(n in text for n in needles)


os.makedirs(WORK, exist_ok=True)
if not shutil.which("nasm"):
    print("SKIP: nasm is not installed")
    sys.exit(77)

# ---- case 1: #PF on a not-present PTE (stdio)
p, c, dbg = stdio_session(1)
t = c.cmd("info last-fault")
check(has(t, "vector 14 (#PF page fault)", "mov eax, dword ptr [0x300010]",
          "error code 0000: P=0 (page not present), W/R=0 (read), U/S=0 (supervisor mode)",
          "check that failed: supervisor read of a page whose PTE (index 768 at phys 00101c00) is not present (P=0)",
          "(CR2 then): 00300010"), "#PF not present: info last-fault names the PTE and the P=0 check", t)
t = c.cmd("translate 0x300010")
check(has(t, "PDE index 0 (bits 31-22) at phys 00100000 = 00101027: P=1 R/W=1 U/S=1",
          "PTE index 768 (bits 21-12) at phys 00101c00 = 00300006: P=0",
          "-> the PTE is not present (P=0)"), "translate: which PDE/PTE and which bit", t)
t = c.cmd("translate 0x302abc")
check(has(t, "-> 4 KiB page at 00302000 + offset abc", "physical address 00302abc"), "translate: a mapped page", t)
t = c.cmd("info mem")
check(has(t, "00000000-002fffff    300000 -> 000000000-0002fffff  user       read/write",
          "00301000-00301fff      1000 -> 000301000-000301fff  user       read-only",
          "00302000-00ffffff    cfe000 -> 000302000-000ffffff  user       read/write", "in 3 range(s)")
      and "00300000-" not in t, "info mem: ranges with the hole and the read-only page", t)
t = c.cmd("info tlb")
check(re.search(r"supervisor 00001000 -> 00001000  read", t) is not None and "valid entr" in t,
      "info tlb: the code page is cached", t)
finish(p, c)

# ---- case 2: #PF on a write to a read-only page, over TCP, two clients in a row
p, dbg = start(2, "tcp:127.0.0.1:0,server", ["-S"])
port = None
line = b""
end = time.time() + 20
while port is None and time.time() < end:
    line = p.stderr.readline()
    m = re.search(rb"monitor listening on 127\.0\.0\.1:(\d+)", line)
    if m:
        port = int(m.group(1))
check(port is not None, "the TCP monitor prints its loopback address and port", line.decode("latin-1"))
s = socket.create_connection(("127.0.0.1", port), timeout=20)
c = Conn(s.fileno(), s.sendall)
c.read_until(PROMPT)
c.write(b"cont\n")
c.read_until(HALT)
t = c.cmd("info last-fault")
check(has(t, "vector 14 (#PF page fault)", "mov dword ptr [0x301008], 1",
          "error code 0003: P=1 (protection violation on a present page), W/R=1 (write)",
          "check that failed: supervisor write to a read-only page: R/W=0 in the PTE at phys 00101c04 and CR0.WP=1"),
      "#PF read-only (TCP): info last-fault names R/W=0 and CR0.WP", t)
s.close()
s = socket.create_connection(("127.0.0.1", port), timeout=20)
c = Conn(s.fileno(), s.sendall)
c.read_until(PROMPT)
t = c.cmd("translate 0x301008")
check(has(t, "PTE index 769 (bits 21-12) at phys 00101c04 = 00301025: P=1 R/W=0 U/S=1",
          "supervisor writes: fault (R/W=0 and CR0.WP=1)"), "second TCP client: translate shows R/W=0", t)
t = c.cmd("info tss")
check(has(t, "TR=0028: 32-bit TSS (busy)", "ring 0 stack SS0:ESP0 = 0010:00090000", "I/O map base=0088"),
      "info tss: ring-0 stack and I/O map base", t)
c.write(b"quit\n")
rc = p.wait(timeout=20)
check(rc == 0, "quit over TCP ends tarsier with status 0 (got %s)" % rc)
s.close()

# ---- case 3: #GP, selector beyond the GDT limit
p, c, dbg = stdio_session(3)
t = c.cmd("info last-fault")
check(has(t, "vector 13 (#GP general protection)", "mov ds, eax",
          "error code 01f8: EXT=0 (the program itself), IDT=0, TI=0 (GDT), index 63 -> selector 01f8",
          "lies beyond the GDT limit"), "#GP beyond the GDT limit: decoded and explained", t)
finish(p, c)

# ---- case 4: #GP, DPL violation at CPL 3
p, c, dbg = stdio_session(4)
t = c.cmd("info last-fault")
check(has(t, "vector 13 (#GP general protection) at 001b:",
          "error code 0010: EXT=0 (the program itself), IDT=0, TI=0 (GDT), index 2 -> selector 0010",
          "the entry now: base=00000000 limit=ffffffff (4 KiB granular) data (B=1), read/write",
          "check that failed (CPL 3): privilege: descriptor DPL 0 < CPL 3"),
      "#GP DPL violation: decoded and explained", t)
finish(p, c)

# ---- case 5: timer IRQ0, info irq and device state
p, c, dbg = stdio_session(5)
with open(dbg) as f:
    out = f.read()
m = re.search(r"IRQ0 handler ([0-9A-F]{8})", out)
check(m is not None and out.rstrip().endswith("PASS"), "IRQ0 guest ran", out)
handler = m.group(1).lower() if m else "?"
t = c.cmd("info irq")
row = re.search(r"^\s*0\s+\d\s+\d\s+(\d)\s+(\d)\s+edge\s+20\s+(\d+)\s+0008:([0-9a-f]{8}) \(32-bit interrupt gate",
                t, re.M)
check(row is not None and int(row.group(3)) >= 10 and row.group(4) == handler and row.group(2) == "0",
      "info irq: IRQ0 unmasked, vector 20, delivered >= 10 times, handler 0008:%s" % handler, t)
check(re.search(r"^\s*1\s+\d\s+\d\s+\d\s+1\s+edge\s+21\s+0\s", t, re.M) is not None,
      "info irq: IRQ1 masked, vector 21, never delivered", t)
check("slave: vectors 28-2f" in t, "info irq: the slave's ICW2", t)
t = c.cmd("info pit")
check("ch[0].mode=02" in t and "ch[0].cr=2e9c" in t, "info pit: counter 0 in mode 2 with 11932", t)
t = c.cmd("info pic")
check("chip[0].vbase=20" in t and "chip[0].imr=fe" in t, "info pic: from the state table", t)
t = c.cmd("info uart")
check(t.startswith("com1 (state table 'uart'") and "dll=" in t, "info uart = info com1", t)
t = c.cmd("info nosuchdevice")
check("error: unknown 'info nosuchdevice'" in t and "pit, rtc, kbc" in t, "unknown info lists the devices", t)
t = c.cmd("sendkey ctrl-alt-delete")
t2 = c.cmd("info kbc")
check("sent 3 keys" in t and "kq=[1411e071e0f071f011f014" in t2,
      "sendkey ctrl-alt-delete queues make and break codes", t + t2)
shot = os.path.join(WORK, "screen.txt")
t = c.cmd("screendump " + shot)
check(os.path.exists(shot) and "text screen" in t, "screendump FILE.txt writes the text screen", t)
png = os.path.join(WORK, "screen.png")
t = c.cmd("screendump " + png)
with open(png, "rb") if os.path.exists(png) else open(os.devnull, "rb") as f:
    sig = f.read(8)
check(sig == b"\x89PNG\r\n\x1a\n" and "PNG" in t, "screendump FILE.png writes a PNG", t)
finish(p, c)

# ---- bad input: every malformed or oversized command gets an error line and
# the monitor keeps answering
p, c, dbg = stdio_session(5)
bad = ["x" * 600, "x/ 0x", "x/0x", "x/99999999999xw 0", "x/4i", "xp/4i 0", "translate", "translate zz",
       "info", "info registers extra", "sendkey", "sendkey nosuchkey", "screendump", "cont now",
       "\x01\x02\x7f\xff garbage", "x/4xw 0xffffffffff", "x/4xw 1:2:3", "stepmode sideways"]
for line in bad:
    t = c.cmd(line)
    check("error" in t, "bad input answered with an error: %r" % line[:40], t)
t = c.cmd("info registers")
check("EIP=" in t, "the monitor still answers after bad input", t)
finish(p, c)

# ---- stdin ends while the monitor holds the machine (no gdb listener): it
# runs on to its end (the timer guest halts with interrupts off: status 0)
# instead of waiting forever
p, c, dbg = stdio_session(5)
t = c.cmd("stop")
p.stdin.close()
try:
    rc = p.wait(timeout=30)
except subprocess.TimeoutExpired:
    p.kill()
    rc = "hung"
err = p.stderr.read().decode(errors="replace")
check(rc != "hung" and "the monitor's input ended; the machine runs on" in err,
      "monitor EOF while stopped: the machine runs on (status %s)" % rc, t + err)

print("%d failure(s)" % failures)
sys.exit(1 if failures else 0)
