"""A small JSON HTTP server on its own thread, for the services' private REST APIs."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log = logging.getLogger("standin.http")


def serve(host, port, routes):
    """routes: {(method, path): handler(body_dict) -> (status, payload)}; payload dict/list/str."""

    class Handler(BaseHTTPRequestHandler):
        def _dispatch(self, method):
            path = self.path.split("?", 1)[0]
            handler = routes.get((method, path))
            if handler is None:
                self._reply(404, {"error": "not found"})
                return
            body = {}
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    self._reply(400, {"error": "invalid JSON"})
                    return
            status, payload = handler(body)
            self._reply(status, payload)

        def _reply(self, status, payload):
            data = payload.encode() if isinstance(payload, str) else json.dumps(payload, sort_keys=True).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain" if isinstance(payload, str) else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802 (http.server's naming)
            self._dispatch("GET")

        def do_POST(self):  # noqa: N802
            self._dispatch("POST")

        def log_message(self, fmt, *args):
            log.debug(fmt, *args)

    server = ThreadingHTTPServer((host, int(port)), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log.info("private HTTP API on %s:%s", host, port)
    return server
