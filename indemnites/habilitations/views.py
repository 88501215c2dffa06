"""Pages of the habilitation workflow. Each view parses, calls one service or selector, renders."""

import csv
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indemnites.federation import client
from indemnites.habilitations import secret_scelle, selectors, services
from indemnites.habilitations.domain import (
    Acteur,
    Action,
    Etat,
    Profil,
    RegleEnfreinte,
    actions_possibles,
    eligibilite,
    peut_agir,
)
from indemnites.habilitations.forms import (
    ConnexionForm,
    DecisionForm,
    DemandeForm,
    EligibiliteForm,
    FiltresForm,
    InscriptionForm,
    MessageForm,
    NouvelleDemandeForm,
    OrganisationForm,
    ProlongationForm,
    RenouvellementForm,
)
from indemnites.habilitations.identite import (
    IdentiteProConnectIncomplete,
    MotDePasseLocal,
    mots_de_passe_locaux,
    proconnect,
    proconnect_actif,
    proconnect_agent,
    proconnect_retour_url,
)
from indemnites.habilitations.models import Agent, Demande
from indemnites.trafic.http import limiter_connexion

Vue = Callable[..., HttpResponseBase]


class RequeteAgent(HttpRequest):
    """A request that `agent_requis` let through: the verified agent rides on it."""

    agent: Agent


SECRET_PERIME = (
    "Le secret n'a pas été affiché à temps et ne peut plus l'être (il n'est conservé que sous forme "
    "d'empreinte) : pour obtenir un secret utilisable, renouvelez-le."
)


def _page(request: HttpRequest, template: str, titre: str, status: int = 200, **contexte: Any) -> HttpResponse:
    fil = contexte.pop("fil_ariane", [{"titre": "Accueil", "url": "/"}])
    contexte.update(titre=titre, fil_ariane=fil, agent=getattr(request, "agent", None))
    return render(request, f"habilitations/{template}", contexte, status=status)


def _refus(request: HttpRequest, message: str) -> HttpResponse:
    return _page(request, "refus.html", "Action non permise", status=403, message=message)


def agent_requis(vue: Vue) -> Vue:
    @wraps(vue)
    def enveloppe(request: RequeteAgent, *args: Any, **kwargs: Any) -> HttpResponseBase:
        agent = selectors.agent_de(request.user)
        if agent is None or not agent.verifie:
            return redirect_to_login(request.get_full_path(), reverse("habilitations:connexion"))
        request.agent = agent
        return vue(request, *args, **kwargs)

    return enveloppe


def instructeur_requis(vue: Vue) -> Vue:
    @agent_requis
    @wraps(vue)
    def enveloppe(request: RequeteAgent, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.agent.instructeur:
            return _refus(request, "Cet espace est réservé aux instructeurs.")
        return vue(request, *args, **kwargs)

    return enveloppe


def _demande(request: RequeteAgent, pk: int) -> tuple[Demande, selectors.Qualite]:
    """404 alike for a request that does not exist and one the agent may not see: nothing leaks."""
    trouvee = selectors.demande_visible(agent=request.agent, pk=pk)
    if trouvee is None:
        raise Http404("Demande introuvable.")
    return trouvee


def _fil(demande: Demande | None = None) -> list[dict[str, str]]:
    fil = [
        {"titre": "Accueil", "url": "/"},
        {"titre": "Mes demandes", "url": reverse("habilitations:tableau_de_bord")},
    ]
    if demande is not None:
        fil.append({"titre": f"Demande D{demande.pk}", "url": reverse("habilitations:demande", args=[demande.pk])})
    return fil


# --- eligibility and accounts ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def eligibilite_vue(request: HttpRequest) -> HttpResponse:
    form = EligibiliteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        profil = Profil(form.cleaned_data["profil"])
        reponse = eligibilite(profil)
        if reponse.eligible:
            request.session["profil"] = profil.value
        return _page(request, "eligibilite_resultat.html", reponse.titre, reponse=reponse, profil=profil)
    return _page(request, "eligibilite.html", "Demander l'accès à l'API indemnités", form=form)


@require_http_methods(["GET", "POST"])
def inscription(request: HttpRequest) -> HttpResponse:
    if not mots_de_passe_locaux():
        raise Http404("Les comptes locaux sont fermés : connexion par ProConnect.")
    form = InscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        try:
            services.agent_inscrire(
                courriel=donnees["courriel"],
                mot_de_passe=donnees["mot_de_passe"],
                prenom=donnees["prenom"],
                nom=donnees["nom"],
                siret=donnees["siret"],
                organisation_nom=donnees["organisation_nom"],
            )
        except RegleEnfreinte as erreur:
            form.add_error(None, str(erreur))
        else:
            return _page(
                request, "inscription_envoyee.html", "Vérifiez votre messagerie", courriel=donnees["courriel"]
            )
    return _page(request, "inscription.html", "Créer un compte d'agent", form=form)


@require_GET
def verifier(request: HttpRequest, jeton: str) -> HttpResponse:
    agent = services.agent_verifier(jeton=jeton)
    if agent is None:
        return _page(request, "verification_echec.html", "Lien invalide ou expiré", status=400)
    messages.success(request, "Votre adresse est vérifiée : vous pouvez vous connecter.")
    return redirect("habilitations:connexion")


@require_http_methods(["GET", "POST"])
@limiter_connexion(champ="courriel", nom="connexion-agent")  # every attempt, per address and email
def connexion(request: HttpRequest) -> HttpResponse:
    locaux = mots_de_passe_locaux()
    if request.method == "POST" and not locaux:
        raise Http404("Connexion par mot de passe fermée.")
    form = ConnexionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        courriel, mot_de_passe = form.cleaned_data["courriel"], form.cleaned_data["mot_de_passe"]
        user = MotDePasseLocal().authentifier(request, courriel=courriel, mot_de_passe=mot_de_passe)
        agent = selectors.agent_de(user) if user else None
        if agent is None or not agent.verifie:
            form.add_error(None, "Adresse ou mot de passe incorrect, ou adresse pas encore vérifiée.")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(_suite_locale(request.POST.get("next", "")))
    suite = request.GET.get("next", "")
    return _page(
        request,
        "connexion.html",
        "Connexion",
        form=form if locaux else None,
        suite=suite,
        proconnect=proconnect_actif(),
    )


def _suite_locale(suite: str) -> str:
    locale = url_has_allowed_host_and_scheme(suite, allowed_hosts=None) and suite.startswith("/")
    return suite if locale else reverse("habilitations:espace")


REFUS_PROCONNECT = {
    client.Raison.ANNULEE: ("Connexion annulée", "Vous avez annulé la connexion avec ProConnect.", 200),
    client.Raison.INJOIGNABLE: ("ProConnect ne répond pas", "ProConnect ne répond pas pour le moment.", 503),
    client.Raison.ETAT: ("Connexion impossible", "Cette demande de connexion a expiré ou a déjà servi.", 400),
}


def _refus_proconnect(request: HttpRequest, titre: str, message: str, status: int) -> HttpResponse:
    return _page(request, "proconnect_refus.html", titre, status=status, message=message)


@require_GET
def proconnect_connexion(request: HttpRequest) -> HttpResponse:
    """The ProConnect button: off to the provider (state, nonce, PKCE kept in the session)."""
    if not proconnect_actif():
        raise Http404("ProConnect n'est pas activé.")
    request.session["proconnect_suite"] = _suite_locale(request.GET.get("next", ""))
    try:
        return client.autorisation_rediriger(request, proconnect(), redirect_uri=proconnect_retour_url(request))
    except client.EchecFederation:  # only fetching the discovery document can fail here
        return _refus_proconnect(request, *REFUS_PROCONNECT[client.Raison.INJOIGNABLE])


@require_GET
def proconnect_retour(request: HttpRequest) -> HttpResponse:
    """ProConnect's answer: a verified agent of the organisation its SIRET names, or a clear refusal."""
    if not proconnect_actif():
        raise Http404("ProConnect n'est pas activé.")
    try:
        agent = proconnect_agent(request)
    except client.EchecFederation as echec:
        defaut = ("Connexion impossible", "ProConnect n'a pas confirmé votre identité de façon sûre.", 400)
        return _refus_proconnect(request, *REFUS_PROCONNECT.get(echec.raison, defaut))
    except IdentiteProConnectIncomplete:
        message = "ProConnect n'a pas transmis votre adresse, votre nom ou le SIRET de votre organisation."
        return _refus_proconnect(request, "Identité incomplète", message, 403)
    except RegleEnfreinte as erreur:
        return _refus_proconnect(request, "Connexion impossible", str(erreur), 403)
    if not agent.user.is_active:
        return _refus_proconnect(request, "Compte désactivé", "Ce compte d'agent est désactivé.", 403)
    login(request, agent.user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(request.session.pop("proconnect_suite", reverse("habilitations:espace")))


@require_POST
def deconnexion(request: HttpRequest) -> HttpResponse:
    """Signed in through ProConnect: its session is closed too (end-session endpoint, id_token_hint)."""
    retour = request.build_absolute_uri(reverse("habilitations:proconnect_deconnexion"))
    sortie = (
        client.deconnexion_url(request, proconnect(), post_logout_redirect_uri=retour) if proconnect_actif() else None
    )
    logout(request)
    if sortie is not None:
        return redirect(sortie[0])
    return redirect("habilitations:connexion")


@require_GET
def proconnect_deconnexion(request: HttpRequest) -> HttpResponse:
    messages.info(request, "Vous êtes déconnecté.")
    return redirect("habilitations:connexion")


# --- the applicant's pages ---------------------------------------------------------------------------


@agent_requis
@require_GET
def espace(request: RequeteAgent) -> HttpResponse:
    """The header's "Espace administrations": instructors land on the queue, applicants on their requests."""
    return redirect("habilitations:instruction" if request.agent.instructeur else "habilitations:tableau_de_bord")


@agent_requis
@require_http_methods(["GET", "POST"])
def tableau_de_bord(request: RequeteAgent) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.organisation_rejoindre(
            agent=request.agent, siret=form.cleaned_data["siret"], nom=form.cleaned_data["nom"]
        )
        messages.success(request, "Organisation ajoutée.")
        return redirect("habilitations:tableau_de_bord")
    return _page(
        request,
        "tableau_de_bord.html",
        "Mes demandes d'habilitation",
        demandes=selectors.demandes_de_l_agent(agent=request.agent),
        organisations=request.agent.organisations.all(),
        form=form,
    )


@agent_requis
@require_http_methods(["GET", "POST"])
def demande_nouvelle(request: RequeteAgent) -> HttpResponse:
    profil = request.session.get("profil")
    if profil not in (Profil.ADMINISTRATION, Profil.EDITEUR):
        messages.info(request, "Indiquez d'abord qui vous êtes : l'accès est réservé aux administrations.")
        return redirect("habilitations:eligibilite")
    form = NouvelleDemandeForm(request.POST or None, organisations=request.agent.organisations.all())
    if request.method == "POST" and form.is_valid():
        demande = services.demande_creer(
            agent=request.agent, organisation=form.cleaned_data["organisation"], profil=Profil(profil)
        )
        return redirect("habilitations:demande_modifier", pk=demande.pk)
    return _page(
        request,
        "demande_nouvelle.html",
        "Nouvelle demande",
        form=form,
        editeur=profil == Profil.EDITEUR,
        fil_ariane=_fil(),
    )


@agent_requis
@require_GET
def demande_detail(request: RequeteAgent, pk: int) -> HttpResponse:
    demande, qualite = _demande(request, pk)
    auteur = peut_agir(qualite, Acteur.DEMANDEUR)
    return _page(
        request,
        "demande.html",
        f"Demande D{demande.pk} : {demande.intitule}",
        demande=demande,
        auteur=auteur,
        actions=actions_possibles(demande.situation, Acteur.DEMANDEUR) if auteur else [],
        active=selectors.habilitation_active(demande=demande),
        prolongeable=auteur and selectors.prolongation_proposee(demande=demande),
        resume=selectors.resume(demande.donnees),
        chronologie=selectors.chronologie(demande=demande),
        dernier_motif=selectors.dernier_motif(demande=demande),
        message_form=MessageForm() if auteur else None,
        fil_ariane=_fil(),
    )


@agent_requis
@require_http_methods(["GET", "POST"])
def demande_modifier(request: RequeteAgent, pk: int) -> HttpResponse:
    demande, qualite = _demande(request, pk)
    if not peut_agir(qualite, Acteur.DEMANDEUR):
        return _refus(request, "Seul l'agent qui a déposé la demande peut la modifier.")
    if demande.etat not in (Etat.BROUILLON, Etat.MODIFICATIONS_DEMANDEES):
        messages.info(request, "Cette demande n'est pas modifiable dans son état actuel.")
        return redirect("habilitations:demande", pk=demande.pk)
    editeur = demande.profil == Profil.EDITEUR
    if request.method == "GET":
        form = DemandeForm(editeur=editeur, donnees=demande.donnees)
        return _formulaire(request, demande, form)
    form = DemandeForm(request.POST, request.FILES, editeur=editeur)
    if not form.is_valid():
        return _formulaire(request, demande, form, status=400)
    try:
        # Two transactions on purpose: the draft is kept even when the submission finds it incomplete.
        services.demande_enregistrer(
            demande=demande,
            agent=request.agent,
            donnees=form.contenu(),
            document=form.cleaned_data["cadre_juridique_pdf"],
        )
        if "soumettre" in request.POST:
            services.demande_soumettre(demande=demande, agent=request.agent)
            messages.success(request, "Demande soumise : l'instruction vous répondra par courriel.")
            return redirect("habilitations:demande", pk=demande.pk)
    except services.DemandeIncomplete as incomplete:
        form.erreurs_ajouter(incomplete.erreurs)
        return _formulaire(request, demande, form, status=400, brouillon_enregistre=True)
    except RegleEnfreinte as erreur:
        messages.error(request, str(erreur))
        return redirect("habilitations:demande", pk=demande.pk)
    messages.success(request, "Brouillon enregistré.")
    return redirect("habilitations:demande_modifier", pk=demande.pk)


def _formulaire(
    request: HttpRequest, demande: Demande, form: DemandeForm, status: int = 200, **extra: Any
) -> HttpResponse:
    return _page(
        request,
        "demande_formulaire.html",
        f"Demande D{demande.pk}",
        status=status,
        demande=demande,
        form=form,
        dernier_motif=selectors.dernier_motif(demande=demande),
        fil_ariane=_fil(demande),
        **extra,
    )


@agent_requis
@require_GET
def demande_document(request: RequeteAgent, pk: int) -> FileResponse:
    demande, _ = _demande(request, pk)
    if not demande.document:
        raise Http404("Aucun document.")
    nom = demande.donnees.get("cadre_juridique_document") or "cadre-juridique.pdf"
    return FileResponse(demande.document.open("rb"), as_attachment=True, filename=nom, content_type="application/pdf")


@agent_requis
@require_POST
def demande_action(request: RequeteAgent, pk: int) -> HttpResponse:
    """The applicant's own transitions: reopen, or give up a reopening."""
    demande, _ = _demande(request, pk)
    action = request.POST.get("action")
    try:
        if action == Action.ROUVRIR:
            services.demande_rouvrir(demande=demande, agent=request.agent)
            return redirect("habilitations:demande_modifier", pk=demande.pk)
        if action == Action.ANNULER_REOUVERTURE:
            services.demande_reouverture_annuler(demande=demande, agent=request.agent)
        else:
            messages.error(request, "Action inconnue.")
    except services.ActionNonPermise as erreur:
        return _refus(request, str(erreur))
    except RegleEnfreinte as erreur:
        messages.error(request, str(erreur))
    return redirect("habilitations:demande", pk=demande.pk)


@agent_requis
@require_POST
def message(request: RequeteAgent, pk: int) -> HttpResponse:
    demande, qualite = _demande(request, pk)
    form = MessageForm(request.POST)
    retour = "habilitations:demande" if peut_agir(qualite, Acteur.DEMANDEUR) else "habilitations:instruction_demande"
    if form.is_valid():
        try:
            services.message_envoyer(demande=demande, auteur=request.agent, texte=form.cleaned_data["texte"])
        except services.ActionNonPermise as erreur:
            return _refus(request, str(erreur))
        messages.success(request, "Message envoyé.")
    else:
        messages.error(request, "Le message est vide ou trop long (5 000 caractères au plus).")
    return redirect(retour, pk=demande.pk)


def _fil_identifiants(demande: Demande) -> list[dict[str, str]]:
    return [*_fil(demande), {"titre": "Identifiants", "url": reverse("habilitations:identifiants", args=[demande.pk])}]


def _secret_a_montrer(request: HttpRequest, demande: Demande) -> services.SecretRemis | None:
    """The secret just handed over, shown by the one GET that follows the POST (then gone)."""
    try:
        return secret_scelle.secret_desceller(session=request.session, demande_pk=demande.pk)
    except secret_scelle.SecretPerime:
        messages.warning(request, SECRET_PERIME)
        return None


def _secret_remettre(request: RequeteAgent, demande: Demande) -> HttpResponse:
    try:
        remis = services.secret_remettre(demande=demande, agent=request.agent)
    except RegleEnfreinte as erreur:
        messages.error(request, str(erreur))
        return redirect("habilitations:demande", pk=demande.pk)
    secret_scelle.secret_sceller(session=request.session, demande_pk=demande.pk, remis=remis)
    return redirect("habilitations:identifiants", pk=demande.pk)


def _demande_du_demandeur(request: RequeteAgent, pk: int) -> Demande | HttpResponse:
    demande, qualite = _demande(request, pk)
    if not peut_agir(qualite, Acteur.DEMANDEUR):
        return _refus(request, "Seul l'agent qui a déposé la demande accède aux identifiants.")
    return demande


@agent_requis
@require_http_methods(["GET", "POST"])
def identifiants(request: RequeteAgent, pk: int) -> HttpResponse:
    """The client's credentials. A POST hands over the first secret, then redirects: the secret is shown by
    the GET that follows, once; a reload shows nothing new and changes nothing. Renewal is a separate,
    confirmed action (`identifiants_renouveler`)."""
    demande = _demande_du_demandeur(request, pk)
    if isinstance(demande, HttpResponse):
        return demande
    if request.method == "POST":
        if demande.secret_remis_le is not None:
            messages.info(request, "Le secret a déjà été affiché. Pour en obtenir un nouveau, renouvelez-le.")
            return redirect("habilitations:identifiants", pk=demande.pk)
        return _secret_remettre(request, demande)
    reponse = _page(
        request,
        "identifiants.html",
        "Identifiants du client",
        demande=demande,
        application=demande.application,
        active=selectors.habilitation_active(demande=demande),
        grace=selectors.grace_en_cours(application=demande.application),
        remis=_secret_a_montrer(request, demande),
        fil_ariane=_fil(demande),
    )
    reponse["Cache-Control"] = "no-store"
    return reponse


@agent_requis
@require_http_methods(["GET", "POST"])
def identifiants_renouveler(request: RequeteAgent, pk: int) -> HttpResponse:
    """Asks for confirmation, saying what happens to the secret in use; then renews and redirects."""
    demande = _demande_du_demandeur(request, pk)
    if isinstance(demande, HttpResponse):
        return demande
    form = RenouvellementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return _secret_remettre(request, demande)
    return _page(
        request,
        "identifiants_renouveler.html",
        "Renouveler le secret",
        status=400 if form.errors else 200,
        demande=demande,
        application=demande.application,
        form=form,
        grace_jours=services.grace_secret().days,
        grace=selectors.grace_en_cours(application=demande.application),
        fil_ariane=[
            *_fil(demande),
            {"titre": "Identifiants", "url": reverse("habilitations:identifiants", args=[pk])},
        ],
    )


@agent_requis
@require_http_methods(["GET", "POST"])
def prolonger(request: RequeteAgent, pk: int) -> HttpResponse:
    demande, qualite = _demande(request, pk)
    if not peut_agir(qualite, Acteur.DEMANDEUR):
        return _refus(request, "Seul l'agent qui a déposé la demande peut la prolonger.")
    form = ProlongationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            prolongee = services.habilitation_prolonger(demande=demande, agent=request.agent, reponses=form.reponses())
        except RegleEnfreinte as erreur:
            messages.error(request, str(erreur))
            return redirect("habilitations:demande", pk=demande.pk)
        if prolongee:
            messages.success(request, "Habilitation prolongée de 18 mois.")
            return redirect("habilitations:demande", pk=demande.pk)
        messages.info(request, "Une réponse est « non » : mettez la demande à jour puis soumettez-la à nouveau.")
        return redirect("habilitations:demande_modifier", pk=demande.pk)
    return _page(
        request, "prolonger.html", "Prolonger l'habilitation", demande=demande, form=form, fil_ariane=_fil(demande)
    )


# --- instruction ---------------------------------------------------------------------------------------


@instructeur_requis
@require_GET
def instruction(request: HttpRequest) -> HttpResponse:
    form = FiltresForm(request.GET or None)
    filtres = selectors.Filtres(**form.cleaned_data) if form.is_valid() else selectors.Filtres()
    return _page(
        request, "instruction_liste.html", "Demandes à instruire", form=form,
        demandes=selectors.demandes_a_instruire(filtres=filtres)[:200],
    )  # fmt: skip


@instructeur_requis
@require_http_methods(["GET", "POST"])
def instruction_demande(request: RequeteAgent, pk: int) -> HttpResponse:
    demande, qualite = _demande(request, pk)
    decideur = peut_agir(qualite, Acteur.INSTRUCTEUR)
    actions = actions_possibles(demande.situation, Acteur.INSTRUCTEUR) if decideur else []
    form = DecisionForm(request.POST or None, actions=actions)
    if request.method == "POST":
        if not decideur:
            return _refus(request, "Vous ne pouvez pas instruire une demande de votre propre organisation.")
        if form.is_valid():
            try:
                services.demande_decider(
                    demande=demande,
                    instructeur=request.agent,
                    action=Action(form.cleaned_data["decision"]),
                    motif=form.cleaned_data["motif"],
                )
            except RegleEnfreinte as erreur:
                form.add_error("motif", str(erreur))
            else:
                messages.success(request, "Décision enregistrée ; le demandeur est prévenu par courriel.")
                return redirect("habilitations:instruction_demande", pk=demande.pk)
    return _page(
        request,
        "instruction_demande.html",
        f"Instruction de la demande D{demande.pk}",
        status=400 if form.errors else 200,
        demande=demande,
        decideur=decideur,
        form=form if actions else None,
        diff=selectors.diff_depuis_validation(demande=demande),
        resume=selectors.resume(demande.donnees),
        chronologie=selectors.chronologie(demande=demande),
        message_form=MessageForm() if decideur else None,
        fil_ariane=[
            {"titre": "Accueil", "url": "/"},
            {"titre": "Instruction", "url": reverse("habilitations:instruction")},
        ],
    )


# --- transparency -------------------------------------------------------------------------------------


@require_GET
def publiques(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        "publiques.html",
        "Habilitations en vigueur",
        habilitations=selectors.habilitations_publiques(),
    )


@require_GET
def publiques_json(request: HttpRequest) -> HttpResponse:
    lignes = [h.as_dict() for h in selectors.habilitations_publiques()]
    return HttpResponse(json.dumps(lignes, ensure_ascii=False, indent=1), content_type="application/json")


COLONNES_CSV = ("organisation", "siret", "intitule", "donnees", "cadre_juridique", "cadre_juridique_url", "validee_le")


@require_GET
def publiques_csv(request: HttpRequest) -> HttpResponse:
    reponse = HttpResponse(content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = 'attachment; filename="habilitations-api-indemnites.csv"'
    ecrivain = csv.writer(reponse)
    ecrivain.writerow(COLONNES_CSV)
    for ligne in (h.as_dict() for h in selectors.habilitations_publiques()):
        ligne["donnees"] = " ".join(ligne["donnees"])
        ecrivain.writerow([_cellule(ligne[colonne]) for colonne in COLONNES_CSV])
    return reponse


def _cellule(valeur: str) -> str:
    """Neutralises formula injection when the CSV is opened in a spreadsheet."""
    return f"'{valeur}" if valeur[:1] in ("=", "+", "-", "@") else valeur
