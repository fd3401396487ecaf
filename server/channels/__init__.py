"""Outbound channels for notifications: e-mail over SMTP and SMS through an HTTP gateway.

    mailer = open_mailer("smtps://user:pass@mail.example.cn:465", sender="中心 <noreply@example.cn>")
    sms = open_sms("http://127.0.0.1:18080/send", sign="某县政务服务中心")

Each factory is the only place that knows which backends exist; an empty URL
means the channel is off (None), and nothing is contacted until a send or a
health check.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .base import ChannelRefused, ChannelUnavailable, Mailer, SmsGateway

__all__ = ["ChannelRefused", "ChannelUnavailable", "Mailer", "SmsGateway", "open_mailer", "open_sms"]

MAIL_URLS = "smtp://user:pass@host:port, smtps://user:pass@host:port or smtp://…?starttls=true (empty: no e-mail)"
SMS_URLS = "http://host:port/path or https://host/path of an SMS gateway (empty: no SMS)"


def open_mailer(url: str, *, sender: str) -> Mailer | None:
    if not url:
        return None
    if urlsplit(url).scheme.lower() in ("smtp", "smtps"):
        from .smtp import SmtpMailer

        return SmtpMailer.from_url(url, sender=sender)
    raise ValueError(f"unsupported mail URL {url!r}; use {MAIL_URLS}")


def open_sms(url: str, *, sign: str) -> SmsGateway | None:
    if not url:
        return None
    if urlsplit(url).scheme.lower() in ("http", "https"):
        from .sms_http import HttpSmsGateway

        return HttpSmsGateway(url, sign=sign)
    raise ValueError(f"unsupported SMS gateway URL {url!r}; use {SMS_URLS}")
