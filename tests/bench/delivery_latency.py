#!/usr/bin/env python3
"""delivery_latency.py - the measuring side of bench_delivery.sh (issue 15, item 4).

Appends N decoy events (Kerberoast, 4769) to the XML file a running decoysvc follows, at RATE events
per second, noting when each one was written (flushed); meanwhile watches the spool's segment files
and notes when each alert's record appears there; at the end reads the fast HEC receiver's output
(stamped on arrival with --stamp). Prints event-to-spool and event-to-delivery (fast sink) latency
as p50 / p99 / max, and how far the slow sink got.

    delivery_latency.py XML SPOOL_DIR FAST_OUT SLOW_OUT N RATE

An event is matched to its alert by its EventRecordID (the alert's event.record_id). A record is
seen in the spool when its bytes are in the segment file (just before the commit's fsync returns).
"""
import glob
import json
import os
import struct
import sys
import threading
import time

NS = "http://schemas.microsoft.com/win/2004/08/events/event"


def event_xml(rid):
    ip = "10.%d.%d.%d" % (100 + (rid >> 16) % 100, (rid >> 8) & 255, rid & 255)
    return ("<Event xmlns='%s'><System><Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4769</EventID>"
            "<Version>0</Version><TimeCreated SystemTime='2026-11-20T09:00:00.0000000Z'/>"
            "<EventRecordID>%d</EventRecordID><Channel>Security</Channel><Computer>dc1.corp.example</Computer>"
            "</System><EventData><Data Name='TargetUserName'>attacker%d@CORP.EXAMPLE</Data>"
            "<Data Name='TargetDomainName'>CORP.EXAMPLE</Data><Data Name='ServiceName'>svc_backup_legacy</Data>"
            "<Data Name='TicketOptions'>0x40810000</Data><Data Name='TicketEncryptionType'>0x17</Data>"
            "<Data Name='IpAddress'>::ffff:%s</Data><Data Name='IpPort'>%d</Data><Data Name='Status'>0x0</Data>"
            "</EventData></Event>\n" % (NS, rid, rid, ip, 1024 + rid % 60000))


class SpoolWatcher(threading.Thread):
    """Polls the segment files every millisecond and stamps each new record's record_id."""

    def __init__(self, spool_dir):
        super().__init__(daemon=True)
        self.dir = spool_dir
        self.offsets = {}
        self.seen = {}
        self.stop = False

    def scan(self):
        now = time.time()
        for path in sorted(glob.glob(os.path.join(self.dir, "*.log"))):
            off = self.offsets.get(path, 0)
            try:
                with open(path, "rb") as f:
                    f.seek(off)
                    data = f.read()
            except OSError:
                continue  # deleted: every sink passed it
            p = 0
            while p + 10 <= len(data):
                if data[p:p + 2] != b"\xad\xde":
                    break
                (n,) = struct.unpack_from("<I", data, p + 2)
                if p + 10 + n + 1 > len(data):
                    break  # not all written yet
                doc = json.loads(data[p + 10:p + 10 + n])
                rid = (doc.get("event") or {}).get("record_id")
                if rid is not None:
                    self.seen.setdefault(int(rid), now)
                p += 10 + n + 1
            self.offsets[path] = off + p

    def run(self):
        while not self.stop:
            self.scan()
            time.sleep(0.001)
        self.scan()


def received(path):
    got = {}
    try:
        with open(path) as f:
            for line in f:
                if line.strip():
                    ev = json.loads(line)
                    rid = ev["event"].get("event", {}).get("record_id")
                    if rid is not None:
                        got.setdefault(int(rid), ev["_received_at"])
    except FileNotFoundError:
        pass
    return got


def stats(name, lat):
    lat = sorted(lat)
    if not lat:
        print("%-34s no samples" % name)
        return
    pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
    print("%-34s n=%d  p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms" % (name, len(lat), pct(0.50) * 1000,
                                                                      pct(0.99) * 1000, lat[-1] * 1000))


def main():
    xml, spool_dir, fast_out, slow_out, n, rate = sys.argv[1:7]
    n, rate = int(n), float(rate)
    first = 900000
    watcher = SpoolWatcher(spool_dir)
    watcher.start()
    written = {}
    start = time.time()
    with open(xml, "a") as f:
        for i in range(n):
            due = start + i / rate
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
            f.write(event_xml(first + i))
            f.flush()
            written[first + i] = time.time()
    deadline = time.time() + 60
    while time.time() < deadline and (len(received(fast_out)) < n or len(watcher.seen) < n):
        time.sleep(0.1)
    watcher.stop = True
    watcher.join()
    fast, slow = received(fast_out), received(slow_out)
    print("events written: %d at %.0f/s; alerts seen in the spool: %d; delivered to the fast sink: %d; "
          "to the slow sink (2 s per request) so far: %d" % (n, rate, len(watcher.seen), len(fast), len(slow)))
    stats("event -> spool", [watcher.seen[r] - t for r, t in written.items() if r in watcher.seen])
    stats("event -> fast sink (HEC, at once)", [fast[r] - t for r, t in written.items() if r in fast])
    return 0 if len(fast) == n and len(watcher.seen) == n else 1


if __name__ == "__main__":
    sys.exit(main())
