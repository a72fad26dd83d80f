#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Seed corpus for fuzz_sxh485 from real camera traffic: start camemu (the
# camera emulator) clean and with a few faults, talk the SXH485 protocol to
# it over its UART socket like the driver does (0x01 hello, 0x02/0x12 whole
# images, 0x34, 0x32, 0x30 and 0x31 per packet, 0x03/0x04/0x08), record
# the bytes the camera sends back, and write them as fuzzer inputs: the
# scenario header fuzz_sxh485.c reads, then the recorded bytes.
#
#   make-corpus.py [--camemu PATH] [--out DIR] [--seed N]
#
# Without --camemu, camemu is built into a temporary directory. The camera
# runs at 921600 bit/s with 160x160 images, so a run takes seconds.
#
# The protocol encoder here is this script's own (a test client); the CRC
# is CRC-16/XMODEM from binascii.crc_hqx().

import argparse
import binascii
import os
import random
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, '..', '..', '..'))

RATE = 921600
ADDR = 1
RES_160 = 0x01          # 160x160 in camemu's default table

# fuzz_sxh485.c's input header
SC_REPLY, SC_PACKETS, SC_WHOLE, SC_AUX = 0, 1, 2, 3
F_RETRY, F_OPT, F_NOEXP, F_EXCH, F_FIXCRC = 0x04, 0x08, 0x10, 0x20, 0x40

# A command is sent again while its reply is broken, as the driver does.
TRIES = 3

# name, packet size, faults: 'start' on the command line, the others
# switched on through the control socket just before the first 0x02, the
# 0x30 and the first 0x31, so that a "next N replies" fault hits those
CONFIGS = [
    ('clean', 512, {}),
    ('byteflip', 256, {'start': ['byteflip 0.0015']}),
    ('bytegarbage', 768, {'start': ['byteflip 0.001', 'garbage 0.001']}),
    ('badcrc', 512, {'start': ['badcrc 1'], 0x02: ['badcrc 1'],
                     0x30: ['badcrc 1'], 0x31: ['badcrc 2']}),
    ('truncate', 1024, {'start': ['truncate 1'], 0x02: ['truncate 1'],
                        0x30: ['truncate 1'], 0x31: ['truncate 2']}),
    ('hugelen', 512, {0x02: ['hugelen 1'], 0x30: ['hugelen 1'],
                      0x31: ['hugelen 1']}),
    ('dup', 384, {0x31: ['dup 3']}),
    ('reorder', 512, {0x31: ['reorder 2']}),
    ('ebheader', 128, {'start': ['ebheader 1']}),
    ('garbage', 640, {'start': ['garbage 0.0005']}),
]


def frame(addr, cmd, params=b''):
    """A host-to-camera frame: 90 EB addr cmd len16 params crc16."""
    body = bytes([addr, cmd]) + len(params).to_bytes(2, 'little') + params
    crc = binascii.crc_hqx(body, 0)
    return b'\x90\xeb' + body + crc.to_bytes(2, 'little')


def reply_ok(data, cmd, want):
    """Whether @data holds a good reply of camera ADDR to @cmd whose
    payload starts with @want (0x02/0x12: a length of 4 or more)."""
    long_len = cmd in (0x02, 0x12)
    hl = 7 if long_len else 6
    for i in range(len(data) - 1):
        if data[i:i + 2] not in (b'\x90\xeb', b'\xeb\x90'):
            continue
        h = data[i:i + hl]
        if len(h) < hl or h[2] != ADDR or h[3] != cmd:
            continue
        n = int.from_bytes(h[4:hl], 'little')
        f = data[i:i + hl + n + 2]
        if len(f) < hl + n + 2:
            continue
        crc = int.from_bytes(f[-2:], 'little')
        if crc != binascii.crc_hqx(f[2:-2], 0):
            continue
        pay = f[hl:-2]
        if long_len:
            return n >= 4
        return pay[:len(want)] == bytes(want)
    return False


class Camemu:
    def __init__(self, binary, workdir, faults, seed):
        self.uart_path = os.path.join(workdir, 'uart.sock')
        self.ctl_path = os.path.join(workdir, 'ctl.sock')
        args = [binary, '--uart', self.uart_path, '--ctl', self.ctl_path,
                '--rate', str(RATE), '--seed', str(seed)]
        for f in faults:
            args += ['--fault', f]
        self.log = open(os.path.join(workdir, 'camemu.log'), 'w+b')
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                     stderr=self.log)
        deadline = time.monotonic() + 10
        while not (os.path.exists(self.uart_path) and
                   os.path.exists(self.ctl_path)):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                sys.exit('camemu did not start: ' +
                         self.log.read().decode(errors='replace'))
            time.sleep(0.01)
        self.uart = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.uart.connect(self.uart_path)
        self.ctl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.ctl.connect(self.ctl_path)
        self.ctl_buf = b''

    def exchange(self, cmd, params=b'', first=0.5, quiet=0.06):
        """Send one command; return every byte the camera sends back until
        it has been quiet for @quiet seconds (or silent for @first)."""
        self.uart.sendall(frame(ADDR, cmd, params))
        got = b''
        deadline = time.monotonic() + first
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return got
            r, _, _ = select.select([self.uart], [], [], left)
            if not r:
                return got
            data = self.uart.recv(65536)
            if not data:
                return got
            got += data
            deadline = time.monotonic() + quiet

    def control(self, line):
        self.ctl.sendall(line.encode() + b'\n')
        lines = []
        while True:
            while b'\n' not in self.ctl_buf:
                data = self.ctl.recv(4096)
                if not data:
                    sys.exit('camemu closed its control socket')
                self.ctl_buf += data
            ln, self.ctl_buf = self.ctl_buf.split(b'\n', 1)
            ln = ln.decode().strip()
            if ln.startswith('ok') or ln.startswith('err'):
                return lines, ln
            lines.append(ln)

    def frame_sizes(self):
        """Image size of each captured frame, in capture order."""
        lines, _ = self.control('frames')
        sizes = []
        for ln in lines:
            kv = dict(w.split('=', 1) for w in ln.split() if '=' in w)
            sizes.append(int(kv['size']))
        return sizes

    def close(self):
        self.uart.close()
        self.ctl.close()
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()


def session(cam, pkt_size, faults):
    """The driver's conversation; returns [(cmd, params, reply bytes)],
    every attempt in order, and the largest image the camera captured for
    0x02, 0x30 and 0x12 (a retry captures a new image)."""
    rec = []
    sizes = {}

    def x(cmd, params=b'', want=(0,)):
        params = bytes(params)
        for f in faults.pop(cmd, []):
            cam.control('fault ' + f)
        for _ in range(TRIES):
            data = cam.exchange(cmd, params)
            rec.append((cmd, params, data))
            if reply_ok(data, cmd, want):
                return

    x(0x01, [0x55, 0xaa])
    n = len(cam.frame_sizes())
    x(0x02, [RES_160, 4])                   # also sets compression 4
    sizes[0x02] = max(cam.frame_sizes()[n:] or [0])
    x(0x34, [RES_160], want=[0, RES_160])
    x(0x32, pkt_size.to_bytes(2, 'little'),
      want=[0] + list(pkt_size.to_bytes(2, 'little')))
    n = len(cam.frame_sizes())
    x(0x30)
    got = cam.frame_sizes()[n:]
    sizes[0x30] = max(got or [0])
    # the packets of the last image taken
    count = (got[-1] + pkt_size - 1) // pkt_size if got else 0
    for i in range(count):
        x(0x31, i.to_bytes(2, 'little'),
          want=[0] + list(i.to_bytes(2, 'little')))
    n = len(cam.frame_sizes())
    x(0x12, [RES_160, 4])
    sizes[0x12] = max(cam.frame_sizes()[n:] or [0])
    x(0x03, [0x90], want=[0, 0x90])
    x(0x04, [0x70], want=[0, 0x70])
    x(0x08, [0x33], want=[0, 0x33])
    return rec, sizes


def header(op, chunks, params):
    return bytes([op]) + bytes(chunks) + bytes(params)


def chunk_sizes(rng, kind):
    """Split points: all at once, byte by byte, or a mix (see chunk_len())."""
    if kind == 0:
        return [0, 0, 0, 0]
    if kind == 1:
        return [1, 1, 1, 1]
    return [rng.choice([1, 2, 3, 7, 8, 9, 15, 64, 200, 0xf0, 0xf1, 0])
            for _ in range(4)]


def reply_params(cmd, params):
    """SC_REPLY: addr, cmd, head_len, match_len, match[4], data_len; as the
    driver arms the parser for that command."""
    if cmd == 0x01:
        head, match = 3, []
    elif cmd == 0x30:
        head, match = 7, [0]
    elif cmd == 0x32:
        head, match = 3, [0] + list(params)
    else:                                   # 0x03 0x04 0x08 0x34
        head, match = 2, [0] + list(params)
    m = (match + [0, 0, 0, 0])[:4]
    return [ADDR, cmd, head, len(match)] + m + [0, 0]


def corpus_files(name, rec, sizes, pkt_size, rng):
    by_cmd = {}
    for cmd, params, data in rec:
        by_cmd.setdefault(cmd, []).append((params, data))

    def replies(cmd, exch=False):
        """The bytes received for @cmd: one stream, or (F_EXCH) one
        length-prefixed record per exchange."""
        if exch:
            return b''.join(len(d).to_bytes(2, 'little') + d
                            for _, d in by_cmd.get(cmd, []))
        return b''.join(d for _, d in by_cmd.get(cmd, []))

    whole, pktimg, gray = sizes[0x02], sizes[0x30], sizes[0x12]
    pcode = pkt_size // 128 - 1
    out = {}
    k = rng.randrange(3)

    def chunks():
        nonlocal k
        k += 1
        return chunk_sizes(rng, k % 3)

    # packet mode as the driver runs it: 0x30, then 0x31 per packet, each
    # exchange on its own
    wire = replies(0x30, True) + replies(0x31, True)
    size = pktimg or 4096
    out['packets-snap'] = header(
        SC_PACKETS | F_OPT | F_EXCH, chunks(),
        [ADDR] + list(size.to_bytes(3, 'little')) + [pcode]) + wire
    # the packets alone, into a buffer of exactly the image's size; damaged
    # bytes get a right CRC, so that damaged frames get past the CRC check
    wire = replies(0x31)
    out['packets'] = header(
        SC_PACKETS | F_RETRY | (F_FIXCRC if 'byte' in name else 0), chunks(),
        [ADDR] + list(size.to_bytes(3, 'little')) + [pcode]) + wire
    # the same, with packet 1 cut short by 16 bytes (length field too);
    # F_FIXCRC gives it a right CRC: a matching packet shorter than asked
    if name == 'clean' and len(by_cmd.get(0x31, [])) > 2:
        pk = [d for _, d in by_cmd[0x31]]
        n = int.from_bytes(pk[1][4:6], 'little') - 16
        pk[1] = pk[1][:4] + n.to_bytes(2, 'little') + pk[1][6:6 + n] + \
            b'\0\0'
        out['packets-short'] = header(
            SC_PACKETS | F_FIXCRC, chunks(),
            [ADDR] + list(size.to_bytes(3, 'little')) + [pcode]) + \
            b''.join(pk)
    # whole images, colour (exchanges) and gray (one stream)
    out['whole'] = header(SC_WHOLE | F_EXCH, chunks(),
                          [ADDR] + list(whole.to_bytes(3, 'little'))) + \
        replies(0x02, True)
    out['gray'] = header(SC_WHOLE | F_OPT, chunks(),
                         [ADDR] + list(gray.to_bytes(3, 'little'))) + \
        replies(0x12)
    # short replies: hello, packet size, snap, and one setting
    for cmd in (0x01, 0x32, 0x30, rng.choice([0x03, 0x04, 0x08, 0x34])):
        exch = rng.random() < 0.5
        out['reply-%02x' % cmd] = header(
            SC_REPLY | (F_EXCH if exch else F_RETRY), chunks(),
            reply_params(cmd, by_cmd[cmd][0][0])) + replies(cmd, exch)
    return {'%s-%s' % (name, kind): v for kind, v in out.items()}, by_cmd


def aux_files(jpeg):
    """Seeds for the encoder and helpers (SC_AUX)."""
    return {
        # sxh485_encode(): room 12, addr 1, 0x01 with 55 AA
        'aux-encode': header(SC_AUX | 0x00, [0] * 4,
                             [12, ADDR, 0x01, 2, 0x55, 0xaa]),
        # sxh485_jpeg_end() on an image the camera sent, padded
        'aux-jpeg': header(SC_AUX | 0x04, [0] * 4, []) + jpeg + b'\0\xff\0',
        # sxh485_best_pkt_size(): 64 KiB window, 3 failures, overhead 60
        'aux-best': header(SC_AUX | 0x08, [0] * 4,
                           list((65536).to_bytes(8, 'little')) +
                           list((3).to_bytes(4, 'little')) +
                           list((60).to_bytes(4, 'little')) +
                           list((4096).to_bytes(4, 'little'))),
        # rates and packet counts
        'aux-misc': header(SC_AUX | 0x0c, [0] * 4,
                           list((115200).to_bytes(4, 'little')) +
                           list((13945).to_bytes(4, 'little')) +
                           list((512).to_bytes(4, 'little')) + [6]),
    }


def jpeg_of(reply):
    """The JPEG inside a clean 0x02 reply (7-byte header, CRC at the end)."""
    if len(reply) < 9 or reply[:2] != b'\x90\xeb':
        return b'\xff\xd8\xff\xd9'
    n = int.from_bytes(reply[4:7], 'little')
    return reply[7:7 + n]


def build_camemu(tmp):
    out = os.path.join(tmp, 'camemu-build')
    subprocess.run(['make', '-s', '-C', os.path.join(TOP, 'tools', 'camemu'),
                    'O=' + out], check=True, stdout=sys.stderr)
    return os.path.join(out, 'camemu')


def main():
    ap = argparse.ArgumentParser(
        description='Seed corpus for fuzz_sxh485 from camemu traffic.')
    ap.add_argument('--camemu', help='camemu binary (default: build it)')
    ap.add_argument('--out', default=os.path.join(HERE, 'corpus'),
                    help='corpus directory (replaced)')
    ap.add_argument('--seed', type=int, default=1,
                    help='camemu fault seed and split-point seed')
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix='sxh485-corpus-')
    try:
        binary = args.camemu or build_camemu(tmp)
        files = {}
        jpeg = None
        for i, (name, pkt_size, faults) in enumerate(CONFIGS):
            work = os.path.join(tmp, name)
            os.mkdir(work)
            t0 = time.monotonic()
            cam = Camemu(binary, work, faults.get('start', []),
                         args.seed + i)
            try:
                rec, sizes = session(cam, pkt_size, dict(faults))
            finally:
                cam.close()
            rng = random.Random('%d-%s' % (args.seed, name))
            got, by_cmd = corpus_files(name, rec, sizes, pkt_size, rng)
            files.update(got)
            if name == 'clean':
                jpeg = jpeg_of(by_cmd[0x02][-1][1])
            nbytes = sum(len(d) for _, _, d in rec)
            print('%-9s %s: %d exchanges, %d bytes received, images %s, '
                  '%.1f s' % (name, ', '.join(sum(faults.values(), [])) or '-',
                              len(rec), nbytes,
                              ' '.join('%02x:%d' % kv for kv in sizes.items()),
                              time.monotonic() - t0), file=sys.stderr)
        files.update(aux_files(jpeg))

        if os.path.isdir(args.out):
            shutil.rmtree(args.out)
        os.makedirs(args.out)
        for name, data in sorted(files.items()):
            with open(os.path.join(args.out, name), 'wb') as f:
                f.write(data)
        print('%d files, %d bytes in %s' %
              (len(files), sum(len(d) for d in files.values()), args.out),
              file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
