#!/usr/bin/env python3
"""A stand-in for the Telegram Bot API on 127.0.0.1: answers every POST with a successful
sendMessage result and appends one line per call to a log file:

    <chat_id> <reply_parameters.message_id> <bytes>

Usage: bot_api_sink.py LOG_FILE PORT_FILE
Listens on a free port, writes the port number to PORT_FILE, and runs until killed.
"""
import itertools
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log_path, port_path = sys.argv[1], sys.argv[2]
log = open(log_path, "a", buffering=1, encoding="utf-8")
lock = threading.Lock()
ids = itertools.count(1)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real API
    # Headers and body leave in separate writes; with Nagle on, the body waits for the client's
    # delayed ACK (40 ms), which would cap the outbox at 25 sends/s.
    disable_nagle_algorithm = True

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            msg = json.loads(body)
            chat = msg.get("chat_id")
            reply = (msg.get("reply_parameters") or {}).get("message_id")
        except ValueError:
            chat, reply = None, None
        with lock:
            message_id = next(ids)
            log.write(f"{chat} {reply} {len(body)}\n")
        out = json.dumps({"ok": True, "result": {"message_id": message_id}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # The crash test kills the server mid-request: a reset connection is expected.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


server = Server(("127.0.0.1", 0), Handler)
with open(port_path + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.replace(port_path + ".tmp", port_path)
server.serve_forever()
