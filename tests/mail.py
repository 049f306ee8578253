"""A real SMTP server for tests: aiosmtpd on a random loopback port, keeping what it
receives and able to refuse the first deliveries (to test retries)."""

from __future__ import annotations

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

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((list(envelope.rcpt_tos), message))
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
