"""The two channel interfaces and the errors their callers tell apart (retry, or give up)."""

from __future__ import annotations

import abc
from typing import Any


class ChannelUnavailable(Exception):
    """The server could not take the message now (down, busy, a 4xx/5xx answer): try again later."""


class ChannelRefused(Exception):
    """The server will never take this message (the address is refused): retrying cannot help."""


class Mailer(abc.ABC):
    @abc.abstractmethod
    def send(self, to: str, subject: str, text: str) -> None:
        """Sends one plain-text UTF-8 message; ChannelUnavailable or ChannelRefused when it was not taken."""

    @abc.abstractmethod
    def check(self) -> dict[str, Any]:
        """Health probe ``{"ok": bool, "detail": str}`` within a few seconds; sends nothing."""

    @abc.abstractmethod
    def describe(self) -> str:
        """Where mail goes, without the password, for logs and health pages."""


class SmsGateway(abc.ABC):
    @abc.abstractmethod
    def send(self, phone: str, text: str) -> None:
        """Hands one text to the gateway; ChannelUnavailable when the gateway did not take it."""

    @abc.abstractmethod
    def check(self) -> dict[str, Any]:
        """Health probe ``{"ok": bool, "detail": str}``; sends nothing."""

    @abc.abstractmethod
    def describe(self) -> str:
        """Where texts go, for logs and health pages."""
