#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot the arm64 test guest (--arch arm: the 32-bit ARM one) against the
camera emulator and run a plan.

The guest's console (hvc0) goes to console.log through QEMU's file chardev,
which this script follows: kernel messages and the step markers of
tools/testbed/guest/run-plan.sh. (A file never refuses a write, so QEMU,
which drops virtconsole output its chardev cannot take at once, loses
nothing.) The guest's /init writes to hvc0 by name, not to the console
the kernel may or may not have opened for it (see guest/init). Each step
announces its time limit; a step that overruns it, a guest whose plan
never starts, or one that never reaches the end, is killed and reported
by name. TAP from the steps arrives on the
virtio-serial port "sercam.tap", the results directory (kernel log, step
outputs, captured files) as a tar on "sercam.results". The camera emulator
gets the PL011 and the "sercam.ctl" port.

With --usb-serial the camera is on a USB-serial adapter instead of the
PL011: QEMU's usb-serial device (an FTDI FT232, the guest's /dev/ttyUSB0)
on a qemu-xhci, its chardev the emulator's UART socket (the PL011 is then
wired to nothing). A guest test unplugs and re-plugs the adapter by asking
the host: the virtio-serial port "sercam.host" carries lines to this
script, which answers them as the emulator's control channel does (a
final "ok ..." or "err ..." line; sercam_emu and emu_cmd() speak it, with
SERCAM_CTL=/dev/virtio-ports/sercam.host) and relays them to QEMU's QMP
monitor:

    ping          ok pong
    usb unplug    device_del of the adapter, answered once QEMU reports it
                  gone (DEVICE_DELETED); the guest sees a USB disconnect
    usb plug      device_add of a new adapter on the same chardev: the
                  guest enumerates it again as a new /dev/ttyUSB*

Each request and its answer go to host-port.log in the results
directory.
"""

import argparse
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
# The exact machine: the DTB is dumped with these and booted with them.
# "-nic none": the guest needs no network, and QEMU's default NIC on virt
# (virtio-net-pci) would need its option ROM, efi-virtio.rom, from the
# ipxe-qemu package, which a --no-install-recommends install does not bring.
MACHINE = ["-M", "virt", "-cpu", "cortex-a57", "-smp", "2", "-m", "1024",
           "-nic", "none"]
# --arch: the QEMU binary and MACHINE's board and CPU for each guest
# architecture. arm: 32-bit ARM, a cortex-a15 (ARMv7, as a Raspberry Pi
# 2/3 runs it); highmem=off keeps the board's PCIe windows below 4 GB,
# where a kernel without LPAE reaches them.
ARCHES = {
    "arm64": ("qemu-system-aarch64", "virt", "cortex-a57"),
    "arm": ("qemu-system-arm", "virt,highmem=off", "cortex-a15"),
}
STEP_RE = re.compile(r"@@sercam-step (begin|end) (\S+)(?: (\d+))?(?: rc=(\d+))?")
BANNER = "sercam guest: kernel"      # run-plan.sh's first line
FATAL = "@@sercam-fatal "


def log(msg):
    print(f"[guest] {msg}", file=sys.stderr, flush=True)


def run(cmd, **kw):
    subprocess.run(cmd, check=True, **kw)


def set_arch(arch):
    """Boot @arch's guest: the QEMU binary, MACHINE's board and CPU."""
    qemu, board, cpu = ARCHES[arch]
    MACHINE[1], MACHINE[3] = board, cpu
    return qemu


def build_dtb(work, overlay, rate, qemu):
    """Board DTB without stdout-path, with the camera overlay merged
    (overlay "none": no camera node, the PL011 is a plain tty)."""
    board = os.path.join(work, "virt.dtb")
    run([qemu, "-M", MACHINE[1] + ",dumpdtb=" + board, *MACHINE[2:],
         "-display", "none"], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    run(["fdtput", "-d", board, "/chosen", "stdout-path"])
    if overlay == "none":
        return board
    dtbo = os.path.join(work, "overlay.dtbo")
    if rate:
        # the camera's power-on rate for this run
        with open(overlay) as f:
            text = re.sub(r"current-speed = <\d+>", f"current-speed = <{rate}>",
                          f.read())
        overlay = os.path.join(work, "overlay.dtso")
        with open(overlay, "w") as f:
            f.write(text)
    run(["dtc", "-@", "-q", "-I", "dts", "-O", "dtb", "-o", dtbo, overlay])
    merged = os.path.join(work, "merged.dtb")
    run(["fdtoverlay", "-i", board, "-o", merged, dtbo])
    return merged


def build_initramfs(work, payload, busybox):
    """A tiny initramfs: busybox, the init script and the payload tree."""
    root = os.path.join(work, "initramfs")
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(payload, root, symlinks=True)
    os.makedirs(os.path.join(root, "bin"), exist_ok=True)
    shutil.copy(busybox, os.path.join(root, "bin", "busybox"))
    shutil.copy(os.path.join(HERE, "guest", "init"), os.path.join(root, "init"))
    os.chmod(os.path.join(root, "init"), 0o755)
    out = os.path.join(work, "initramfs.cpio.gz")
    files = subprocess.run(["find", "."], cwd=root, check=True,
                           capture_output=True).stdout
    with open(out, "wb") as f:
        cpio = subprocess.Popen(["cpio", "-o", "-H", "newc", "--quiet"],
                                cwd=root, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE)
        gz = subprocess.Popen(["gzip", "-1"], stdin=cpio.stdout, stdout=f)
        cpio.stdout.close()
        cpio.communicate(files)
        gz.wait()
    return out


def wait_for_sockets(paths, proc, limit=20):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"camera emulator exited ({proc.returncode})")
        if all(os.path.exists(p) for p in paths):
            return
        time.sleep(0.05)
    raise RuntimeError("camera emulator did not create its sockets")


# The USB-serial adapter's QEMU id, and how it is added again.
USB_ID = "usbser"
USB_DEVICE = {"driver": "usb-serial", "id": USB_ID, "bus": "xhci.0",
              "chardev": "cam"}
# How long a QMP command, or the unplug it starts, may take.
QMP_LIMIT = 30


class Qmp:
    """QEMU's QMP monitor, connected on first use (QEMU is up by then)."""

    def __init__(self, path):
        self.path = path
        self.sock = None
        self.buf = b""
        self.id = 0

    def _recv(self, end):
        while b"\n" not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise RuntimeError("QMP: no answer in time")
            ready, _, _ = select.select([self.sock], [], [], left)
            if ready:
                data = self.sock.recv(65536)
                if not data:
                    raise RuntimeError("QMP: QEMU closed the monitor")
                self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def _connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)
        end = time.monotonic() + QMP_LIMIT
        self._recv(end)                       # the greeting
        self.execute("qmp_capabilities")

    def execute(self, cmd, args=None, event=None):
        """Run @cmd; with @event (a predicate on event messages), wait
        for a matching event too. Returns the command's "return"."""
        if self.sock is None:
            self._connect()
        end = time.monotonic() + QMP_LIMIT
        # the answer is the one with our id (not a late one to a command
        # that ran out of time)
        self.id += 1
        msg = {"execute": cmd, "id": self.id}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        ret = None
        done = False
        while not done or event:
            m = self._recv(end)
            if m.get("id") == self.id and "error" in m:
                raise RuntimeError(f"QMP {cmd}: {m['error'].get('desc', m['error'])}")
            if m.get("id") == self.id and "return" in m:
                ret, done = m["return"], True
            elif event and "event" in m and event(m):
                event = None
        return ret


class HostPort:
    """The guest's requests to the host ("sercam.host" port): one line,
    one answer. QEMU connects to this socket when it starts."""

    def __init__(self, path, qmp, logfile):
        self.path = path
        self.qmp = qmp
        self.logfile = logfile
        self.lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.lsock.bind(path)
        self.lsock.listen(1)
        self.conn = None
        self.buf = b""

    def fds(self):
        return [self.conn if self.conn else self.lsock]

    def ready(self):
        if self.conn is None:
            self.conn, _ = self.lsock.accept()
            return
        data = self.conn.recv(4096)
        if not data:
            self.conn.close()
            self.conn = None
            return
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            text = line.decode("utf-8", "replace").strip()
            t0 = time.monotonic()
            reply = self.command(text)
            with open(self.logfile, "a") as f:
                f.write(f"{text} -> {reply} ({time.monotonic() - t0:.3f} s)\n")
            self.conn.sendall(reply.encode() + b"\n")

    def command(self, line):
        try:
            if line == "ping":
                return "ok pong"
            if line == "usb unplug":
                self.qmp.execute(
                    "device_del", {"id": USB_ID},
                    event=lambda m: m["event"] == "DEVICE_DELETED" and
                    m.get("data", {}).get("device") == USB_ID)
                return "ok unplugged"
            if line == "usb plug":
                self.qmp.execute("device_add", USB_DEVICE)
                return "ok plugged"
            return f"err unknown command '{line}'"
        except (OSError, RuntimeError, ValueError) as e:
            return f"err {e}"


class Watch:
    """Follows the console (QEMU writes console.log): step markers, time limits."""

    def __init__(self, total, start_limit):
        self.start = time.monotonic()
        self.total = total
        self.start_limit = start_limit
        self.started = False
        self.fatal = None
        self.step = None
        self.step_start = 0
        self.step_limit = 0
        self.steps_done = []
        self.hung = None
        self.buf = b""

    def feed(self, data):
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            self.line(line.decode("utf-8", "replace"))

    def line(self, text):
        if BANNER in text:
            self.started = True
        if FATAL in text:
            self.fatal = text[text.index(FATAL) + len(FATAL):].strip()
        m = STEP_RE.search(text)
        if not m:
            return
        what, name, limit, rc = m.groups()
        if what == "begin":
            self.step = name
            self.step_start = time.monotonic()
            self.step_limit = int(limit or 600)
        elif name == self.step:
            self.steps_done.append((name, int(rc or 0),
                                    time.monotonic() - self.step_start))
            self.step = None

    def overdue(self):
        now = time.monotonic()
        if not self.started and now - self.start > self.start_limit:
            return (f"guest never started its plan (no \"{BANNER}\" on the "
                    f"console within {self.start_limit} s)")
        if self.step and now - self.step_start > self.step_limit:
            return f"step '{self.step}' hung (over its {self.step_limit} s limit)"
        if now - self.start > self.total:
            where = f"in step '{self.step}'" if self.step else "between steps"
            return f"guest did not finish within {self.total} s ({where})"
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--rootfs", required=True, help="ext4 image of the guest userspace")
    ap.add_argument("--busybox", required=True)
    ap.add_argument("--payload", required=True, help="tree copied into the initramfs")
    ap.add_argument("--overlay", default=os.path.join(TOP, "dts", "qemu-virt-sercam.dtso"),
                    help='the camera overlay; "none": no camera node (sercam-attach)')
    ap.add_argument("--plan", required=True)
    ap.add_argument("--out", required=True, help="results directory")
    ap.add_argument("--camemu", required=True)
    ap.add_argument("--camemu-arg", action="append", default=[])
    ap.add_argument("--timeout", type=int, default=1800, help="whole run, seconds")
    ap.add_argument("--start-limit", type=int, default=300,
                    help="seconds from QEMU's start to the plan's first line")
    ap.add_argument("--append", default="", help="extra kernel command line")
    ap.add_argument("--console", default="hvc0",
                    help="the kernel's console= (one no device has boots the "
                    "guest without an initial console, as when hvc0 comes late)")
    ap.add_argument("--rate", type=int, default=0,
                    help="the camera's power-on rate (devicetree and emulator)")
    ap.add_argument("--usb-serial", action="store_true",
                    help="the camera on a USB-serial adapter (/dev/ttyUSB0), "
                    "not the PL011; the guest may unplug and re-plug it "
                    "through the sercam.host port")
    ap.add_argument("--arch", choices=sorted(ARCHES), default="arm64",
                    help="the guest's architecture (the kernel's and the "
                    "rootfs')")
    args = ap.parse_args()
    qemu_bin = set_arch(args.arch)

    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="sercam-")
    sock = {n: os.path.join(work, n + ".sock") for n in ("uart", "ctl")}
    host = None
    if args.usb_serial:
        host = HostPort(os.path.join(work, "host.sock"),
                        Qmp(os.path.join(work, "qmp.sock")),
                        os.path.join(args.out, "host-port.log"))
    trace = os.path.join(args.out, "qemu-trace.log")
    open(trace, "w").close()

    dtb = build_dtb(work, args.overlay, args.rate, qemu_bin)
    initrd = build_initramfs(work, args.payload, args.busybox)

    emu_log = open(os.path.join(args.out, "camemu.log"), "wb")
    emu = subprocess.Popen([args.camemu, "--uart", sock["uart"], "--ctl", sock["ctl"],
                            "--trace-log", trace,
                            "--manifest", os.path.join(args.out, "manifest.txt"),
                            *(["--rate", str(args.rate)] if args.rate else []),
                            *args.camemu_arg],
                           stdout=emu_log, stderr=subprocess.STDOUT)
    qemu = None
    verdict = 0
    try:
        wait_for_sockets(sock.values(), emu)
        tap = os.path.join(args.out, "guest.tap")
        res = os.path.join(work, "results.tar")
        cmdline = (f"console={args.console} rdinit=/init panic=-1 log_buf_len=8M tbplan={args.plan} "
                   f"{'tbhostport ' if host else ''}{args.append}").strip()
        camera = ["-chardev", f"socket,id=cam,path={sock['uart']}"]
        usb = []
        if host:
            # the adapter on the camera's socket, the PL011 on nothing;
            # the adapter's rate in the trace log for the emulator
            camera += ["-serial", "null", "-device", "qemu-xhci,id=xhci",
                       "-device", "usb-serial," + ",".join(
                           f"{k}={v}" for k, v in USB_DEVICE.items() if k != "driver")]
            usb = ["-qmp", f"unix:{host.qmp.path},server=on,wait=off",
                   "-chardev", f"socket,id=host,path={host.path}",
                   "-device", "virtserialport,chardev=host,name=sercam.host"]
            trace_ev = "usb_serial_set_baud"
        else:
            camera += ["-serial", "chardev:cam"]
            trace_ev = "pl011_baudrate_change"
        console_path = os.path.join(args.out, "console.log")
        qemu_cmd = [
            qemu_bin, *MACHINE, "-display", "none", "-monitor", "none",
            "-no-reboot", "-kernel", args.kernel, "-initrd", initrd, "-dtb", dtb,
            "-append", cmdline, *camera,
            "-device", "virtio-serial-device",
            "-chardev", f"file,id=con,path={console_path}",
            "-device", "virtconsole,chardev=con",
            "-chardev", f"socket,id=ctl,path={sock['ctl']}",
            "-device", "virtserialport,chardev=ctl,name=sercam.ctl",
            "-chardev", f"file,id=tap,path={tap}",
            "-device", "virtserialport,chardev=tap,name=sercam.tap",
            "-chardev", f"file,id=res,path={res}",
            "-device", "virtserialport,chardev=res,name=sercam.results",
            "-drive", f"file={args.rootfs},if=none,format=raw,id=root,readonly=on",
            "-device", "virtio-blk-device,drive=root",
            "-d", f"trace:{trace_ev}", "-D", trace, *usb,
        ]
        with open(os.path.join(args.out, "qemu-cmdline.txt"), "w") as f:
            f.write(" ".join(qemu_cmd) + "\n")
        open(console_path, "wb").close()
        console = open(console_path, "rb")
        watch = Watch(args.timeout, args.start_limit)
        qemu_log = open(os.path.join(args.out, "qemu.log"), "wb")
        qemu = subprocess.Popen(qemu_cmd, stdin=subprocess.DEVNULL,
                                stdout=qemu_log, stderr=subprocess.STDOUT)
        while True:
            # a regular file: read() returns what QEMU has written so far
            data = console.read()
            if data:
                watch.feed(data)
            if qemu.poll() is not None:
                data = console.read()
                if data:
                    watch.feed(data)
                break
            reason = watch.overdue()
            if reason:
                watch.hung = reason
                log(reason)
                qemu.kill()
                qemu.wait()
                break
            if host:
                # the host port's requests, answered as they come; the
                # console file's poll interval while it is quiet
                ready, _, _ = select.select(host.fds(), [], [], 0 if data else 0.1)
                if ready:
                    host.ready()
            elif not data:
                time.sleep(0.1)     # the file's poll interval
        console.close()
        qemu_log.close()

        if os.path.getsize(res) > 0:
            try:
                with tarfile.open(res) as t:
                    t.extractall(args.out)
            except tarfile.TarError as e:
                log(f"results archive unreadable: {e}")
        with open(os.path.join(args.out, "steps.txt"), "w") as f:
            for name, rc, secs in watch.steps_done:
                f.write(f"{name} rc={rc} {secs:.1f}s\n")
            if watch.hung:
                f.write(f"HUNG {watch.hung}\n")
        if watch.hung:
            verdict = 2
        elif not os.path.exists(os.path.join(args.out, "finished")):
            why = f": {watch.fatal}" if watch.fatal else ""
            with open(os.path.join(args.out, "steps.txt"), "a") as f:
                f.write(f"HUNG guest stopped before the end of its plan{why}\n")
            verdict = 2
    finally:
        if qemu and qemu.poll() is None:
            qemu.kill()
        emu.send_signal(signal.SIGTERM)
        try:
            emu.wait(timeout=10)
        except subprocess.TimeoutExpired:
            emu.kill()
        emu_log.close()
        shutil.rmtree(work, ignore_errors=True)
    return verdict


if __name__ == "__main__":
    sys.exit(main())
