"""OAuth rules of this service. No Django imports (settings import this module)."""

from typing import Any

# Server-to-server tokens live 25 minutes at most; tokens carrying a person's consent, 10.
DUREE_JETON_PARTENAIRE = 25 * 60
DUREE_JETON_INDIVIDU = 10 * 60

SCOPE_PARTENAIRE = "api_indemnisationsv1"
CHAMPS = ("beneficiairePrestationSolidarite", "beneficiaireAssuranceChomage")

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
