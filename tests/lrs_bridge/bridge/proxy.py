"""A real HTTP relay in front of a real LRS, which the test steers request by request: pass
the request on, answer 503 itself, hold it until released (a puller stuck mid-pull, to be
killed there), or hang past the client's timeout (a slow upstream)."""

from __future__ import annotations

import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class GateProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.plan: deque[str] = deque()
        """Actions of the next requests: "pass", "503", "hold" or "hang"."""
        self.default = "pass"
        """The action once the plan is used up."""
        self.requests: list[tuple[str, str, str]] = []
        """(method, path with query, action) of every request, in order."""
        self.holding = threading.Event()
        """Set when a request is being held."""
        self._released = threading.Event()
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _relay(self) -> None:
                proxy._handle(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _relay

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def release(self) -> None:
        """Let held and hanging requests go on (passed through), and every later one."""
        with self._lock:
            self.default = "pass"
            self.plan.clear()
        self._released.set()

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def actions(self) -> list[str]:
        return [action for _, _, action in self.requests]

    def _next_action(self, method: str, path: str) -> str:
        with self._lock:
            action = self.plan.popleft() if self.plan else self.default
            self.requests.append((method, path, action))
            return action

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length") or 0)
        body = handler.rfile.read(length) if length else b""
        action = self._next_action(handler.command, handler.path)
        if action == "503":
            handler.send_response(503)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Retry-After", "1")
            handler.end_headers()
            handler.wfile.write(b'{"error": "upstream busy", "details": []}')
            return
        if action == "hold":
            self.holding.set()
            self._released.wait(60)
        elif action == "hang":
            self._released.wait(20)  # past the client's timeout (or until released)
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_HEADERS}
        try:
            answer = httpx.request(
                handler.command,
                self.upstream + handler.path,
                headers=headers,
                content=body,
                timeout=30,
            )
        except httpx.HTTPError:
            handler.send_response(502)
            handler.end_headers()
            return
        try:
            handler.send_response(answer.status_code)
            for name, value in answer.headers.items():
                if name.lower() not in HOP_HEADERS and name.lower() != "content-encoding":
                    handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(answer.content)))
            handler.end_headers()
            handler.wfile.write(answer.content)
        except OSError:
            pass  # the client gave up waiting (a timeout test) or was killed
