"""Pages of the journal: the job seeker's "Qui a consulté mes données ?", the administrators' export, and the
public key that verifies the signed checkpoints."""

from typing import Any

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from indemnites.journal import domain
from indemnites.journal.forms import ExportForm
from indemnites.journal.selectors import (
    cle_publique,
    consultations_du_sujet,
    consultations_presenter,
    dernier_point_de_controle,
    sujet_du_utilisateur,
)
from indemnites.journal.services import journal_exporter
from indemnites.journal.services.export import FORMATS
from indemnites.oauth.domain import LIBELLES_DONNEES

PAR_PAGE = 25
ACCUEIL = {"url": "/", "titre": "Accueil"}


@method_decorator(never_cache, name="dispatch")  # personal data: never kept by a browser or proxy
class ConsultationsView(LoginRequiredMixin, TemplateView):
    """`/compte/consultations`: every consultation of the logged-in job seeker's data, newest first."""

    login_url = reverse_lazy("oauth:connexion")
    template_name = "journal/consultations.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        contexte = {
            "titre": "Qui a consulté mes données ?",
            "fil_ariane": [ACCUEIL],
            "retention_mois": settings.JOURNAL_RETENTION_MONTHS,
        }
        sujet = sujet_du_utilisateur(utilisateur_id=self.request.user.pk)
        if sujet is None:
            return {**super().get_context_data(**kwargs), **contexte, "sans_dossier": True}
        page = Paginator(consultations_du_sujet(sujet=sujet), PAR_PAGE).get_page(self.request.GET.get("page"))
        consultations = [
            (consultation, [LIBELLES_DONNEES.get(donnee, donnee) for donnee in consultation.donnees])
            for consultation in consultations_presenter(page.object_list)
        ]
        return {**super().get_context_data(**kwargs), **contexte, "page": page, "consultations": consultations}


class AdministrateurRequisMixin(UserPassesTestMixin):
    """Staff only: anyone else logged in gets 403, an anonymous visitor the admin login page."""

    login_url = reverse_lazy("admin:login")

    def test_func(self) -> bool:
        utilisateur = self.request.user  # type: ignore[attr-defined]
        return utilisateur.is_active and utilisateur.is_staff


class ExportView(AdministrateurRequisMixin, View):
    """`/journal/export`: the access journal filtered by client, habilitation and period, in CSV or JSON
    Lines. Each download is written to the administrative journal before its first line."""

    template_name = "journal/export.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, ExportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
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
