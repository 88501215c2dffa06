"""Public pages of the signed proofs: the key set that verifies them, and a page that verifies a pasted one.
Nothing pasted is stored or logged: the page only computes and shows."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from indemnites.preuves.domain import preuve_verifier
from indemnites.preuves.forms import VerificationForm
from indemnites.preuves.selectors import jwks_publie

ACCUEIL = {"url": "/", "titre": "Accueil"}


@require_GET
def jwks(request: HttpRequest) -> HttpResponse:
    """`/preuves/jwks.json`: the signing key and the retired keys still kept (RFC 7517 key set)."""
    response = JsonResponse(jwks_publie())
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"  # public keys, read by any verifier
    return response


@never_cache  # no-store: what was pasted never lands in a cache
@sensitive_post_parameters("preuve", "sel", "identifiant", "nir", "date_naissance", "sub")
@csrf_protect
@require_http_methods(["GET", "POST"])
def verifier(request: HttpRequest) -> HttpResponse:
    """`/preuves/verifier`: is the signature valid, which key signed, what it states, does the identity match."""
    form = VerificationForm(request.POST or None)
    resultat = None
    if request.method == "POST" and form.is_valid():
        resultat = preuve_verifier(
            form.cleaned_data["preuve"], jwks_publie(), sel=form.cleaned_data["sel"], identite=form.identite()
        )
    contexte = {"titre": "Vérifier une preuve", "fil_ariane": [ACCUEIL], "form": form, "resultat": resultat}
    return render(request, "preuves/verifier.html", contexte)
