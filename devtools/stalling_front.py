"""A stalling HTTP front for one real node, shared by the counter's latency test and the ui benchmark."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


class StallingFront:
    """An HTTP front for one demo node: it answers the counter's reachability probe (the first GET /checkpoint)
    from the real node, then holds every later request unanswered for `stall_s`, so the stall lands inside the
    sync job."""

    def __init__(self, real_url: Callable[[], str], stall_s: float) -> None:
        self.real_url = real_url
        self.stall_s = stall_s
        self.probed = threading.Event()
        self.held = threading.Event()
        self.stop = threading.Event()
        front = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                front.answer(self)

            def do_POST(self) -> None:
                front.answer(self)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        """Pass the first checkpoint request through to the real node; hold every other one."""
        if request.command == "GET" and request.path == "/checkpoint" and not self.probed.is_set():
            self.probed.set()
            real = httpx.get(f"{self.real_url()}/checkpoint", timeout=5)
            request.send_response(real.status_code)
            request.send_header("Content-Type", real.headers.get("content-type", "text/plain"))
            request.send_header("Content-Length", str(len(real.content)))
            request.end_headers()
            request.wfile.write(real.content)
            return
        self.held.set()
        self.stop.wait(self.stall_s)
        request.close_connection = True

    def close(self) -> None:
        """Release the held requests and stop serving."""
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
