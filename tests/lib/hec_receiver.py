#!/usr/bin/env python3
"""hec_receiver.py - a Splunk HTTP Event Collector stand-in for tests that implements HEC's documented
reply table strictly (tokens, "Splunk " prefix, envelope validation, concatenated objects, index
allowlist, indexer acknowledgment channels, health endpoint). Python 3 stdlib only.

Accepted events are appended, one envelope per line, to --out. The chosen port (with --port 0) is
written to --port-file (and printed on stdout).
"""
import argparse
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
EVENT_PATHS = ("/services/collector", "/services/collector/event", "/services/collector/event/1.0")


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.fail_next = args.fail_next
        self.next_ack = {}      # channel -> next ackId
        self.pending = {}       # (channel, ackId) -> polls so far
        self.requests = 0


def parse_events(body):
    """Splits concatenated JSON objects; returns (list, index_of_bad_or_None)."""
    dec = json.JSONDecoder()
    events, pos, n = [], 0, len(body)
    while True:
        while pos < n and body[pos] in " \t\r\n":
            pos += 1
        if pos >= n:
            return events, None
        try:
            obj, pos = dec.raw_decode(body, pos)
        except ValueError:
            return events, len(events)
        if not isinstance(obj, dict):
            return events, len(events)
        events.append(obj)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hec-receiver/1"

    def log_message(self, fmt, *a):
        if self.server.state.args.verbose:
            sys.stderr.write("hec_receiver: " + (fmt % a) + "\n")

    def reply(self, status, code, text, extra=None, headers=None):
        body = {"text": text, "code": code}
        if extra:
            body.update(extra)
        self.send_json(status, body, headers)

    def send_json(self, status, obj, headers=None):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def busy(self):
        st = self.server.state
        a = st.args
        with st.lock:
            if a.fail_503_for and time.monotonic() - st.started < a.fail_503_for:
                return True
            if st.fail_next > 0:
                st.fail_next -= 1
                return True
        return False

    def busy_reply(self):
        hdr = {"Retry-After": str(self.server.state.args.retry_after)} if self.server.state.args.retry_after else None
        self.reply(503, 9, "Server is busy", headers=hdr)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/services/collector/health" or url.path == "/services/collector/health/1.0":
            if self.busy():
                return self.reply(503, 18, "HEC is unhealthy, queues are full")
            return self.reply(200, 17, "HEC is healthy")
        self.reply(404, 404, "The requested URL was not found on this server.")

    def read_body(self):
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        return self.rfile.read(int(length))

    def auth_ok(self):
        auth = self.headers.get("Authorization")
        if auth is None:
            self.reply(401, 2, "Token is required")
            return False
        if not auth.startswith("Splunk "):
            self.reply(401, 3, "Invalid authorization")
            return False
        if auth[len("Splunk "):] not in self.server.state.args.token:
            self.reply(403, 4, "Invalid token")
            return False
        return True

    def channel(self, url):
        ch = self.headers.get("X-Splunk-Request-Channel")
        if ch is None:
            ch = parse_qs(url.query).get("channel", [None])[0]
        return ch

    def do_POST(self):
        st = self.server.state
        url = urlparse(self.path)
        body = self.read_body()
        if st.args.delay_ms:
            time.sleep(st.args.delay_ms / 1000.0)
        with st.lock:
            st.requests += 1
        if url.path not in EVENT_PATHS and url.path != "/services/collector/ack":
            return self.reply(404, 404, "The requested URL was not found on this server.")
        if not self.auth_ok():
            return
        if self.busy():
            return self.busy_reply()
        ch = self.channel(url)
        if st.args.ack:
            if ch is None:
                return self.reply(400, 10, "Data channel is missing")
            if not GUID.match(ch):
                return self.reply(400, 11, "Invalid data channel")
        if url.path == "/services/collector/ack":
            return self.do_ack(ch, body)
        self.do_events(ch, body)

    def do_ack(self, ch, body):
        st = self.server.state
        if not st.args.ack:
            return self.reply(400, 14, "ACK is disabled")
        try:
            req = json.loads(body.decode("utf-8"))
            ids = req["acks"]
            if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
                raise ValueError
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return self.reply(400, 6, "Invalid data format")
        out = {}
        with st.lock:
            for i in ids:
                key = (ch, i)
                if key not in st.pending:
                    out[str(i)] = False
                    continue
                st.pending[key] += 1
                if st.pending[key] > st.args.ack_polls:
                    out[str(i)] = True
                    del st.pending[key]   # an ack reported true is forgotten
                else:
                    out[str(i)] = False
        self.send_json(200, {"acks": out})

    def validate(self, ev):
        """Returns None or (code, text) for one envelope."""
        a = self.server.state.args
        if "event" not in ev:
            return 12, "Event field is required"
        if ev["event"] in ("", None, {}) or (isinstance(ev["event"], str) and not ev["event"].strip()):
            return 13, "Event field cannot be blank"
        if a.invalid_marker and a.invalid_marker in json.dumps(ev["event"]):
            return 6, "Invalid data format"
        if "time" in ev:
            t = ev["time"]
            if isinstance(t, bool) or not isinstance(t, (int, float, str)):
                return 6, "Invalid data format"
            if isinstance(t, str):
                try:
                    float(t)
                except ValueError:
                    return 6, "Invalid data format"
        for k in ("host", "source", "sourcetype", "index"):
            if k in ev and not isinstance(ev[k], str):
                return 6, "Invalid data format"
        if "index" in ev and a.indexes is not None and ev["index"] not in a.indexes:
            return 7, "Incorrect index"
        if "fields" in ev:
            f = ev["fields"]
            if not isinstance(f, dict) or any(isinstance(v, dict) for v in f.values()):
                return 15, "Error in handling indexed fields"
        return None

    def do_events(self, ch, body):
        st = self.server.state
        if not body.strip():
            return self.reply(400, 5, "No data")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return self.reply(400, 6, "Invalid data format", {"invalid-event-number": 0})
        events, bad = parse_events(text)
        good = []
        failure = None
        for i, ev in enumerate(events):
            problem = self.validate(ev)
            if problem:
                failure = (i, problem)
                break
            good.append(ev)
        if failure is None and bad is not None:
            failure = (bad, (6, "Invalid data format"))
        if good:   # events before an invalid one are indexed, as Splunk does
            with st.lock, open(st.args.out, "a", encoding="utf-8") as f:
                for ev in good:
                    if st.args.stamp:
                        ev = dict(ev, _received_at=time.time())
                    f.write(json.dumps(ev, separators=(",", ":"), ensure_ascii=False) + "\n")
        if failure is not None:
            i, (code, text) = failure
            return self.reply(400, code, text, {"invalid-event-number": i})
        extra = None
        if st.args.ack:
            with st.lock:
                ack_id = st.next_ack.get(ch, 0)
                st.next_ack[ch] = ack_id + 1
                st.pending[(ch, ack_id)] = 0
            extra = {"ackId": ack_id}
        self.reply(200, 0, "Success", extra)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--token", action="append", default=[], help="accepted token (repeatable)")
    p.add_argument("--token-file", action="append", default=[], help="file holding an accepted token")
    p.add_argument("--delay-ms", type=int, default=0, help="wait this long before answering each POST")
    p.add_argument("--stamp", action="store_true", help="add _received_at (epoch seconds) to each written event")
    p.add_argument("--out", required=True, help="accepted events, one JSON line each")
    p.add_argument("--ack", action="store_true", help="indexer acknowledgment on")
    p.add_argument("--ack-polls", type=int, default=1, help="polls answered false before an ack is true")
    p.add_argument("--fail-503-for", type=float, default=0, help="answer 503 code 9 for N seconds from start")
    p.add_argument("--fail-next", type=int, default=0, help="answer 503 code 9 to the next N requests")
    p.add_argument("--retry-after", type=int, default=0, help="Retry-After seconds on 503")
    p.add_argument("--indexes", type=lambda s: s.split(","), default=None, help="allowed indexes (a,b)")
    p.add_argument("--invalid-marker", help="events containing this text are refused as invalid (code 6)")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args()
    for path in args.token_file:
        with open(path) as f:
            args.token.append(f.read().strip())
    if not args.token:
        p.error("--token or --token-file is required")
    open(args.out, "a").close()
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    srv.state = State(args)
    port = srv.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        import os
        os.replace(args.port_file + ".tmp", args.port_file)
    print(port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
