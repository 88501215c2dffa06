"""OAuth rules of this service. No Django imports (settings import this module)."""

import hashlib
import unicodedata
from collections.abc import Iterable, Set
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from indemnites.droits.domain import CHAMPS

# Server-to-server tokens live 25 minutes at most; tokens carrying a person's consent, 10.
DUREE_JETON_PARTENAIRE = 25 * 60
DUREE_JETON_INDIVIDU = 10 * 60

SCOPE_PARTENAIRE = "api_indemnisationsv1"

# Connected mode (the "Pôle emploi Connect" contract): scopes as historical clients send them, in pairs
# (API scope + data scope). `api_peconnect-individuv1` opens userinfo, the indemnisation pair the data.
SCOPE_INDIVIDU = "api_peconnect-individuv1"
SCOPES_INDEMNISATION = frozenset({"api_peconnect-indemnisationsv1", "indemnisation"})
SCOPES_INDIVIDU = ("openid", "profile", "email", SCOPE_INDIVIDU, *sorted(SCOPES_INDEMNISATION))
SCOPES_USERINFO = frozenset({"openid", SCOPE_INDIVIDU})


@dataclass(frozen=True)
class ApiNonServie:
    """A PE Connect API of the individu realm that this service does not serve: its scopes are accepted
    and dropped (RFC 6749 §3.3), its routes answer 404 `api-non-servie`."""

    nom: str
    prefixe: str  # its routes, under /partenaire/
    scopes: tuple[str, ...]  # API scope first, then its data scopes


# The rest of the PE Connect catalogue, as public integrations ask for it in one authorization request.
APIS_NON_SERVIES = (
    ApiNonServie("Coordonnées v1", "peconnect-coordonnees/v1", ("api_peconnect-coordonneesv1", "coordonnees")),
    ApiNonServie("Statut v1", "peconnect-statut/v1", ("api_peconnect-statutv1", "statut")),
    ApiNonServie(
        "Date de naissance v1", "peconnect-datenaissance/v1", ("api_peconnect-datenaissancev1", "datenaissance")
    ),
    ApiNonServie(
        "Formations v1", "peconnect-formations/v1", ("api_peconnect-formationsv1", "pfcformations", "pfcpermis")
    ),
    ApiNonServie("Expériences v1", "peconnect-experiences/v1", ("api_peconnect-experiencesv1", "pfcexperiences")),
    ApiNonServie(
        "Expériences déclarées par l'employeur v1",
        "peconnect-experiencesprofessionellesdeclareesparlemployeur/v1",
        ("api_peconnect-experiencesprofessionellesdeclareesparlemployeurv1", "passeprofessionnel"),
    ),
    ApiNonServie(
        "Compétences v2",
        "peconnect-competences/v2",
        ("api_peconnect-competencesv2", "pfccompetences", "pfclangues", "pfccentresinteret"),
    ),
)
SCOPES_NON_SERVIS = frozenset(scope for api in APIS_NON_SERVIES for scope in api.scopes)


def scopes_non_servis_retirer(demandes: Iterable[str]) -> tuple[list[str], list[str]]:
    """The requested scopes split into (kept, dropped): a scope of the PE Connect catalogue this service
    does not serve is dropped; any other one is kept, for the client's grant to accept or refuse."""
    gardes: list[str] = []
    retires: list[str] = []
    for scope in dict.fromkeys(demandes):
        (retires if scope in SCOPES_NON_SERVIS else gardes).append(scope)
    return gardes, retires


# Claims of the id_token and of userinfo, and the scope each one needs (OpenID Connect Core §5.4).
CLAIMS_PAR_SCOPE = {
    "profile": ("given_name", "family_name", "gender"),
    "email": ("email",),
}

# The registry's sex (M/F) as OpenID Connect spells `gender`; unknown means the claim is left out.
GENRES = {"M": "male", "F": "female"}


def identite_claims(*, pseudonyme: str, prenom: str, nom: str, email: str, sexe: str) -> dict[str, str]:
    """Every identity claim of a person, before the scopes filter them."""
    return {
        "sub": pseudonyme,
        "given_name": prenom,
        "family_name": nom,
        "gender": GENRES.get(sexe, ""),
        "email": email,
    }


# `realm` as historical France Travail clients send it, and the grants each realm accepts.
GRANTS_PAR_REALM = {
    "/partenaire": frozenset({"client_credentials"}),
    "/individu": frozenset({"authorization_code", "refresh_token"}),
}


def jeton_duree_secondes(request: Any) -> int:
    """oauthlib calls this for every token it issues."""
    if getattr(request, "grant_type", None) == "client_credentials":
        return DUREE_JETON_PARTENAIRE
    return DUREE_JETON_INDIVIDU


def realm_erreur(realm: str | None, grant_type: str | None) -> str | None:
    """Why this realm refuses this grant, or None when it accepts it."""
    if realm not in GRANTS_PAR_REALM:
        return "Paramètre realm absent ou inconnu (attendu : /partenaire ou /individu)."
    if grant_type not in GRANTS_PAR_REALM[realm]:
        return f"Le realm {realm} n'accepte pas le grant_type demandé."
    return None


def donnees_demandees(scopes: Set[str], champs_accordes: Set[str]) -> tuple[str, ...]:
    """The data a token with these scopes would release, for a client granted these benefit fields."""
    donnees: list[str] = []
    if scopes & SCOPES_USERINFO:
        donnees.append("sub")
    for scope, claims in CLAIMS_PAR_SCOPE.items():
        if scope in scopes:
            donnees.extend(claims)
    if SCOPES_INDEMNISATION <= scopes:
        donnees.extend(champ for champ in CHAMPS if champ in champs_accordes)
    return tuple(donnees)


def claims_filtrer(claims: dict[str, Any], scopes: Set[str]) -> dict[str, Any]:
    """The userinfo claims these scopes allow (`sub` needs `openid` or the userinfo API scope)."""
    permis = set(donnees_demandees(scopes, frozenset()))
    return {nom: valeur for nom, valeur in claims.items() if nom in permis and valeur not in (None, "")}


def pkce_erreur(code_challenge: str | None, methode: str | None) -> str | None:
    """Only S256 is accepted. RFC 7636 makes `plain` the default when the method is left out, so a
    challenge without a method is refused too."""
    if code_challenge is None:
        return None
    if methode != "S256":
        return "Seule la méthode PKCE S256 est acceptée (code_challenge_method=S256)."
    return None


def max_age_erreur(max_age: str | None) -> str | None:
    """`max_age` is a number of seconds (OpenID Connect Core §3.1.2.1)."""
    if max_age is None or (max_age.isascii() and max_age.isdigit() and len(max_age) <= 10):
        return None
    return "max_age doit etre un nombre entier de secondes."


def connexion_trop_ancienne(*, derniere_connexion: datetime | None, maintenant: datetime, max_age: int) -> bool:
    """The person logged in more than `max_age` seconds ago (or we do not know when): log in again."""
    return derniere_connexion is None or (maintenant - derniere_connexion).total_seconds() > max_age


def code_empreinte(code: str) -> str:
    """Tokens remember the authorization code they come from only by this digest."""
    return hashlib.sha256(code.encode()).hexdigest()


# RFC 6749 §5.2: `error_description` is limited to printable ASCII without `"` and `\`.
_DESCRIPTION_INTERDITS = str.maketrans({'"': "'", "\\": "/", "«": "'", "»": "'", "’": "'", "\u00a0": " "})


def description_oauth(texte: str) -> str:
    """French words, without the accents RFC 6749 does not allow in `error_description`."""
    sans_accents = unicodedata.normalize("NFKD", texte.translate(_DESCRIPTION_INTERDITS))
    return "".join(char for char in sans_accents if " " <= char <= "~" and char not in '"\\')
