"""The per-address limit on every request, and the RateLimit headers of the API's responses."""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from indemnites.core.middleware import is_api_path
from indemnites.trafic import http, services
from indemnites.trafic.domain import en_tetes
from indemnites.trafic.errors import QuotaDepasse


class TraficMiddleware:
    """Counts every request against its source address (liveness, readiness, ping and metrics
    excepted), then writes the headers of every limit counted for the request: on each API
    response, and on any response another limit (token endpoint, login page) was counted for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not http.actives() or request.path in settings.TRAFIC_CHEMINS_EXEMPTES:
            return self.get_response(request)
        etats = http.etats(request)
        politique = services.politique_ip(settings.TRAFIC_LIMITE_IP_PAR_MINUTE)
        try:
            etats.append(services.limite_verifier(politique=politique, cle=http.adresse(request)))
        except QuotaDepasse as depassement:
            etats.extend(depassement.etats)
            response = http.refus_adresse(request, depassement)
        else:
            response = self.get_response(request)
        if is_api_path(request.path) or len(etats) > 1:
            for nom, valeur in en_tetes(etats, time.time()).items():
                response[nom] = valeur
        return response
