"""django-oauth-toolkit's validator, with the credentials lifecycle of habilitations and the rules of
the connected mode.

Client authentication at the token endpoint also accepts the previous secret while a rotation's grace
period runs, and refuses a client whose habilitation has expired. In connected mode, a reused code revokes
the tokens it produced, a verifier without a challenge is refused, a refresh token is issued only to the
clients allowed one, and the id_token's `sub` is the person's pseudonym.
"""

import base64
import binascii
import json
from dataclasses import asdict
from typing import Any
from urllib.parse import unquote_plus, urlsplit

from django.utils import timezone
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749 import errors

from indemnites.droits.selectors import profil_lire
from indemnites.oauth.domain import CLAIMS_PAR_SCOPE, code_empreinte, identite_claims, scopes_non_servis_retirer
from indemnites.oauth.models import AccessToken, Grant, RefreshToken
from indemnites.oauth.services import client_secret_precedent_verifier, code_reutilise_revoquer


class Validateur(OAuth2Validator):
    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        authentifie = super().authenticate_client(request, *args, **kwargs) or self._secret_precedent(request)
        if authentifie and _expire(request.client):
            return False
        return authentifie

    def _secret_precedent(self, request: Any) -> bool:
        client_id, secret = self._identifiants(request)
        if not client_id or not secret or self._load_application(client_id, request) is None:
            return False
        return client_secret_precedent_verifier(application=request.client, client_secret=secret)

    def _identifiants(self, request: Any) -> tuple[str, str]:
        """client_id and secret as the client sent them: HTTP Basic first, then the form body."""
        basic = self._extract_basic_auth(request)
        if basic:
            try:
                decoded = base64.b64decode(basic).decode(getattr(request, "encoding", None) or "utf-8")
            except (binascii.Error, UnicodeDecodeError, TypeError):
                return "", ""
            client_id, _, secret = decoded.partition(":")
            return unquote_plus(client_id), unquote_plus(secret)
        return getattr(request, "client_id", "") or "", getattr(request, "client_secret", "") or ""

    # --- connected mode: scopes, codes, PKCE downgrade, refresh policy, OpenID Connect claims -------

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        """In an authorization request, the PE Connect scopes this service does not serve are dropped
        (RFC 6749 §3.3: the token response's `scope` says what was granted); the rest must all be granted
        to the client, and something must remain."""
        if getattr(request, "response_type", None) is None:
            return super().validate_scopes(client_id, scopes, client, request, *args, **kwargs)
        gardes, retires = scopes_non_servis_retirer(scopes)
        request.scopes, request.scopes_retires = gardes, retires
        return bool(gardes) and super().validate_scopes(client_id, gardes, client, request, *args, **kwargs)

    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        """Besides DOT's match (exact, or any port on an `http` loopback IP: RFC 8252 §7.3), the scheme must
        be one these settings allow: an `http` URI registered in development never works in production."""
        if urlsplit(redirect_uri).scheme not in oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES:
            return False
        return super().validate_redirect_uri(client_id, redirect_uri, request, *args, **kwargs)

    def validate_silent_login(self, request: Any) -> bool:
        """`prompt=none` is decided by the authorization view, which has the session (see
        `AutorisationView._silencieux`); oauthlib only asks here."""
        return True

    def validate_silent_authorization(self, request: Any) -> bool:
        return True

    def validate_code(self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        grant = Grant.objects.filter(code=code, application=client).select_related("user").first()
        if grant is None:
            # Unknown to this client, or already exchanged: a second use revokes what the first one issued.
            code_reutilise_revoquer(code=code, application=client)
            return False
        if grant.is_expired():
            return False
        if request.code_verifier and not grant.code_challenge:
            # RFC 9700 §2.1.1: a verifier for a code issued without a challenge is a PKCE downgrade.
            return False
        request.scopes = grant.scope.split()
        request.user = grant.user
        if grant.nonce:
            request.nonce = grant.nonce
        if grant.claims:
            request.claims = json.loads(grant.claims)
        return True

    def invalidate_authorization_code(self, client_id: str, code: str, request: Any, *args: Any, **kw: Any) -> None:
        """Two concurrent exchanges of one code: the loser revokes the tokens of both."""
        supprimes, _ = Grant.objects.filter(code=code, application=request.client).delete()
        if not supprimes:
            code_reutilise_revoquer(code=code, application=request.client)
            raise errors.InvalidGrantError(request=request)

    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if grant_type == "refresh_token" and not getattr(client, "refresh_autorise", False):
            return False
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)

    def save_bearer_token(self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        # oauthlib answers with this very dict once it is saved.
        if not getattr(request.client, "refresh_autorise", False):
            token.pop("refresh_token", None)
        if "id_token" in token and request.nonce:
            token["nonce"] = request.nonce  # PE Connect's token answer echoed it beside the id_token
        return super().save_bearer_token(token, request, *args, **kwargs)

    def _create_access_token(
        self, expires: Any, request: Any, token: dict[str, Any], source_refresh_token: Any = None
    ) -> AccessToken:
        access_token = super()._create_access_token(expires, request, token, source_refresh_token)
        origine = _code_origine(request, source_refresh_token)
        if origine:
            AccessToken.objects.filter(pk=access_token.pk).update(code_empreinte=origine)
            access_token.code_empreinte = origine
        return access_token

    def _create_refresh_token(
        self, request: Any, refresh_token_code: str, access_token: AccessToken, precedent: Any
    ) -> RefreshToken:
        refresh_token = super()._create_refresh_token(request, refresh_token_code, access_token, precedent)
        if access_token.code_empreinte:
            RefreshToken.objects.filter(pk=refresh_token.pk).update(code_empreinte=access_token.code_empreinte)
            refresh_token.code_empreinte = access_token.code_empreinte
        return refresh_token

    def get_additional_claims(self, request: Any) -> dict[str, str]:
        """`sub` is the person's pseudonym (never the account's primary key nor an identifier);
        DOT keeps each other claim only when its scope (profile, email) was granted."""
        profil = profil_lire(utilisateur_id=request.user.pk)
        if profil is None:
            return {}
        return {nom: valeur for nom, valeur in identite_claims(**asdict(profil)).items() if valeur}

    def _get_key_for_token(self, token: str) -> Any:
        """DOT peeks at an id_token_hint's payload before checking its signature: a payload that is not a
        JSON object (bad base64, invalid UTF-8, a list…) is an unknown token (400 page), never a 500."""
        try:
            return super()._get_key_for_token(token)
        except (ValueError, TypeError, AttributeError):  # JSONDecodeError and UnicodeDecodeError included
            return None

    def get_discovery_claims(self, request: Any) -> list[str]:
        return ["sub", *(claim for claims in CLAIMS_PAR_SCOPE.values() for claim in claims)]


def _code_origine(request: Any, source_refresh_token: Any) -> str:
    if request.grant_type == "authorization_code" and request.code:
        return code_empreinte(request.code)
    return getattr(source_refresh_token, "code_empreinte", "") or ""


def _expire(application: Any) -> bool:
    expire_le = getattr(application, "expire_le", None)
    return expire_le is not None and expire_le <= timezone.now()
