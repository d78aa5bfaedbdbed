#!/usr/bin/env python3
"""evtx_repeat.py - builds a larger .evtx for the benchmarks by repeating the used chunks of a real
one: the file header's last-chunk number, chunk count and next record id are rewritten and its
CRC32 recomputed; every chunk is copied byte for byte (its own CRCs stay valid, so record numbers
repeat from one copy to the next, which readers accept).

usage: evtx_repeat.py IN.evtx OUT.evtx TIMES
"""
import struct
import sys
import zlib

HDR, CHUNK = 4096, 65536


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[-1])
    src, dst, times = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data = open(src, "rb").read()
    if data[:8] != b"ElfFile\0" or len(data) < HDR + CHUNK:
        sys.exit("evtx_repeat.py: %s: not an .evtx file" % src)
    nchunks = struct.unpack_from("<H", data, 42)[0]
    next_rec = struct.unpack_from("<Q", data, 24)[0]
    chunks = data[HDR:HDR + nchunks * CHUNK]
    if len(chunks) != nchunks * CHUNK or nchunks * times > 0xFFFF:
        sys.exit("evtx_repeat.py: %s: %d chunks cannot be repeated %d times" % (src, nchunks, times))
    hdr = bytearray(data[:HDR])
    struct.pack_into("<Q", hdr, 16, nchunks * times - 1)          # last chunk number
    struct.pack_into("<Q", hdr, 24, (next_rec - 1) * times + 1)   # next record id
    struct.pack_into("<H", hdr, 42, nchunks * times)              # chunk count
    struct.pack_into("<I", hdr, 120, 0)                           # flags: clean, not full
    struct.pack_into("<I", hdr, 124, zlib.crc32(bytes(hdr[:120])) & 0xFFFFFFFF)
    with open(dst, "wb") as f:
        f.write(hdr)
        for _ in range(times):
            f.write(chunks)


if __name__ == "__main__":
    main()
