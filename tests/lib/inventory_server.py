#!/usr/bin/env python3
"""An HTTPS (or HTTP) server for one file, as a fleet's inventory server: strong ETag (SHA-256 of
the content) and Last-Modified, 304 on a matching If-None-Match / If-Modified-Since, 401 without
the bearer token when --token-file is given. Serves the file as it is at each request. Logs one
line per request: "<status> <If-None-Match given: yes/no>". Python 3 standard library only.

usage: inventory_server.py --file F [--cert C --key K] [--token-file T] --port-file P [--log L]
"""
import argparse
import email.utils
import hashlib
import http.server
import os
import ssl


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--token-file")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--log", default=os.devnull)
    a = ap.parse_args()
    token = open(a.token_file).read().strip() if a.token_file else None
    log = open(a.log, "a", buffering=1)

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, status, body=b"", headers=()):
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            log.write("%d %s\n" % (status, "yes" if self.headers.get("If-None-Match") else "no"))

        def do_GET(self):
            if token is not None and self.headers.get("Authorization") != "Bearer " + token:
                return self.reply(401, b"unauthorized")
            try:
                data = open(a.file, "rb").read()
                mtime = os.stat(a.file).st_mtime
            except OSError:
                return self.reply(404, b"no inventory")
            etag = '"%s"' % hashlib.sha256(data).hexdigest()
            lm = email.utils.formatdate(mtime, usegmt=True)
            inm = self.headers.get("If-None-Match")
            if inm is not None and inm == etag:
                return self.reply(304, b"", [("ETag", etag), ("Last-Modified", lm)])
            self.reply(200, data, [("ETag", etag), ("Last-Modified", lm), ("Content-Type", "application/json")])

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), H)
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = a.port_file + ".tmp"
    open(tmp, "w").write(str(srv.server_address[1]))
    os.rename(tmp, a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
