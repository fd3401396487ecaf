"""Signed-cookie sessions: the kept serializers write what Flask's would, and the uncompressed one what it says."""

from __future__ import annotations

import hashlib
import os

import pytest
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

from server.web.sessions import SignedCookieSessions, UncompressedSerializer


@pytest.fixture
def fixed_clock(monkeypatch):
    """One timestamp for every signature, so that two serializers' outputs can be compared byte for byte."""
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: 1_790_000_000)


def _token() -> str:
    return hashlib.sha1(os.urandom(64)).hexdigest()  # as Flask-WTF draws one


def test_a_random_token_and_a_session_holding_one_come_out_as_flask_writes_them(app, fixed_clock):
    interface = app.session_interface
    assert isinstance(interface, SignedCookieSessions)
    flask_writes = interface.get_signing_serializer(app)
    ours = interface.token_serializer(app)
    csrf, csrf_ours = (cls("secret", salt="wtf-csrf-token") for cls in (URLSafeTimedSerializer, UncompressedSerializer))
    for _ in range(2000):
        token = _token()
        assert ours.dumps({"csrf_token": token}) == flask_writes.dumps({"csrf_token": token})
        assert csrf_ours.dumps(token) == csrf.dumps(token)


def test_what_would_compress_is_written_longer_and_still_read(app):
    interface = app.session_interface
    session = {"note": "重复" * 200}
    compressed = interface.get_signing_serializer(app).dumps(session)
    plain = interface.token_serializer(app).dumps(session)
    assert compressed.startswith(".") and not plain.startswith(".") and len(plain) > len(compressed)
    assert interface.get_signing_serializer(app).loads(plain) == session


def test_a_new_key_makes_new_serializers(app):
    interface = app.session_interface
    before = interface.token_serializer(app), interface.get_signing_serializer(app)
    app.secret_key = "another key, after a rotation"
    after = interface.token_serializer(app), interface.get_signing_serializer(app)
    assert after[0] is not before[0] and after[1] is not before[1]
    assert type(after[0]) is UncompressedSerializer and type(after[1]) is URLSafeTimedSerializer
    assert after[1].loads(after[0].dumps({"csrf_token": "x"})) == {"csrf_token": "x"}
