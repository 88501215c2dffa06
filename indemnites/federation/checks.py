"""Deployment checks (`manage.py check --deploy`): a production where nobody can sign in, or where a
provider is half configured or reached over plain http, is caught before it serves."""

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


def _manquants(*noms: str) -> list[str]:
    return [nom for nom in noms if not getattr(settings, nom, "")]


@register(Tags.security, deploy=True)
def federation_verifier(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    alertes: list[Warning] = []
    if not settings.FRANCECONNECT_DISCOVERY_URL and not settings.DEMANDEUR_MOTS_DE_PASSE_LOCAUX:
        alertes.append(
            Warning(
                "Aucune connexion possible pour les demandeurs d'emploi.",
                hint="Régler FRANCECONNECT_DISCOVERY_URL, ou DEMANDEUR_MOTS_DE_PASSE_LOCAUX=true par choix.",
                id="federation.W001",
            )
        )
    fournisseurs = [("FRANCECONNECT", bool(settings.FRANCECONNECT_DISCOVERY_URL))]
    fournisseurs.append(("PROCONNECT", settings.HABILITATIONS_IDENTITE == "proconnect"))
    for prefixe, actif in fournisseurs:
        if not actif:
            continue
        manquants = _manquants(f"{prefixe}_DISCOVERY_URL", f"{prefixe}_CLIENT_ID", f"{prefixe}_CLIENT_SECRET")
        if manquants:
            alertes.append(Warning(f"Réglages manquants : {', '.join(manquants)}.", id="federation.W002"))
        url = getattr(settings, f"{prefixe}_DISCOVERY_URL", "")
        if url and not url.startswith("https://") and not settings.DEBUG:
            alertes.append(Warning(f"{prefixe}_DISCOVERY_URL doit être en https.", id="federation.W003"))
    return alertes
