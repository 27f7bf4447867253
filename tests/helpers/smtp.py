"""A real SMTP server for the tests (aiosmtpd, on a free port of 127.0.0.1): it keeps every
message it accepts, parsed, and can be stopped and started again on the same port to play a
mail server that is down."""

import email
import email.policy
import threading

from aiosmtpd.controller import Controller

from tests.helpers.processes import free_port


class _Keeper:
    def __init__(self, server):
        self.server = server

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.server.lock:
            self.server.messages.append((list(envelope.rcpt_tos), message))
            self.server.lock.notify_all()
        return "250 Message accepted"


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.lock = threading.Condition()  # notified on each message: `wait_for` wakes when one lands
        self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        self.controller = Controller(_Keeper(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def recipients(self) -> list[str]:
        with self.lock:
            return sorted(r for rcpts, _ in self.messages for r in rcpts)

    def to(self, address: str) -> list:
        with self.lock:
            return [m for rcpts, m in self.messages if address in rcpts]

    def wait_for(self, count: int, timeout: float = 60) -> list:
        with self.lock:
            if self.lock.wait_for(lambda: len(self.messages) >= count, timeout):
                return list(self.messages)
        raise AssertionError(f"{len(self.messages)} of {count} messages arrived within {timeout}s: {self.recipients()}")
