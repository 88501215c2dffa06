"""The limits at the HTTP boundary: who is asking (address, client, login identifier), the states a
response advertises in its headers, and the decorator of the token endpoint and login pages.

    @method_decorator(limiter_jeton, name="post")                               # the token endpoint
    @method_decorator(limiter_connexion(champ="identifiant"), name="post")     # a login page
"""

import base64
import binascii
import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indemnites.core.middleware import is_api_path
from indemnites.core.problems import error_response
from indemnites.trafic import services
from indemnites.trafic.domain import Etat, Politique, adresse_source, cle_adresse, personne_empreinte
from indemnites.trafic.errors import QuotaDepasse, UsageAnormal

View = Callable[..., HttpResponse]
Cle = Callable[[HttpRequest], str | None]


def actives() -> bool:
    return settings.TRAFIC_LIMITES_ACTIVES


def etats(request: HttpRequest) -> list[Etat]:
    """The limits counted for this request, in the order they were counted."""
    return request.__dict__.setdefault("trafic_etats", [])


def adresse(request: HttpRequest) -> str:
    """The caller's address partition (an IPv4 address, or an IPv6 /64)."""
    source = adresse_source(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        settings.TRAFIC_NOMBRE_PROXYS,
    )
    return cle_adresse(source)


def _empreinte(*parties: str) -> str:
    return personne_empreinte(settings.NIR_PEPPER.encode(), *parties)


# --- the data routes --------------------------------------------------------------------------------


def personne_du_corps(request: HttpRequest) -> str | None:
    """The person a server-to-server body asks about, as a keyed digest; None when the body names
    nobody (it will be refused by validation anyway)."""
    if not actives():
        return None
    try:
        corps = json.loads(request.body)
    except (ValueError, RecursionError):  # validation answers these bodies (400, 422)
        return None
    if not isinstance(corps, dict):
        return None
    if _texte(corps.get("identifiant")):
        return _empreinte("identifiant", corps["identifiant"])
    if _texte(corps.get("nir")) and _texte(corps.get("dateNaissance")):
        return _empreinte("nir", corps["nir"], corps["dateNaissance"])
    return None


def _texte(valeur: object) -> bool:
    """A string that is valid Unicode: JSON may carry a lone surrogate (`\\ud800`), which names nobody and
    which validation refuses (422) once the limits let the call through."""
    if not isinstance(valeur, str):
        return False
    try:
        valeur.encode()
    except UnicodeEncodeError:
        return False
    return True


def personne_usager(user_id: int) -> str:
    """The person of a job seeker's token (mode A)."""
    return _empreinte("usager", str(user_id))


def client_controler(
    request: HttpRequest,
    *,
    client_id: str,
    quota_par_seconde: int | None,
    volume_journalier: int | None,
    personne: str | None,
) -> None:
    """After a successful authentication: the client's quota and the abnormal-usage check.
    Raises QuotaDepasse or UsageAnormal (429); the states go into the response's headers."""
    if not actives():
        return
    try:
        etat = services.client_controler(
            client_id=client_id,
            quota_par_seconde=quota_par_seconde,
            volume_journalier=volume_journalier,
            personne=personne,
        )
    except (QuotaDepasse, UsageAnormal) as refus:
        etats(request).extend(refus.etats)
        raise
    etats(request).append(etat)


# --- the token endpoint and the login pages ---------------------------------------------------------


def cle_adresse_requete(request: HttpRequest) -> str | None:
    return f"ip:{adresse(request)}"


def cle_client_oauth(request: HttpRequest) -> str | None:
    """The client_id of a token request (form body or HTTP Basic), so that guessing one client's
    secret from many addresses is limited too."""
    client_id = request.POST.get("client_id", "")
    autorisation = request.headers.get("Authorization", "")
    if not client_id and autorisation[:6].lower() == "basic ":
        try:
            client_id = unquote(base64.b64decode(autorisation[6:].strip()).decode().partition(":")[0])
        except (binascii.Error, UnicodeDecodeError):
            client_id = ""
    return f"client:{_empreinte('client', client_id)}" if client_id else None


def cle_champ(champ: str) -> Cle:
    """The login identifier typed in `champ` (digested: the limits never store it in clear)."""

    def cle(request: HttpRequest) -> str | None:
        valeur = request.POST.get(champ, "").strip().lower()
        return f"identifiant:{_empreinte('connexion', valeur)}" if valeur else None

    return cle


def limiter(
    politique: Callable[[], Politique],
    *,
    cles: tuple[Cle, ...],
    refus: Callable[[HttpRequest, QuotaDepasse], HttpResponse],
    methodes: tuple[str, ...] = ("POST",),
) -> Callable[[View], View]:
    """Counts each request of `methodes` under `politique` once per key (address, identifier…);
    the first key over the quota answers with `refus` instead of the view."""

    def decorateur(vue: View) -> View:
        @wraps(vue)
        def limitee(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if actives() and request.method in methodes:
                try:
                    for cle in cles:
                        valeur = cle(request)
                        if valeur is not None:
                            etats(request).append(services.limite_verifier(politique=politique(), cle=valeur))
                except QuotaDepasse as depassement:
                    etats(request).extend(depassement.etats)
                    return refus(request, depassement)
            return vue(request, *args, **kwargs)

        return limitee

    return decorateur


def refus_oauth(request: HttpRequest, depassement: QuotaDepasse) -> HttpResponse:
    """RFC 6749 §5.2 error JSON, with `slow_down` (registered for token endpoint responses by RFC 8628)."""
    corps = {"error": "slow_down", "error_description": depassement.detail}
    response = HttpResponse(json.dumps(corps, ensure_ascii=False), status=429, content_type="application/json")
    response["Cache-Control"] = "no-store"
    response["Retry-After"] = str(depassement.attente)
    return response


def refus_page(request: HttpRequest, depassement: QuotaDepasse) -> HttpResponse:
    """A DSFR page for people: too many attempts, come back in N seconds."""
    contexte = {"titre": "Trop de tentatives", "attente": depassement.attente}
    response = render(request, "trafic/trop_de_requetes.html", contexte, status=429)
    response["Retry-After"] = str(depassement.attente)
    response["Cache-Control"] = "no-store"
    return response


def refus_adresse(request: HttpRequest, depassement: QuotaDepasse) -> HttpResponse:
    """The per-address limit: problem+json on the API, the DSFR page elsewhere."""
    if is_api_path(request.path):
        return error_response(request, depassement)
    if request.path.startswith("/connexion/oauth2/") and not request.path.startswith("/connexion/oauth2/authorize"):
        return refus_oauth(request, depassement)  # token, introspection, revocation: machines read JSON
    return refus_page(request, depassement)


def politique_jeton() -> Politique:
    return services.politique_nommee("jeton", settings.TRAFIC_LIMITE_JETON)


limiter_jeton = limiter(politique_jeton, cles=(cle_adresse_requete, cle_client_oauth), refus=refus_oauth)


def limiter_connexion(*, champ: str, nom: str = "connexion") -> Callable[[View], View]:
    """For a login page: its POSTs counted per address and per identifier typed in `champ`, under
    TRAFIC_LIMITE_CONNEXION; `nom` names the policy (one per page, so that the pages count apart)."""

    def politique() -> Politique:
        return services.politique_nommee(nom, settings.TRAFIC_LIMITE_CONNEXION)

    return limiter(politique, cles=(cle_adresse_requete, cle_champ(champ)), refus=refus_page)
