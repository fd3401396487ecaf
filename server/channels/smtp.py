"""E-mail over SMTP with the standard library (smtplib, email.message): no extra dependency for a
protocol the standard library speaks fully, TLS and authentication included."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .base import ChannelRefused, ChannelUnavailable, Mailer

SEND_TIMEOUT = 30.0
CHECK_TIMEOUT = 3.0
TRUE = {"1", "true", "yes", "on"}


class SmtpMailer(Mailer):
    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        implicit_tls: bool = False,
        starttls: bool = False,
        username: str = "",
        password: str = "",
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.implicit_tls, self.starttls = implicit_tls, starttls
        self.username, self.password = username, password

    @classmethod
    def from_url(cls, url: str, *, sender: str) -> SmtpMailer:
        parts = urlsplit(url)
        implicit_tls = parts.scheme.lower() == "smtps"
        query = parse_qs(parts.query)
        starttls = query.get("starttls", [""])[0].lower() in TRUE
        if not parts.hostname:
            raise ValueError(f"mail URL {url!r} names no host")
        return cls(
            parts.hostname,
            parts.port or (465 if implicit_tls else 587 if starttls else 25),
            sender=sender,
            implicit_tls=implicit_tls,
            starttls=starttls,
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
        )

    def _connect(self, timeout: float) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=timeout)
            if self.starttls:
                client.starttls(context=context)
        if self.username:
            client.login(self.username, self.password)
        return client

    def message(self, to: str, subject: str, text: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=parseaddr(self.sender)[1].partition("@")[2] or None)
        message.set_content(text, charset="utf-8")
        return message

    def send(self, to: str, subject: str, text: str) -> None:
        message = self.message(to, subject, text)
        try:
            with self._connect(SEND_TIMEOUT) as client:
                client.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            raise ChannelRefused(f"{self.describe()} refused the message: {exc}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise ChannelUnavailable(f"{self.describe()}: {type(exc).__name__}: {exc}") from exc

    def check(self) -> dict[str, Any]:
        try:
            with self._connect(CHECK_TIMEOUT) as client:
                client.noop()
        except (smtplib.SMTPException, OSError) as exc:
            return {"ok": False, "detail": f"{self.describe()}: {type(exc).__name__}: {exc}"[:300]}
        return {"ok": True, "detail": self.describe()}

    def describe(self) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp"
        tls = " (STARTTLS)" if self.starttls else ""
        return f"{scheme}://{self.host}:{self.port}{tls}"
