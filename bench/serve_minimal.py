"""The baseline of bench/serve.sh: the least a Python standard-library HTTP
server needs to serve a score.py (init(), run(raw)) over HTTP/1.1 with
keep-alive, as one would write it by hand. No input checks, no limits.

Usage: serve_minimal.py CODE_DIR MODEL_DIR PORT [--one-write]

--one-write gives it the socket settings galley's worker has (the response
in one write, TCP_NODELAY); without them each answer's body waits for the
client's delayed ACK (~40 ms on Linux).
"""
import json
import os
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

code, model, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
one_write = "--one-write" in sys.argv[4:]
os.environ["AZUREML_MODEL_DIR"] = model
sys.path.insert(0, code)
import score  # noqa: E402  pylint: disable=wrong-import-position

score.init()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 1 << 16 if one_write else 0

    def setup(self):
        super().setup()
        if one_write:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        out = json.dumps({"predictions": score.run(body.decode())}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
