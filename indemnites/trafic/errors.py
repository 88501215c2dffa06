"""Refusals of the limits: 429 problem+json with the IANA problem types of the RateLimit draft."""

from indemnites.core.errors import ProblemError
from indemnites.trafic.domain import Etat, attente_maximale

PROBLEM_TYPES = "https://iana.org/assignments/http-problem-types#"


class QuotaDepasse(ProblemError):
    status = 429
    code = "quota-exceeded"
    title = "Quota de requêtes dépassé"

    def __init__(self, *, etats: list[Etat], maintenant: float) -> None:
        depasses = [etat for etat in etats if etat.depasse]
        self.etats = etats
        self.attente = attente_maximale(etats, maintenant)
        limites = ", ".join(
            f"« {e.politique.nom} » ({e.politique.quota} requêtes par {e.politique.fenetre} s)" for e in depasses
        )
        super().__init__(
            f"Limite atteinte : {limites}. Réessayez dans {self.attente} s.",
            extra={
                "type": PROBLEM_TYPES + self.code,
                "violated-policies": [e.politique.nom for e in depasses],
                "retryAfter": self.attente,
            },
            headers={"Retry-After": str(self.attente)},
        )


class UsageAnormal(ProblemError):
    status = 429
    code = "abnormal-usage-detected"
    title = "Usage anormal détecté"
    politique = "personnes-par-jour"

    def __init__(self, *, etats: list[Etat], attente: int) -> None:
        self.etats = etats
        self.attente = attente
        super().__init__(
            "Ce client a interrogé aujourd'hui plus de personnes distinctes que le volume attendu par son "
            "habilitation ne le permet. Les instructeurs en sont avertis ; les personnes déjà interrogées "
            f"aujourd'hui restent consultables. Réessayez dans {attente} s.",
            extra={"type": PROBLEM_TYPES + self.code, "violated-policies": [self.politique], "retryAfter": attente},
            headers={"Retry-After": str(attente)},
        )
