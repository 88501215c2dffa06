"""The job seeker's account pages: login (throttled), return from an upstream identity provider, and
"Mes autorisations" (list, withdraw)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from indemnites.oauth.domain import LIBELLES_DONNEES
from indemnites.oauth.forms import ConnexionForm
from indemnites.oauth.identity import identity_backend
from indemnites.oauth.selectors import autorisations_lister
from indemnites.oauth.services import autorisation_retirer
from indemnites.oauth.throttle import connexion_attente, connexion_echec_compter, connexion_reussite
from indemnites.trafic.http import limiter_connexion

SESSION_SUIVANT = "connexion_suivant"


def _suivant(request: HttpRequest) -> str:
    """Where to go once logged in: a page of this site only (never an open redirect)."""
    suivant = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(suivant, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return suivant
    return reverse("oauth:autorisations")


def _attente_message(portee: str, secondes: int) -> str:
    minutes = max(1, round(secondes / 60))
    origine = "pour ce compte" if portee == "compte" else "depuis votre adresse réseau"
    return (
        f"Trop de tentatives de connexion ont échoué {origine}. Par sécurité, la connexion est suspendue : "
        f"réessayez dans {minutes} minute{'s' if minutes > 1 else ''}."
    )


@method_decorator(never_cache, name="dispatch")  # a password form: never kept by a browser or proxy
@method_decorator(limiter_connexion(champ="identifiant"), name="post")  # every attempt, per address and account
class ConnexionView(View):
    """`/compte/connexion`: identifiant France Travail + password, or the upstream provider's page."""

    template_name = "oauth/connexion.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        suivant = _suivant(request)
        redirection = identity_backend().start(request, next_url=suivant)
        if redirection is not None:
            request.session[SESSION_SUIVANT] = suivant
            return redirection
        return self._page(request, ConnexionForm(), suivant)

    def post(self, request: HttpRequest) -> HttpResponse:
        backend = identity_backend()
        if not backend.local_form:
            raise Http404
        form, suivant = ConnexionForm(request.POST), _suivant(request)
        if not form.is_valid():
            return self._page(request, form, suivant)
        identifiant, ip = form.cleaned_data["identifiant"], request.META.get("REMOTE_ADDR", "")
        attente = connexion_attente(identifiant=identifiant, ip=ip)
        if attente is not None:
            form.add_error(None, _attente_message(*attente))
            response = self._page(request, form, suivant, status=429)
            response["Retry-After"] = str(attente[1])
            return response
        mot_de_passe = form.cleaned_data["mot_de_passe"]
        utilisateur = backend.authenticate(request, identifiant=identifiant, mot_de_passe=mot_de_passe)
        if utilisateur is None:
            connexion_echec_compter(identifiant=identifiant, ip=ip)
            form.add_error(None, "Identifiant ou mot de passe incorrect.")
            return self._page(request, form, suivant)
        login(request, utilisateur)
        connexion_reussite(identifiant=identifiant)
        return HttpResponseRedirect(suivant)

    def _page(self, request: HttpRequest, form: ConnexionForm, suivant: str, status: int = 200) -> HttpResponse:
        contexte = {"titre": "Se connecter", "form": form, "next": suivant}
        return render(request, self.template_name, contexte, status=status)


class ConnexionRetourView(View):
    """`/compte/connexion/retour`: where an upstream identity provider sends the job seeker back."""

    def get(self, request: HttpRequest) -> HttpResponse:
        backend = identity_backend()
        if backend.local_form:
            raise Http404
        utilisateur = backend.complete(request)
        suivant = request.session.pop(SESSION_SUIVANT, reverse("oauth:autorisations"))
        if utilisateur is None:
            message = "Le fournisseur d'identité n'a pas confirmé qui vous êtes."
            contexte = {"titre": "Connexion impossible", "message": message}
            return render(request, "oauth/erreur.html", contexte, status=400)
        login(request, utilisateur, backend=settings.AUTHENTICATION_BACKENDS[0])
        return HttpResponseRedirect(suivant)


@method_decorator(never_cache, name="dispatch")  # personal data: never kept by a browser or proxy
class AutorisationsView(LoginRequiredMixin, TemplateView):
    """`/compte/autorisations`: the administrations the job seeker authorised, and how to withdraw."""

    login_url = reverse_lazy("oauth:connexion")
    template_name = "oauth/autorisations.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        autorisations = autorisations_lister(utilisateur_id=self.request.user.pk)
        lignes = [
            {"autorisation": autorisation, "donnees": [LIBELLES_DONNEES[d] for d in autorisation.donnees]}
            for autorisation in autorisations
        ]
        return {**super().get_context_data(**kwargs), "titre": "Mes autorisations", "lignes": lignes}


class AutorisationRetirerView(LoginRequiredMixin, View):
    """`POST /compte/autorisations/<client_id>/retirer`: the client's tokens stop working at once."""

    login_url = reverse_lazy("oauth:connexion")

    def post(self, request: HttpRequest, client_id: str) -> HttpResponse:
        autorisations = autorisations_lister(utilisateur_id=request.user.pk)
        autorisation = next((a for a in autorisations if a.application.client_id == client_id), None)
        if autorisation is None:
            raise Http404
        autorisation_retirer(utilisateur_id=request.user.pk, application=autorisation.application)
        messages.success(
            request,
            f"Autorisation retirée : {autorisation.presentation.organisation} ne peut plus obtenir vos données.",
        )
        return redirect("oauth:autorisations")
