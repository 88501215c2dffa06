"""Pages of the journal: the job seeker's "Qui a consulté mes données ?", the administrators' export, and the
public key that verifies the signed checkpoints."""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from indemnites.core.requetes import RequeteConnectee
from indemnites.droits.domain import LIBELLES_DONNEES
from indemnites.journal import domain
from indemnites.journal.consultations_csv import consultations_csv
from indemnites.journal.forms import ExportForm, PeriodeForm
from indemnites.journal.selectors import (
    COMPTE_PLAFOND,
    Curseur,
    cle_publique,
    consultations_compter,
    consultations_page,
    consultations_parcourir,
    dernier_point_de_controle,
    sujet_du_utilisateur,
)
from indemnites.journal.services import journal_exporter
from indemnites.journal.services.export import FORMATS

PAR_PAGE = 25
ACCUEIL = {"url": "/", "titre": "Accueil"}


@method_decorator(never_cache, name="dispatch")  # personal data: never kept by a browser or proxy
class ConsultationsView(LoginRequiredMixin, TemplateView):
    """`/compte/consultations`: every consultation of the logged-in job seeker's data, newest first, by
    period; pages follow a keyset cursor (`apres`)."""

    login_url = reverse_lazy("oauth:connexion")
    template_name = "journal/consultations.html"
    request: RequeteConnectee

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = PeriodeForm(self.request.GET or None)
        contexte = {
            **super().get_context_data(**kwargs),
            "titre": "Qui a consulté mes données ?",
            "fil_ariane": [ACCUEIL, {"url": reverse("oauth:espace"), "titre": "Mon espace"}],
            "retention_mois": settings.JOURNAL_RETENTION_MONTHS,
            "form": form,
        }
        sujet = sujet_du_utilisateur(utilisateur_id=self.request.user.pk)
        if sujet is None:
            return {**contexte, "sans_dossier": True}
        periode, apres = form.periode(), Curseur.lire(self.request.GET.get("apres", ""))
        page = consultations_page(sujet=sujet, periode=periode, apres=apres, taille=PAR_PAGE)
        filtre = urlencode({k: v for k, v in self.request.GET.items() if k in ("depuis", "jusqu_au") and v})
        return {
            **contexte,
            "total": consultations_compter(sujet=sujet, periode=periode, plafond=COMPTE_PLAFOND),
            "plafond": COMPTE_PLAFOND,
            "suite": apres is not None,
            "suivante": page.suivante.jeton if page.suivante else "",
            "filtre": filtre,
            "consultations": [
                (consultation, [LIBELLES_DONNEES.get(donnee, donnee) for donnee in consultation.donnees])
                for consultation in page.consultations
            ],
        }


class ConsultationsCsvView(LoginRequiredMixin, View):
    """`/compte/consultations.csv`: the same consultations (and period) as the page, downloaded, streamed
    page by page (the person's right of access)."""

    login_url = reverse_lazy("oauth:connexion")

    def get(self, request: RequeteConnectee) -> HttpResponseBase:
        sujet = sujet_du_utilisateur(utilisateur_id=request.user.pk)
        if sujet is None:
            raise Http404("Aucun dossier de demandeur d'emploi.")
        periode = PeriodeForm(request.GET or None).periode()
        lignes = consultations_csv(consultations_parcourir(sujet=sujet, periode=periode))
        response = StreamingHttpResponse(lignes, content_type="text/csv; charset=utf-8")
        nom = f"consultations-de-mes-donnees-{timezone.localtime():%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{nom}"'
        response["Cache-Control"] = "no-store"
        return response


class AdministrateurRequisMixin(UserPassesTestMixin):
    """Staff only: anyone else logged in gets 403, an anonymous visitor the admin login page."""

    login_url = reverse_lazy("admin:login")

    def test_func(self) -> bool:
        utilisateur = self.request.user  # type: ignore[attr-defined]  # a mixin: the view it joins has `request`
        return utilisateur.is_active and utilisateur.is_staff


class ExportView(AdministrateurRequisMixin, View):
    """`/journal/export`: the access journal filtered by client, habilitation and period, in CSV or JSON
    Lines. Each download is written to the administrative journal before its first line."""

    template_name = "journal/export.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, ExportForm())

    def post(self, request: HttpRequest) -> HttpResponseBase:
        form = ExportForm(request.POST)
        if not form.is_valid():
            return self._page(request, form, status=400)
        format_ = form.cleaned_data["format"]
        export = journal_exporter(acteur=request.user, filtres=form.filtres(), format=format_)
        response = StreamingHttpResponse(export.lignes, content_type=FORMATS[format_])
        nom = f"journal-acces-{timezone.localtime():%Y%m%d-%H%M%S}.{format_}"
        response["Content-Disposition"] = f'attachment; filename="{nom}"'
        response["Cache-Control"] = "no-store"
        response["X-Journal-Enregistrements"] = str(export.nombre)
        return response

    def _page(self, request: HttpRequest, form: ExportForm, status: int = 200) -> HttpResponse:
        contexte = {
            "titre": "Exporter le journal des accès",
            "fil_ariane": [ACCUEIL],
            "form": form,
            "point": dernier_point_de_controle(journal=domain.ACCES),
        }
        return render(request, self.template_name, contexte, status=status)


@require_GET
def cle_publique_view(request: HttpRequest) -> HttpResponse:
    """`/journal/cle-publique`: the Ed25519 public key (PEM) that verifies the journal's checkpoints."""
    cle = cle_publique()
    if cle is None:
        raise Http404("Aucune clé de signature du journal n'est configurée.")
    response = HttpResponse(domain.cle_publique_pem(cle), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="journal-cle-publique.pem"'
    response["X-Cle-Empreinte"] = domain.cle_empreinte(cle)
    response["Cache-Control"] = "public, max-age=3600"
    return response
