"""A real SMTP server for tests: aiosmtpd on a random loopback port, keeping what it
receives and able to refuse the first deliveries (to test retries), to answer slowly, and
to close a connection after some messages; it counts the connections messages came on."""

from __future__ import annotations

import asyncio
import email
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class MailCatcher:
    """An SMTP handler that keeps what it receives and can refuse the first deliveries."""

    messages: list[tuple[list[str], Message]] = field(default_factory=list)
    refuse: int = 0
    delay: float = 0.0
    """Seconds each message waits before the server answers it."""
    close_after: int = 0
    """Close each connection after this many messages on it (0: never)."""
    sessions: list[Any] = field(default_factory=list)
    """The connections (aiosmtpd sessions) messages came on, each once."""
    on_connection: list[int] = field(default_factory=list)
    """How many messages each of ``sessions`` took."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), message))
        index = next((i for i, known in enumerate(self.sessions) if known is session), None)
        if index is None:
            self.sessions.append(session)
            self.on_connection.append(0)
            index = len(self.sessions) - 1
        self.on_connection[index] += 1
        if self.close_after and self.on_connection[index] >= self.close_after:
            # After the 250 has gone: the client finds the connection closed next time.
            asyncio.get_running_loop().call_later(0.05, server.transport.close)
        return "250 OK"


@contextmanager
def mail_server() -> Iterator[tuple[MailCatcher, int]]:
    """A running SMTP server: its catcher and port."""
    catcher = MailCatcher()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    controller = Controller(catcher, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield catcher, port
    finally:
        controller.stop()
