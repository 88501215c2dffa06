"""The administrative journal as the apps below it see it: the registry records its imports and purges
there without importing the journal, which sits above it (CONTRIBUTING.md, « Couches »). The journal app
plugs its writer in when Django starts (JournalConfig.ready); with none plugged in, an action is refused
rather than left without a trace."""

from collections.abc import Mapping
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


class Enregistreur(Protocol):
    def __call__(
        self, *, acteur: object, action: str, objet: str = "", details: Mapping[str, Any] | None = None
    ) -> None: ...


_branche: list[Enregistreur] = []


def enregistreur_brancher(enregistreur: Enregistreur) -> None:
    _branche[:] = [enregistreur]


def action_enregistrer(
    *, acteur: object, action: str, objet: str = "", details: Mapping[str, Any] | None = None
) -> None:
    """Appends the action to the administrative journal, in the caller's transaction: see
    `indemnites.journal.services.action_enregistrer`, which it calls."""
    if not _branche:
        raise ImproperlyConfigured("Aucun journal administratif n'est branché : action refusée.")
    _branche[0](acteur=acteur, action=action, objet=objet, details=details)
