"""The job seeker's account pages: login (throttled), return from an upstream identity provider, and
"Mes autorisations" (list, withdraw)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from indemnites.core.requetes import RequeteConnectee
from indemnites.droits.domain import LIBELLES_DONNEES
from indemnites.oauth.forms import ConnexionForm
from indemnites.oauth.identity import ConnexionRefusee, identity_backend
from indemnites.oauth.selectors import autorisations_lister
from indemnites.oauth.services import autorisation_retirer
from indemnites.oauth.throttle import connexion_attente, connexion_echec_compter, connexion_reussite
from indemnites.trafic.http import adresse, limiter_connexion

SESSION_SUIVANT = "connexion_suivant"
SESSION_DECONNEXION = "deconnexion_amont"  # {"state": …, "destination": …} while the provider logs out


def _suivant(request: HttpRequest) -> str:
    """Where to go once logged in: a page of this site only (never an open redirect)."""
    suivant = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(suivant, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return suivant
    return reverse("oauth:espace")


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
        suivant, backend = _suivant(request), identity_backend()
        if backend.bouton is None and not backend.local_form:
            return _amont_demarrer(request, suivant)  # an upstream provider without a button: go straight
        return self._page(request, ConnexionForm(), suivant)

    def post(self, request: HttpRequest) -> HttpResponse:
        backend = identity_backend()
        if not backend.local_form:
            raise Http404
        form, suivant = ConnexionForm(request.POST), _suivant(request)
        if not form.is_valid():
            return self._page(request, form, suivant)
        identifiant, ip = form.cleaned_data["identifiant"], adresse(request)  # the client's, behind a proxy
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
        backend = identity_backend()
        contexte = {
            "titre": "Se connecter",
            "form": form if backend.local_form else None,
            "next": suivant,
            "bouton": backend.bouton,
        }
        return render(request, self.template_name, contexte, status=status)


def _refus(request: HttpRequest, refus: ConnexionRefusee) -> HttpResponse:
    contexte = {"titre": refus.titre, "message": refus.message, "conseil": refus.conseil}
    return render(request, "oauth/connexion_refusee.html", contexte, status=refus.status)


def _amont_demarrer(request: HttpRequest, suivant: str) -> HttpResponse:
    try:
        redirection = identity_backend().start(request, next_url=suivant)
    except ConnexionRefusee as refus:
        return _refus(request, refus)
    if redirection is None:
        raise Http404
    request.session[SESSION_SUIVANT] = suivant
    return redirection


class ConnexionAmontView(View):
    """`/compte/connexion/franceconnect`: the FranceConnect button sends the job seeker to the provider."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return _amont_demarrer(request, _suivant(request))


class ConnexionRetourView(View):
    """`/compte/connexion/retour`: where an upstream identity provider sends the job seeker back."""

    def get(self, request: HttpRequest) -> HttpResponse:
        backend = identity_backend()
        if backend.bouton is None and backend.local_form:
            raise Http404
        try:
            utilisateur = backend.complete(request)
        except ConnexionRefusee as refus:
            return _refus(request, refus)
        suivant = request.session.pop(SESSION_SUIVANT, reverse("oauth:espace"))
        if utilisateur is None or not utilisateur.is_active:
            message = "Le fournisseur d'identité n'a pas confirmé qui vous êtes."
            contexte = {"titre": "Connexion impossible", "message": message}
            return render(request, "oauth/erreur.html", contexte, status=400)
        login(request, utilisateur, backend=settings.AUTHENTICATION_BACKENDS[0])
        return HttpResponseRedirect(suivant)


def deconnexion_amont(request: HttpRequest, *, destination: str | None) -> HttpResponse | None:
    """Before `logout`: the redirect to the upstream provider's end-session endpoint when the session was
    opened there (it then sends the browser back to `/compte/deconnexion/retour`, which goes on to
    `destination`, the client's registered address, or to the login page). None otherwise."""
    retour = request.build_absolute_uri(reverse("oauth:deconnexion-retour"))
    sortie = identity_backend().logout_url(request, post_logout_redirect_uri=retour)
    if sortie is None:
        return None
    url, state = sortie
    logout(request)
    request.session[SESSION_DECONNEXION] = {"state": state, "destination": destination}
    return HttpResponseRedirect(url)


class DeconnexionRetourView(View):
    """`/compte/deconnexion/retour`: the upstream provider has closed its session too."""

    def get(self, request: HttpRequest) -> HttpResponse:
        attendu = request.session.pop(SESSION_DECONNEXION, None) or {}
        if attendu.get("destination") and attendu.get("state") == request.GET.get("state"):
            return HttpResponseRedirect(attendu["destination"])
        messages.info(request, "Vous êtes déconnecté.")
        return redirect("oauth:connexion")


class EspaceView(LoginRequiredMixin, TemplateView):
    """`/compte/`: the header's "Espace demandeur d'emploi", where the job seeker lands once logged in."""

    login_url = reverse_lazy("oauth:connexion")
    template_name = "oauth/espace.html"
    extra_context = {"titre": "Mon espace demandeur d'emploi", "fil_ariane": [{"url": "/", "titre": "Accueil"}]}


@method_decorator(never_cache, name="dispatch")  # personal data: never kept by a browser or proxy
class AutorisationsView(LoginRequiredMixin, TemplateView):
    """`/compte/autorisations`: the administrations the job seeker authorised, and how to withdraw."""

    login_url = reverse_lazy("oauth:connexion")
    template_name = "oauth/autorisations.html"
    request: RequeteConnectee

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

    def post(self, request: RequeteConnectee, client_id: str) -> HttpResponse:
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
