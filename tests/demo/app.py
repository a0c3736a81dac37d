#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""notes: a small JSON service for scmplog's demo.  DELIBERATELY VULNERABLE:
POST /command hands its input to a shell (command injection).  Never deploy it.

    GET    /health          {"ok": true}
    GET    /notes           {"notes": {"1": "text", ...}}
    POST   /notes           {"text": "..."}  -> 201 {"id": 1}
    GET    /notes/ID        {"id": 1, "text": "..."}
    DELETE /notes/ID        {"deleted": 1}
    GET    /disk            {"free_bytes": N}   (the "new feature" of the demo)
    POST   /command         {"echo": "text"} -> {"output": "text\\n"}  (the hole)

It serves one request at a time in one thread (HTTPServer.handle_request), so
its tests can drive it from the same thread (see run-tests).
"""
import json
import os
import socketserver
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

MAX_BODY = 64 * 1024
NOTES = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    server_version = "notes/1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def send_json(self, code, obj):
        body = json.dumps(obj, sort_keys=True).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_json(self):
        try:
            n = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            n = -1
        if n < 0 or n > MAX_BODY:
            raise ValueError("bad Content-Length")
        obj = json.loads(self.rfile.read(n) or b"{}")
        if not isinstance(obj, dict):
            raise ValueError("expected a JSON object")
        return obj

    def note_id(self):
        tail = self.path[len("/notes/"):]
        return int(tail) if tail.isdigit() else None

    def do_GET(self):
        if self.path == "/health":
            self.send_json(200, {"ok": True})
        elif self.path == "/notes":
            self.send_json(200, {"notes": {str(k): v for k, v in NOTES.items()}})
        elif self.path.startswith("/notes/"):
            i = self.note_id()
            if i in NOTES:
                self.send_json(200, {"id": i, "text": NOTES[i]})
            else:
                self.send_json(404, {"error": "no such note"})
        elif self.path == "/disk":
            st = os.statvfs("/")
            self.send_json(200, {"free_bytes": st.f_bavail * st.f_frsize})
        else:
            self.send_json(404, {"error": "no such endpoint"})

    def do_POST(self):
        try:
            req = self.read_json()
        except ValueError as e:
            self.send_json(400, {"error": str(e)})
            return
        if self.path == "/notes":
            text = req.get("text")
            if not isinstance(text, str) or not text:
                self.send_json(400, {"error": "text must be a non-empty string"})
                return
            i = max(NOTES, default=0) + 1
            NOTES[i] = text
            self.send_json(201, {"id": i})
        elif self.path == "/command":
            # THE HOLE: the input goes to a shell unquoted ("hi; id > /tmp/x").
            try:
                out = subprocess.run("echo " + str(req.get("echo", "")), shell=True,
                                     capture_output=True, timeout=10)
                self.send_json(200, {"output": out.stdout.decode(errors="replace")})
            except OSError as e:
                self.send_json(500, {"error": str(e)})
        else:
            self.send_json(404, {"error": "no such endpoint"})

    def do_DELETE(self):
        i = self.note_id() if self.path.startswith("/notes/") else None
        if i in NOTES:
            del NOTES[i]
            self.send_json(200, {"deleted": i})
        else:
            self.send_json(404, {"error": "no such note"})


class Server(HTTPServer):
    def server_bind(self):
        # HTTPServer.server_bind resolves the host name (getfqdn: DNS, nscd);
        # a service on 127.0.0.1 does not need that.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def make_server(port=0):
    return Server(("127.0.0.1", port), Handler)


def main(argv):
    port = 8080
    if len(argv) == 3 and argv[1] == "--port" and argv[2].isdigit():
        port = int(argv[2])
    elif len(argv) != 1:
        print("usage: app.py [--port PORT]", file=sys.stderr)
        return 2
    srv = make_server(port)
    print(srv.server_address[1], flush=True)
    while True:
        srv.handle_request()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
