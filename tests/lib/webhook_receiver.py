#!/usr/bin/env python3
"""webhook_receiver.py - a Standard Webhooks receiver for tests: verifies webhook-id,
webhook-timestamp (at most --tolerance seconds off) and webhook-signature ("v1,<base64 HMAC-SHA256 of
id.timestamp.body>", the key being the base64 after "whsec_"), answers 401 to anything wrong and 204
to a valid delivery, whose body is appended as one JSON line to --out. With --no-verify it accepts
unsigned bodies (Slack/Teams/PagerDuty formats). Python 3 stdlib only."""
import argparse
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        if self.server.args.verbose:
            sys.stderr.write("webhook_receiver: " + (fmt % a) + "\n")

    def answer(self, status, text):
        data = b"" if status in (204, 304) else (text + "\n").encode()  # 204 carries no body
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def verify(self, body):
        a = self.server.args
        msg_id = self.headers.get("webhook-id")
        ts = self.headers.get("webhook-timestamp")
        sigs = self.headers.get("webhook-signature")
        if not msg_id or not ts or not sigs:
            return "missing webhook headers"
        try:
            ts_int = int(ts)
        except ValueError:
            return "bad timestamp"
        if abs(time.time() - ts_int) > a.tolerance:
            return "timestamp too far from now"
        key = base64.b64decode(a.secret[len("whsec_"):] if a.secret.startswith("whsec_") else a.secret)
        want = base64.b64encode(hmac.new(key, msg_id.encode() + b"." + ts.encode() + b"." + body,
                                         hashlib.sha256).digest()).decode()
        for sig in sigs.split(" "):
            version, _, value = sig.partition(",")
            if version == "v1" and hmac.compare_digest(value, want):
                return None
        return "no matching signature"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            return self.answer(415, "expected application/json")
        if not self.server.args.no_verify:
            problem = self.verify(body)
            if problem:
                return self.answer(401, problem)
        try:
            obj = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return self.answer(400, "invalid JSON")
        with self.server.lock, open(self.server.args.out, "a", encoding="utf-8") as f:
            f.write(json.dumps({"webhook-id": self.headers.get("webhook-id"), "body": obj},
                               separators=(",", ":"), ensure_ascii=False) + "\n")
        self.answer(self.server.args.status, "ok")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--secret", default="")
    p.add_argument("--no-verify", action="store_true")
    p.add_argument("--tolerance", type=int, default=300)
    p.add_argument("--status", type=int, default=204)
    p.add_argument("--out", required=True)
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args()
    if not args.no_verify and not args.secret:
        p.error("--secret is required unless --no-verify")
    open(args.out, "a").close()
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    srv.args = args
    srv.lock = threading.Lock()
    port = srv.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.replace(args.port_file + ".tmp", args.port_file)
    print(port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
