"""The OpenID Connect client of the unified identity platform (统一身份认证): Authlib, one per app.

Authlib does the protocol: discovery from ``<issuer>/.well-known/openid-configuration``, the
authorization code flow with PKCE (S256), state and nonce kept in the signed session cookie and
checked on return, the code exchanged at the token endpoint and the ID token's signature (the
provider's published keys), issuer, audience, expiry and nonce validated. What the platform's
failures mean to a person signing in is decided here, as the errors of server/errors.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from ..config import Settings
from ..errors import Unauthorized, Unavailable
from ..services.oidc_accounts import ClaimMapping

PROVIDER = "province"
MAPPING = "onewindow.oidc_claims"
TIMEOUT_SECONDS = 10  # a hung platform must not hold a web thread for long

log = logging.getLogger(__name__)


def init_app(app: Flask, settings: Settings) -> None:
    """Sets ``OIDC_ENABLED`` (the login page shows the platform's button) and registers the client."""
    enabled = bool(settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret)
    app.config["OIDC_ENABLED"] = enabled
    if not enabled:
        return
    app.extensions[MAPPING] = ClaimMapping.parse(settings.oidc_claims)
    OAuth(app).register(
        PROVIDER,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": settings.oidc_scopes,
            "code_challenge_method": "S256",
            "default_timeout": TIMEOUT_SECONDS,
        },
    )


def enabled() -> bool:
    return bool(current_app.config.get("OIDC_ENABLED"))


def claim_mapping() -> ClaimMapping:
    return current_app.extensions[MAPPING]


def redirect_to_platform(callback_url: str) -> Response:
    """The redirect to the platform's sign-in page; state, nonce and PKCE verifier go into the session."""
    with _platform_errors():
        return _client().authorize_redirect(callback_url)


def verified_claims() -> Mapping[str, Any]:
    """The claims of the ID token the platform returned for this callback, after Authlib validated it."""
    with _platform_errors():
        token = _client().authorize_access_token()
    userinfo = token.get("userinfo")
    if not userinfo:
        raise Unauthorized("统一身份认证平台未返回身份令牌 (the identity platform returned no ID token)")
    return userinfo


def _client() -> Any:
    return current_app.extensions["authlib.integrations.flask_client"].create_client(PROVIDER)


@contextmanager
def _platform_errors() -> Iterator[None]:
    """The platform's failures as the caller's errors: unreachable is Unavailable, a refusal Unauthorized."""
    try:
        yield
    except MismatchingStateError:
        raise Unauthorized(
            "本次登录已过期或不是从本站发起的，请重新登录 (this sign-in expired or was not started here: start again)"
        ) from None
    except OAuthError as error:
        reason = error.description or error.error or "unknown"
        raise Unauthorized(f"统一身份认证未完成：{reason} (the identity platform did not sign you in)") from None
    except (AuthlibBaseError, JoseError) as error:
        log.warning("rejected the identity platform's ID token: %s", error)
        raise Unauthorized("统一身份认证平台的身份令牌无效 (the identity platform's ID token is not valid)") from None
    except (requests.RequestException, RuntimeError, ValueError, KeyError) as error:
        # RuntimeError, ValueError and KeyError: discovery answered without an endpoint or key set we need.
        log.warning("the identity platform failed: %s: %s", type(error).__name__, error)
        raise Unavailable("统一身份认证平台暂时无法连接 (the identity platform cannot be reached)") from None
