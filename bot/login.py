"""LINE Login: trading an authorization code for a verified ID token (the console's "Log in with LINE").

The ID token is checked as LINE documents it: HS256 signed with the channel secret,
issuer https://access.line.me, audience the channel id, not expired, and the nonce the
console sent. Anything else is refused; the reason is logged without personal data.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from urllib.parse import urlencode

import jwt
import urllib3

from config.settings import Settings

log = logging.getLogger(__name__)
ISSUER = "https://access.line.me"
SCOPE = "openid profile"


@dataclass(frozen=True)
class LoginRefused(Exception):
    reason: str


def authorize_url(settings: Settings, redirect_uri: str, state: str, nonce: str) -> str:
    """Where the browser goes to log in with LINE."""
    query = urlencode({"response_type": "code", "client_id": settings.line_login_channel_id,
                       "redirect_uri": redirect_uri, "state": state, "scope": SCOPE, "nonce": nonce})
    return f"{settings.line_login_base_url}/oauth2/v2.1/authorize?{query}"


def verified_user_id(settings: Settings, code: str, redirect_uri: str, nonce: str) -> str:
    """The LINE user id the authorization code stands for; LoginRefused if anything is off."""
    http = urllib3.PoolManager(timeout=urllib3.Timeout(total=settings.line_timeout_seconds), retries=False)
    try:
        response = http.request("POST", f"{settings.line_login_api_base_url}/oauth2/v2.1/token",
                                body=urlencode({"grant_type": "authorization_code", "code": code,
                                                "redirect_uri": redirect_uri,
                                                "client_id": settings.line_login_channel_id,
                                                "client_secret": settings.line_login_channel_secret}),
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        log.warning("line login: token endpoint unreachable", extra={"error": type(exc).__name__})
        raise LoginRefused("unreachable") from None
    finally:
        http.clear()
    if response.status != 200:
        log.warning("line login: code refused", extra={"status": response.status})
        raise LoginRefused("code")
    try:
        id_token = json.loads(response.data)["id_token"]
        claims = jwt.decode(id_token, settings.line_login_channel_secret, algorithms=["HS256"],
                            audience=settings.line_login_channel_id, issuer=ISSUER,
                            options={"require": ["iss", "sub", "aud", "exp", "iat"]})
    except (ValueError, KeyError, TypeError, jwt.InvalidTokenError) as exc:
        log.warning("line login: id token refused", extra={"error": type(exc).__name__})
        raise LoginRefused("token") from None
    if claims.get("nonce") != nonce or not isinstance(claims.get("sub"), str):
        log.warning("line login: nonce or subject refused")
        raise LoginRefused("token")
    return str(claims["sub"])
