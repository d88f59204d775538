"""galley's scoring worker: serves one model package over MLflow's scoring protocol.

galley embeds this file and writes it beside each deployment; `galley endpoint
deploy` starts it detached, `galley endpoint invoke` runs it in batch mode for
batch endpoints. It needs only Python's standard library, plus whatever the
package's score.py imports.

The package follows the Azure ML convention the seeds use: score.py defines
init(), which loads the model from $AZUREML_MODEL_DIR, and run(raw), which
scores a JSON string {"data": [[...], ...]} (online) or a list of file paths
(batch). The worker translates MLflow's inputs into that string and wraps
what run() returns as {"predictions": ...}.

Online mode (the default):
  worker.py serve --code DIR --model-dir DIR --port P [--host H]
            [--health-port 0] [--ready FILE] [--takeover NAME] [--control NAME|auto]
The public listening socket is either bound here (--port) or received from
the worker being replaced (--takeover: the name of its control socket), so
that both share one accept queue and no connection is refused or reset
during a blue/green switch. Until galley POSTs /-/activate on the private
health port, the new worker answers only there. On SIGTERM a worker stops
accepting, lets requests in flight finish, closes idle connections and exits.

Batch mode:
  worker.py batch --code DIR --model-dir DIR --output DIR INPUT...
"""
import argparse
import csv
import io
import json
import math
import os
import signal
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

INPUT_KEYS = ("dataframe_split", "dataframe_records", "instances", "inputs")
# Azure ML's custom-model convention, which the seeds' sample requests use:
# passed to run() as it is.
AZURE_KEY = "data"
MODEL_ERRORS = (ValueError, TypeError, KeyError, IndexError)


class BadRequest(Exception):
    """A request the worker rejects, with its HTTP status."""

    def __init__(self, message, status=400, code="BAD_REQUEST"):
        super().__init__(message)
        self.status = status
        self.code = code


def load_score(code_dir, model_dir):
    """Import the package's score.py and call its init()."""
    os.environ["AZUREML_MODEL_DIR"] = model_dir
    sys.path.insert(0, code_dir)
    import importlib.util  # pylint: disable=import-outside-toplevel

    path = os.path.join(code_dir, "score.py")
    spec = importlib.util.spec_from_file_location("score", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["score"] = module
    spec.loader.exec_module(module)
    for name in ("init", "run"):
        if not callable(getattr(module, name, None)):
            raise SystemExit(f"galley worker: {path} defines no {name}() function")
    module.init()
    return module


# ---- requests --------------------------------------------------------------


def parse_number(text):
    """A CSV cell as pandas' read_csv would type it: int, float, or string."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) or text.strip().lower() in ("nan", "inf", "-inf") else text


def rows_from_csv(text):
    """CSV with a header row: (columns, rows)."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise BadRequest("the CSV request is empty; it needs a header row") from None
    except csv.Error as e:
        raise BadRequest(f"the CSV request is malformed: {e}") from None
    rows = []
    try:
        for line, record in enumerate(reader, start=2):
            if not record:
                continue
            if len(record) != len(header):
                raise BadRequest(
                    f"CSV line {line} has {len(record)} fields, the header has {len(header)}"
                )
            rows.append([parse_number(cell) for cell in record])
    except csv.Error as e:
        raise BadRequest(f"the CSV request is malformed: {e}") from None
    return header, rows


def rows_from_split(value):
    if not isinstance(value, dict) or not isinstance(value.get("data"), list):
        raise BadRequest('"dataframe_split" must be an object with a "data" list of rows')
    columns = value.get("columns")
    if columns is not None and not isinstance(columns, list):
        raise BadRequest('"dataframe_split.columns" must be a list of column names')
    for i, row in enumerate(value["data"]):
        if not isinstance(row, list):
            raise BadRequest(f'"dataframe_split.data[{i}]" must be a list of values')
        if columns is not None and len(row) != len(columns):
            raise BadRequest(
                f'"dataframe_split.data[{i}]" has {len(row)} values for {len(columns)} columns'
            )
    return columns, value["data"]


def rows_from_records(value):
    if not isinstance(value, list):
        raise BadRequest('"dataframe_records" must be a list of objects, one per row')
    columns = None
    rows = []
    for i, record in enumerate(value):
        if not isinstance(record, dict):
            raise BadRequest(f'"dataframe_records[{i}]" must be an object of column: value')
        if columns is None:
            columns = list(record)
        elif len(record) != len(columns) or any(c not in record for c in columns):
            raise BadRequest(f'"dataframe_records[{i}]" has other columns than the first record')
        rows.append([record[c] for c in columns])
    return columns, rows


def rows_from_tensor(key, value):
    if isinstance(value, dict):
        raise BadRequest(f'"{key}" as named tensors is not supported; give a list of rows')
    if not isinstance(value, list):
        raise BadRequest(f'"{key}" must be a list of rows')
    return None, value


def score_input(body, content_type):
    """The string run() receives, from an /invocations body."""
    media, _, options = content_type.partition(";")
    media = media.strip().lower()
    charset = "utf-8"
    for option in options.split(";"):
        name, _, value = option.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if media not in ("application/json", "text/csv"):
        raise BadRequest(
            f"content type '{media or '(none)'}' is not supported; "
            "send application/json or text/csv",
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        )
    if charset not in ("utf-8", "utf8"):
        raise BadRequest(f"charset '{charset}' is not supported; send utf-8", 415, "UNSUPPORTED_MEDIA_TYPE")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadRequest(f"the request is not valid UTF-8 (byte {e.start})") from None
    if media == "text/csv":
        columns, rows = rows_from_csv(text)
        return json.dumps({"columns": columns, "data": rows})
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise BadRequest(f"the request is not valid JSON: {e}") from None
    if not isinstance(doc, dict):
        raise BadRequest(
            "the request must be a JSON object with exactly one of "
            + ", ".join(INPUT_KEYS)
            + f" (or Azure ML's \"{AZURE_KEY}\")"
        )
    present = [k for k in INPUT_KEYS if k in doc]
    if not present and AZURE_KEY in doc:
        return text
    if len(present) != 1:
        found = ", ".join(present) if present else "none"
        raise BadRequest(
            "the request must have exactly one of "
            + ", ".join(INPUT_KEYS)
            + f" (or Azure ML's \"{AZURE_KEY}\"); it has {found}"
        )
    key = present[0]
    if key == "dataframe_split":
        columns, rows = rows_from_split(doc[key])
    elif key == "dataframe_records":
        columns, rows = rows_from_records(doc[key])
    else:
        columns, rows = rows_from_tensor(key, doc[key])
    payload = {"data": rows}
    if columns is not None:
        payload["columns"] = columns
    if "params" in doc:
        payload["params"] = doc["params"]
    return json.dumps(payload)


def to_jsonable(value):
    """numpy arrays and scalars, pandas frames, as plain JSON values."""
    if hasattr(value, "to_dict"):
        try:
            return value.to_dict(orient="records")
        except TypeError:
            return value.to_dict()
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"run() returned a {type(value).__name__}, which is not JSON")


def predictions_body(result):
    if isinstance(result, (bytes, str)):
        try:
            result = json.loads(result)
        except ValueError:
            pass
    return json.dumps({"predictions": result}, default=to_jsonable).encode()


# ---- server ----------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "galley-endpoint"
    sys_version = ""
    # A response leaves in one write (handle_one_request flushes it), not
    # headers and body apart: with Nagle's algorithm and the client's
    # delayed ACK, the second small write would wait up to 40 ms.
    wbufsize = 1 << 16

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def parse_request(self):
        # A request line has arrived: from here to the response's end, the
        # connection is busy and a graceful stop waits for it.
        self.server.shared.busy(self.connection, True)
        return super().parse_request()

    def handle_one_request(self):
        # A connection closes only after an answer that said so (reply()):
        # closing it after an answer sent just before the drain began,
        # which promised keep-alive, broke the client's next request.
        try:
            super().handle_one_request()
        finally:
            self.server.shared.busy(self.connection, False)

    def log_request(self, code="-", size="-"):
        # Failed requests only: a line per success would cost more than the
        # rest of the serving (docs/benchmarks.md).
        status = code.value if hasattr(code, "value") else code
        if isinstance(status, int) and status < 400:
            return
        super().log_request(code, size)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        self.server.shared.log(f"{self.address_string()} {format % args}")

    def reply(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.server.shared.draining:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status, code, message):
        self.reply(status, json.dumps({"error_code": code, "message": message}).encode())

    def allowed(self):
        """Public requests wait for activation; the private port answers at once."""
        return self.server.shared.active or self.server.private

    def do_GET(self):
        if not self.allowed():
            return self.error(503, "NOT_ACTIVE", "this worker is not serving yet")
        if self.path in ("/ping", "/health"):
            return self.reply(200, b"\n", "application/json")
        if self.path == "/version":
            return self.reply(200, self.server.shared.version_body)
        if self.path == "/invocations":
            return self.error(405, "METHOD_NOT_ALLOWED", "POST a request to /invocations")
        return self.error(404, "NOT_FOUND", f"no such path: {self.path}")

    do_HEAD = do_GET

    def do_POST(self):
        if self.server.private and self.path == "/-/activate":
            self.server.shared.activate()
            return self.reply(200, b'{"active": true}')
        if not self.allowed():
            return self.error(503, "NOT_ACTIVE", "this worker is not serving yet")
        if self.path != "/invocations":
            if self.path in ("/ping", "/health", "/version"):
                return self.error(405, "METHOD_NOT_ALLOWED", f"use GET for {self.path}")
            return self.error(404, "NOT_FOUND", f"no such path: {self.path}")
        try:
            body = self.read_body()
            raw = score_input(body, self.headers.get("Content-Type", ""))
        except BadRequest as e:
            return self.error(e.status, e.code, str(e))
        self.invoke(raw)

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            raise BadRequest("send the request with a Content-Length, not chunked", 411, "LENGTH_REQUIRED")
        length = self.headers.get("Content-Length")
        if length is None:
            self.close_connection = True
            raise BadRequest("the request has no Content-Length", 411, "LENGTH_REQUIRED")
        try:
            size = int(length)
            if size < 0:
                raise ValueError
        except ValueError:
            self.close_connection = True
            raise BadRequest(f"bad Content-Length: {length!r}") from None
        limit = self.server.shared.max_request_bytes
        if size > limit:
            # The body is not read: the connection cannot be reused.
            self.close_connection = True
            raise BadRequest(
                f"the request has {size} bytes; this endpoint accepts at most {limit}",
                413,
                "REQUEST_TOO_LARGE",
            )
        body = self.rfile.read(size)
        if len(body) != size:
            self.close_connection = True
            raise BadRequest(f"the request ended after {len(body)} of {size} bytes")
        return body

    def invoke(self, raw):
        try:
            result = self.server.shared.score.run(raw)
            body = predictions_body(result)
        except MODEL_ERRORS as e:
            self.server.shared.log("run() rejected a request:\n" + traceback.format_exc().rstrip())
            return self.error(400, "BAD_REQUEST", f"the model rejected the input: {type(e).__name__}: {e}")
        except Exception as e:  # pylint: disable=broad-except
            self.server.shared.log("run() failed:\n" + traceback.format_exc().rstrip())
            return self.error(500, "INTERNAL_ERROR", f"the model failed: {type(e).__name__}: {e}")
        self.reply(200, body)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, sock, shared):
        super().__init__(sock.getsockname()[:2], Handler, bind_and_activate=False)
        self.socket.close()
        self.socket = sock
        self.private = False
        self.shared = shared

    # A connection counts from accept() to close, both on the serving
    # thread's side: counted in the handler's thread instead, a connection
    # accepted just before a graceful stop was invisible until that thread
    # ran, and the stopping worker could exit with it unanswered.
    def process_request(self, request, client_address):
        self.shared.track(request, True)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        try:
            super().shutdown_request(request)
        finally:
            self.shared.track(request, False)

    def server_close(self):
        # A socket received from the previous worker stays open in the
        # next one: closing this copy does not touch the shared queue.
        self.socket.close()


class Worker:
    """What the public and the private servers share."""

    def __init__(self, score, args):
        self.score = score
        self.max_request_bytes = args.max_request_bytes
        self.version_body = json.dumps(
            {"server": "galley-endpoint", "endpoint": args.endpoint, "model": args.model, "version": args.model_version}
        ).encode()
        self.label = f"[{args.model}@{args.model_version} pid {os.getpid()}]"
        self.active = False
        self.draining = False
        self.connections = {}  # socket -> (busy, since)
        self.activated = threading.Event()
        self.log_lock = threading.Lock()

    def log(self, line):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with self.log_lock:
            sys.stderr.write(f"{stamp} {self.label} {line}\n")
            sys.stderr.flush()

    def activate(self):
        self.active = True
        self.activated.set()

    # Single dict operations, atomic under the GIL: no lock on the path of
    # every request.
    def track(self, conn, opened):
        if opened:
            self.connections[conn] = (False, time.monotonic())
        else:
            self.connections.pop(conn, None)

    def busy(self, conn, busy):
        self.connections[conn] = (busy, time.monotonic())

    def close_idle(self, after):
        """Closes keep-alive connections that sent nothing for `after` seconds."""
        now = time.monotonic()
        idle = [c for c, (busy, since) in list(self.connections.items()) if not busy and now - since > after]
        for conn in idle:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def in_flight(self):
        return len(self.connections)


def make_server(worker, sock, private):
    server = Server(sock, worker)
    server.private = private
    return server


def listen(host, port, reuse):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    if reuse:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise SystemExit(f"galley worker: cannot listen on {host}:{port}: {e.strerror}") from None
    sock.listen(128)
    return sock


def shared(sock):
    """A public socket two workers may poll at once: whoever loses the race
    for a connection must not block in accept(), or a stopping worker
    would hang until the next connection came."""
    sock.setblocking(False)
    return sock


# ---- blue/green hand-over ---------------------------------------------------


def serve_control(name, public):
    """Hands the public socket to the next worker of this endpoint (same user only)."""
    control = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    control.bind("\0" + name)
    control.listen(4)

    def loop():
        while True:
            try:
                conn, _ = control.accept()
            except OSError:
                return
            with conn:
                creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
                uid = int.from_bytes(creds[4:8], sys.byteorder)
                if uid == os.getuid():
                    socket.send_fds(conn, [b"galley"], [public.fileno()])

    threading.Thread(target=loop, daemon=True).start()
    return control


def take_over(name):
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect("\0" + name)
        _, fds, _, _ = socket.recv_fds(conn, 16, 1)
    except OSError as e:
        raise SystemExit(f"galley worker: cannot take over the serving worker's socket: {e.strerror}") from None
    finally:
        conn.close()
    if not fds:
        raise SystemExit("galley worker: the serving worker did not hand over its socket")
    return socket.socket(fileno=fds[0])


def write_ready(path, health_port, port):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"pid": os.getpid(), "health_port": health_port, "port": port}, f)
    os.replace(tmp, path)


def serve(args):
    # Bind (or take over) before loading the model, so that a port in use
    # fails at once rather than after a slow init().
    if args.takeover:
        public = shared(take_over(args.takeover))
    else:
        public = shared(listen(args.host, args.port, reuse=True))
    score = load_score(args.code, args.model_dir)
    worker = Worker(score, args)
    health = listen("127.0.0.1", args.health_port, reuse=False)
    public_server = make_server(worker, public, private=False)
    private_server = make_server(worker, health, private=True)
    control_name = f"galley-endpoint/{os.getpid()}" if args.control == "auto" else args.control
    control = serve_control(control_name, public) if control_name else None

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=private_server.serve_forever, args=(0.2,), daemon=True).start()
    if args.ready:
        write_ready(args.ready, health.getsockname()[1], public.getsockname()[1])
    worker.log(f"ready: health check on 127.0.0.1:{health.getsockname()[1]}")
    if args.active:
        worker.activate()
    while not worker.activated.wait(0.2):
        if stop.is_set():
            return 0
    public_thread = threading.Thread(target=public_server.serve_forever, args=(0.2,), daemon=True)
    public_thread.start()
    worker.log(f"serving on {args.host}:{public.getsockname()[1]}")
    while not stop.wait(1.0):
        pass
    # Graceful stop: no new connections (they wait in the shared queue for
    # the next worker); requests in flight finish; each connection's next
    # answer says "Connection: close", so that its client reconnects to the
    # next worker; connections quiet for a second are closed.
    worker.draining = True
    if control:
        control.close()
    public_server.shutdown()
    deadline = time.monotonic() + args.drain_seconds
    while worker.in_flight() and time.monotonic() < deadline:
        worker.close_idle(after=1.0)
        time.sleep(0.05)
    worker.log("stopped")
    return 0


# ---- batch ------------------------------------------------------------------


def input_files(paths):
    files = []
    for path in paths:
        if os.path.isdir(path):
            found = sorted(
                os.path.join(folder, name)
                for folder, _, names in os.walk(path)
                for name in names
                if not name.startswith(".")
            )
            if not found:
                raise SystemExit(f"galley worker: {path} holds no files to score")
            files.extend(found)
        elif os.path.isfile(path):
            files.append(path)
        else:
            raise SystemExit(f"galley worker: {path}: no such file or folder")
    return files


def batch_rows(result):
    if hasattr(result, "to_dict"):
        result = result.to_dict(orient="records")
    elif hasattr(result, "tolist"):
        result = result.tolist()
    if not isinstance(result, list):
        raise SystemExit(f"galley worker: run() returned a {type(result).__name__}; a batch needs a list of rows")
    return result


def write_predictions(path, rows):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        if rows and all(isinstance(r, dict) for r in rows):
            columns = []
            for row in rows:
                columns.extend(c for c in row if c not in columns)
            writer.writerow(columns)
            writer.writerows([row.get(c, "") for c in columns] for row in rows)
        else:
            writer.writerow(["prediction"])
            writer.writerows([r] if not isinstance(r, (list, tuple)) else list(r) for r in rows)
    os.replace(tmp, path)


def batch(args):
    files = input_files(args.inputs)
    score = load_score(args.code, args.model_dir)
    rows = []
    for start in range(0, len(files), args.mini_batch_size):
        rows.extend(batch_rows(score.run(files[start : start + args.mini_batch_size])))
    os.makedirs(args.output, exist_ok=True)
    out = os.path.join(args.output, "predictions.csv")
    write_predictions(out, rows)
    print(f"scored {len(files)} {'file' if len(files) == 1 else 'files'} into {out} ({len(rows)} rows)")
    return 0


def main(argv=None):
    if sys.version_info < (3, 9):
        # socket.send_fds and recv_fds, the blue/green hand-over, came in 3.9.
        raise SystemExit(f"galley worker: needs Python 3.9 or newer, not {sys.version.split()[0]} ({sys.executable})")
    parser = argparse.ArgumentParser(prog="galley-worker", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    for mode in ("serve", "batch"):
        p = sub.add_parser(mode)
        p.add_argument("--code", required=True)
        p.add_argument("--model-dir", required=True)
    s = sub.choices["serve"]
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--health-port", type=int, default=0)
    s.add_argument("--ready")
    s.add_argument("--takeover")
    s.add_argument("--control")
    s.add_argument("--active", action="store_true", help="serve at once, without /-/activate")
    s.add_argument("--max-request-bytes", type=int, default=16 * 1024 * 1024)
    s.add_argument("--drain-seconds", type=float, default=10.0)
    s.add_argument("--endpoint", default="")
    s.add_argument("--model", default="")
    s.add_argument("--model-version", default="")
    b = sub.choices["batch"]
    b.add_argument("--output", required=True)
    b.add_argument("--mini-batch-size", type=int, default=10)
    b.add_argument("inputs", nargs="+")
    args = parser.parse_args(argv)
    return serve(args) if args.mode == "serve" else batch(args)


if __name__ == "__main__":
    sys.exit(main())
