"""A real SMTP server (aiosmtpd) on a free port, and the settings pointing Ruche's mailer at it."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from tests.communities.conftest import add_member, governance, make_community  # noqa: F401 (fixtures)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """What the SMTP server received. `refuse` set to an SMTP reply ("451 ...") refuses messages."""

    def __init__(self, port: int):
        self.port = port
        self.messages = []
        self.raw: list[bytes] = []
        self.refuse: str | None = None
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return self.refuse
        self.raw.append(envelope.content)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        """The server goes down: connections are refused."""
        if self.controller:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def parts(message) -> tuple[str, str]:
        """The text and HTML parts."""
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        return text, html


@pytest.fixture
def smtp(settings):
    inbox = Inbox(_free_port())
    inbox.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": inbox.port, "timeout": 5},
        }
    }
    settings.SITE_URL = "https://ruche.example.com"
    yield inbox
    inbox.stop()
