"""SMS through an HTTP gateway: one JSON POST per text. Operators' SMS platforms differ; a small
adapter in front of them (or the platform itself) takes ``{"phone", "text", "sign"}``."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from .base import ChannelUnavailable, SmsGateway

SEND_TIMEOUT = 15.0
CHECK_TIMEOUT = 3.0


class HttpSmsGateway(SmsGateway):
    def __init__(self, url: str, *, sign: str) -> None:
        self.url, self.sign = url, sign

    def send(self, phone: str, text: str) -> None:
        body = json.dumps({"phone": phone, "text": text, "sign": self.sign}, ensure_ascii=False).encode()
        request = urllib.request.Request(
            self.url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
        )
        try:
            with urllib.request.urlopen(request, timeout=SEND_TIMEOUT) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise ChannelUnavailable(f"{self.describe()} answered {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise ChannelUnavailable(f"{self.describe()}: {exc}") from exc
        if not 200 <= status < 300:
            raise ChannelUnavailable(f"{self.describe()} answered {status}")

    def check(self) -> dict[str, Any]:
        """Only whether the gateway's port answers: a real probe would send a text."""
        parts = urlsplit(self.url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            with socket.create_connection((parts.hostname or "", port), timeout=CHECK_TIMEOUT):
                pass
        except OSError as exc:
            return {"ok": False, "detail": f"{self.describe()}: {exc}"}
        return {"ok": True, "detail": self.describe()}

    def describe(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}{parts.path}"
