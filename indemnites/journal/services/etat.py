"""Whether this process may write to the journals: the sealer's last finding. Like X-Road's message log,
which stops exchanging messages when time-stamping has failed for too long, the journal refuses new records
(hence the data routes answer 503) while records wait for their seal longer than
JOURNAL_SEAL_MAX_DELAY_SECONDS."""

import logging

from django.conf import settings

from indemnites.core.errors import JournalIndisponible

logger = logging.getLogger("indemnites.journal")

_attente: dict[str, float] = {}  # seconds the oldest unsealed record has waited, per journal, as last seen
_en_retard = False  # read on every record written: a plain boolean


def scellement_constater(*, journal: str, attente: float | None) -> None:
    """Called by the sealer after each round with the age of the oldest record still unsealed (None: none)."""
    global _en_retard
    if attente is None:
        _attente.pop(journal, None)
    else:
        _attente[journal] = attente
    avant, _en_retard = _en_retard, any(a > settings.JOURNAL_SEAL_MAX_DELAY_SECONDS for a in _attente.values())
    if _en_retard and not avant:
        logger.error(
            "journal : des enregistrements attendent leur scellement depuis plus de %.0f s, écritures refusées",
            settings.JOURNAL_SEAL_MAX_DELAY_SECONDS,
        )
    elif avant and not _en_retard:
        logger.warning("journal : le scellement a rattrapé son retard, les écritures reprennent")


def scellement_en_retard() -> bool:
    return _en_retard


def scellement_exiger() -> None:
    if _en_retard:
        raise JournalIndisponible(
            "Le journal des accès ne peut plus être scellé : aucune donnée n'est transmise tant qu'il ne l'est pas."
        )


def oublier() -> None:
    """Forget what was seen (tests, or a process that starts over)."""
    global _en_retard
    _attente.clear()
    _en_retard = False
