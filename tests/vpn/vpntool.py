#!/usr/bin/env python3
"""Small network tools for the VPN tests (the test machine has no ping or nc).

  vpntool.py ping ADDR [COUNT] [TIMEOUT_S]   ICMP echo; exit 0 if at least one reply of COUNT
  vpntool.py sink PORT READYFILE             accept one TCP connection, read to EOF, print
                                             "<bytes> <sha256>"
  vpntool.py send HOST PORT NBYTES SEED      connect, send NBYTES of a seeded stream, print
                                             "<bytes> <sha256> <seconds>"
  vpntool.py blast HOST PORT SECONDS         (benchmarks) send one 256 KiB block over and over
                                             for SECONDS; the sink's count is the result
"""
import hashlib
import os
import random
import socket
import struct
import sys
import time


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def ping(addr, count=3, timeout=2.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xFFFF
    got = 0
    for seq in range(count):
        payload = b"qstp-vpn-test-%d" % seq
        hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        pkt = struct.pack("!BBHHH", 8, 0, checksum(hdr + payload), ident, seq) + payload
        t0 = time.time()
        s.sendto(pkt, (addr, 0))
        while True:
            left = timeout - (time.time() - t0)
            if left <= 0:
                break
            s.settimeout(left)
            try:
                data, src = s.recvfrom(65535)
            except socket.timeout:
                break
            ihl = (data[0] & 0x0F) * 4
            typ, _, _, rid, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
            if typ == 0 and rid == ident and rseq == seq and src[0] == addr:
                got += 1
                print("reply from %s seq=%d time=%.1f ms" % (addr, seq, (time.time() - t0) * 1000))
                break
    print("%d/%d replies" % (got, count))
    return 0 if got > 0 else 1


def stream(nbytes, seed):
    rnd = random.Random(seed)
    left = nbytes
    while left > 0:
        n = min(left, 65536)
        yield rnd.randbytes(n)
        left -= n


def sink(port, readyfile):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(1)
    with open(readyfile, "w") as f:
        f.write("ready\n")
    ls.settimeout(60)
    c, _ = ls.accept()
    c.settimeout(60)
    h = hashlib.sha256()
    total = 0
    while True:
        b = c.recv(1 << 16)
        if not b:
            break
        h.update(b)
        total += len(b)
    print(total, h.hexdigest())
    return 0


def send(host, port, nbytes, seed):
    h = hashlib.sha256()
    c = socket.create_connection((host, port), timeout=60)
    t0 = time.time()
    for chunk in stream(nbytes, seed):
        h.update(chunk)
        c.sendall(chunk)
    c.shutdown(socket.SHUT_WR)
    c.recv(1)  # the sink closes after reading everything
    dt = time.time() - t0
    print(nbytes, h.hexdigest(), "%.3f" % dt)
    return 0


def blast(host, port, seconds):
    block = random.Random(1).randbytes(262144)
    c = socket.create_connection((host, port), timeout=60)
    end = time.time() + seconds
    sent = 0
    while time.time() < end:
        c.sendall(block)
        sent += len(block)
    c.shutdown(socket.SHUT_WR)
    c.recv(1)
    print(sent)
    return 0


def sink_rate(port, readyfile):
    """Like sink, without hashing: prints "<bytes> <seconds from first byte to EOF>"."""
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(1)
    with open(readyfile, "w") as f:
        f.write("ready\n")
    ls.settimeout(60)
    c, _ = ls.accept()
    c.settimeout(60)
    buf = bytearray(1 << 20)
    total = 0
    t0 = None
    while True:
        n = c.recv_into(buf)
        if n == 0:
            break
        if t0 is None:
            t0 = time.time()
        total += n
    print(total, "%.3f" % (time.time() - (t0 or time.time())))
    return 0


def main(argv):
    if len(argv) == 5 and argv[1] == "blast":
        return blast(argv[2], int(argv[3]), float(argv[4]))
    if len(argv) == 4 and argv[1] == "sinkrate":
        return sink_rate(int(argv[2]), argv[3])
    if len(argv) >= 2 and argv[1] == "ping":
        return ping(argv[2], int(argv[3]) if len(argv) > 3 else 3,
                    float(argv[4]) if len(argv) > 4 else 2.0)
    if len(argv) == 4 and argv[1] == "sink":
        return sink(int(argv[2]), argv[3])
    if len(argv) == 6 and argv[1] == "send":
        return send(argv[2], int(argv[3]), int(argv[4]), int(argv[5]))
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
