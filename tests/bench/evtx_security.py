#!/usr/bin/env python3
"""evtx_security.py - writes a Security .evtx of 4624 (logon) and 4769 (service ticket) events for
the benchmarks, laid out as Windows writes them (and as the corpus' logs are): per chunk, a System
template whose <Event> holds substitution 17, a BinXML value instantiating the event's own
EventData template (4624: 27 fields, 4769: 11 fields); the first record of a chunk that uses a
template defines it inline, later ones refer to it. Accounts, hosts and addresses vary per record;
none is named "bench-absent-decoy". Checksums are valid. The direct path of the reader is meant
to take every record; test_evtx_direct checks that path against XML on real logs.

usage: evtx_security.py OUT.evtx RECORDS
"""
import struct
import sys
import zlib

HDR, CHUNK = 4096, 65536


def u16(s):
    return s.encode("utf-16-le")


def sid(sub):
    return bytes([1, len(sub), 0, 0, 0, 0, 0, 5]) + b"".join(struct.pack("<I", x) for x in sub)


class Chunk:
    def __init__(self):
        self.b = bytearray(512)
        self.defs = {}
        self.last = 512
        self.stack = []

    def name(self, s):
        n = u16(s)
        return struct.pack("<IHH", 0, 0, len(s)) + n + b"\0\0"

    def open_el(self, n, attrs=False):
        at = len(self.b) + 11
        size_at = len(self.b) + 3
        self.b += bytes([0x41 if attrs else 0x01]) + struct.pack("<HII", 0xFFFF, 0, at) + self.name(n)
        attr_at = len(self.b) if attrs else None
        if attrs:
            self.b += struct.pack("<I", 0)
        self.stack.append((size_at, attr_at))

    def _attrs_done(self):
        attr_at = self.stack[-1][1]
        if attr_at is not None:
            struct.pack_into("<I", self.b, attr_at, len(self.b) - attr_at - 4)

    def _pop(self):
        size_at = self.stack.pop()[0]
        struct.pack_into("<I", self.b, size_at, len(self.b) - size_at - 4)

    def content(self):  # close start tag
        self._attrs_done()
        self.b += b"\x02"

    def empty(self):  # close empty element
        self._attrs_done()
        self.b += b"\x03"
        self._pop()

    def end(self):
        self.b += b"\x04"
        self._pop()

    def attr(self, n):
        self.b += b"\x06" + struct.pack("<I", len(self.b) + 5) + self.name(n)

    def sub(self, i, t, opt=True):
        self.b += bytes([0x0E if opt else 0x0D]) + struct.pack("<HB", i, t)

    def text(self, s):
        self.b += b"\x05\x01" + struct.pack("<H", len(s)) + u16(s)

    def leaf(self, n, i, t):
        self.open_el(n)
        self.content()
        self.sub(i, t)
        self.end()

    def system_body(self):
        self.b += b"\x0f\x01\x01\x00"
        self.open_el("Event", True)
        self.attr("xmlns")
        self.text("http://schemas.microsoft.com/win/2004/08/events/event")
        self.content()
        self.open_el("System")
        self.content()
        self.open_el("Provider", True)
        self.attr("Name")
        self.text("Microsoft-Windows-Security-Auditing")
        self.attr("Guid")
        self.text("{54849625-5478-4994-a5ba-3e3b0328c30d}")
        self.empty()
        self.open_el("EventID", True)
        self.attr("Qualifiers")
        self.sub(4, 0x06)
        self.content()
        self.sub(3, 0x06)
        self.end()
        for n, i, t in (("Version", 0, 0x04), ("Level", 1, 0x04), ("Task", 2, 0x06), ("Opcode", 5, 0x04),
                        ("Keywords", 6, 0x15)):
            self.leaf(n, i, t)
        self.open_el("TimeCreated", True)
        self.attr("SystemTime")
        self.sub(7, 0x11)
        self.empty()
        self.leaf("EventRecordID", 8, 0x0A)
        self.open_el("Correlation", True)
        self.attr("ActivityID")
        self.sub(9, 0x0F)
        self.empty()
        self.open_el("Execution", True)
        self.attr("ProcessID")
        self.sub(10, 0x08)
        self.attr("ThreadID")
        self.sub(11, 0x08)
        self.empty()
        self.leaf("Channel", 12, 0x01)
        self.leaf("Computer", 13, 0x01)
        self.open_el("Security", True)
        self.attr("UserID")
        self.sub(14, 0x13)
        self.empty()
        self.end()
        self.sub(17, 0x21)
        self.end()
        self.b += b"\x00"

    def data_body(self, fields):
        self.b += b"\x0f\x01\x01\x00"
        self.open_el("EventData")
        self.content()
        for i, (n, t, _) in enumerate(fields):
            self.open_el("Data", True)
            self.attr("Name")
            self.text(n)
            self.content()
            self.sub(i, t)
            self.end()
        self.end()
        self.b += b"\x00"

    def instance(self, key, body):
        if key in self.defs:
            self.b += b"\x0c\x01" + struct.pack("<II", 0, self.defs[key])
            return
        at = len(self.b) + 10
        self.defs[key] = at
        self.b += b"\x0c\x01" + struct.pack("<II", 0, at) + struct.pack("<I", 0) + bytes(16)
        size_at = len(self.b)
        self.b += b"\0\0\0\0"
        body()
        struct.pack_into("<I", self.b, size_at, len(self.b) - size_at - 4)

    def values(self, vals):
        self.b += struct.pack("<I", len(vals))
        for t, v in vals:
            self.b += struct.pack("<HBB", len(v), t, 0)
        for _, v in vals:
            self.b += v

    def record(self, no, eid, fields):
        start = self.last = len(self.b)
        self.b += struct.pack("<IIQQ", 0x2A2A, 0, no, 0)
        self.b += b"\x0f\x01\x01\x00"
        self.instance("system", self.system_body)
        ft = 132000000000000000 + no * 10000000
        sys_vals = [(0x04, b"\x02"), (0x04, b"\0"), (0x06, struct.pack("<H", 12544 if eid == 4624 else 14337)),
                    (0x06, struct.pack("<H", eid)), (0x06, b"\0\0"), (0x04, b"\0"),
                    (0x15, struct.pack("<Q", 0x8020000000000000)), (0x11, struct.pack("<Q", ft)),
                    (0x0A, struct.pack("<Q", no)), (0x0F, bytes(range(16))), (0x08, struct.pack("<I", 644)),
                    (0x08, struct.pack("<I", 700 + no % 50)), (0x01, u16("Security")),
                    (0x01, u16("DC01.corp.example")), (0x00, b""), (0x00, b""), (0x00, b"")]
        # descriptors first (the nested value's size patched once written)
        self.b += struct.pack("<I", 18)
        for t, v in sys_vals:
            self.b += struct.pack("<HBB", len(v), t, 0)
        nv_at = len(self.b)
        self.b += struct.pack("<HBB", 0, 0x21, 0)
        for _, v in sys_vals:
            self.b += v
        v_at = len(self.b)  # the nested value, written in place: its offsets are chunk-relative
        self.b += b"\x0f\x01\x01\x00"
        self.instance(eid, lambda: self.data_body(fields))
        self.values([(t, v) for _, t, v in fields])
        self.b += b"\x00"
        struct.pack_into("<H", self.b, nv_at, len(self.b) - v_at)
        self.b += b"\x00"
        while (len(self.b) - start + 4) % 8:
            self.b += b"\0"
        self.b += struct.pack("<I", len(self.b) - start + 4)
        struct.pack_into("<I", self.b, start + 4, len(self.b) - start)

    def finish(self, first, last):
        b = self.b + bytes(CHUNK - len(self.b))
        b[0:8] = b"ElfChnk\0"
        struct.pack_into("<QQQQ", b, 8, first, last, first, last)
        struct.pack_into("<II", b, 40, 128, self.last)  # header size, last record's offset
        struct.pack_into("<I", b, 48, len(self.b))
        struct.pack_into("<I", b, 52, zlib.crc32(bytes(b[512:len(self.b)])) & 0xFFFFFFFF)
        struct.pack_into("<I", b, 124, zlib.crc32(bytes(b[:120]) + bytes(b[128:512])) & 0xFFFFFFFF)
        return bytes(b)


def fields_4624(no):
    user = "user%05d" % (no % 5000)
    return [("SubjectUserSid", 0x13, sid([18])), ("SubjectUserName", 0x01, u16("DC01$")),
            ("SubjectDomainName", 0x01, u16("CORP")), ("SubjectLogonId", 0x15, struct.pack("<Q", 0x3E7)),
            ("TargetUserSid", 0x13, sid([21, 4230534742, 2542757381, 3142984815, 1000 + no % 5000])),
            ("TargetUserName", 0x01, u16(user)), ("TargetDomainName", 0x01, u16("CORP")),
            ("TargetLogonId", 0x15, struct.pack("<Q", 0x1000000 + no)), ("LogonType", 0x08, struct.pack("<I", 3)),
            ("LogonProcessName", 0x01, u16("Kerberos ")), ("AuthenticationPackageName", 0x01, u16("Kerberos")),
            ("WorkstationName", 0x01, u16("-")), ("LogonGuid", 0x0F, bytes(range(16))),
            ("TransmittedServices", 0x01, u16("-")), ("LmPackageName", 0x01, u16("-")),
            ("KeyLength", 0x08, struct.pack("<I", 0)), ("ProcessId", 0x15, struct.pack("<Q", 0)),
            ("ProcessName", 0x01, u16("-")), ("IpAddress", 0x01, u16("10.1.%d.%d" % (no % 200, no % 250))),
            ("IpPort", 0x01, u16(str(49152 + no % 10000))), ("ImpersonationLevel", 0x01, u16("%%1833")),
            ("RestrictedAdminMode", 0x01, u16("-")), ("TargetOutboundUserName", 0x01, u16("-")),
            ("TargetOutboundDomainName", 0x01, u16("-")), ("VirtualAccount", 0x01, u16("%%1843")),
            ("TargetLinkedLogonId", 0x15, struct.pack("<Q", 0)), ("ElevatedToken", 0x01, u16("%%1842"))]


def fields_4769(no):
    return [("TargetUserName", 0x01, u16("user%05d@CORP.EXAMPLE" % (no % 5000))),
            ("TargetDomainName", 0x01, u16("CORP.EXAMPLE")), ("ServiceName", 0x01, u16("SRV%04d$" % (no % 300))),
            ("ServiceSid", 0x13, sid([21, 4230534742, 2542757381, 3142984815, 20000 + no % 300])),
            ("TicketOptions", 0x14, struct.pack("<I", 0x40810000)),
            ("TicketEncryptionType", 0x14, struct.pack("<I", 0x12)),
            ("IpAddress", 0x01, u16("::ffff:10.1.%d.%d" % (no % 200, no % 250))),
            ("IpPort", 0x01, u16(str(49152 + no % 10000))), ("Status", 0x14, struct.pack("<I", 0)),
            ("LogonGuid", 0x0F, bytes(range(16))), ("TransmittedServices", 0x01, u16("-"))]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    out, total = sys.argv[1], int(sys.argv[2])
    chunks, no, c, first = [], 1, Chunk(), 1
    while no <= total:
        before, last = len(c.b), c.last
        c.record(no, 4624 if no % 2 else 4769, fields_4624(no) if no % 2 else fields_4769(no))
        if len(c.b) > CHUNK - 8:  # did not fit: start a new chunk with this record
            del c.b[before:]
            c.last = last
            chunks.append(c.finish(first, no - 1))
            c, first = Chunk(), no
            continue
        no += 1
    chunks.append(c.finish(first, no - 1))
    hdr = bytearray(HDR)
    hdr[0:8] = b"ElfFile\0"
    struct.pack_into("<QQQ", hdr, 8, 0, len(chunks) - 1, no)
    struct.pack_into("<IHHH", hdr, 32, 128, 1, 3, 4096)
    struct.pack_into("<H", hdr, 42, len(chunks) & 0xFFFF)
    struct.pack_into("<I", hdr, 124, zlib.crc32(bytes(hdr[:120])) & 0xFFFFFFFF)
    with open(out, "wb") as f:
        f.write(hdr)
        for ch in chunks:
            f.write(ch)


if __name__ == "__main__":
    main()
