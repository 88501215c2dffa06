from indemnites.droits.models import DemandeurEmploi
from indemnites.droits.selectors import demandeurs_nes_le
from indemnites.federation.domain import IdentitePivot, PersonneRegistre
from indemnites.federation.models import IdentiteFederee


def demandeur_federe_lire(*, fournisseur: str, sub: str) -> DemandeurEmploi | None:
    lien = IdentiteFederee.objects.select_related("demandeur").filter(fournisseur=fournisseur, sub=sub).first()
    return lien.demandeur if lien else None


def candidats_lister(*, pivot: IdentitePivot) -> list[PersonneRegistre]:
    """The registry's persons born that day (an indexed read); names are compared in the domain, after
    normalisation, which the database cannot do the same way on SQLite and PostgreSQL. Only the persons, and
    the birth dates, data calls see: one an unfinished import is writing is nobody yet, and a birth date it
    corrects is the former one until it switches."""
    lignes = demandeurs_nes_le(pivot.date_naissance).values_list(
        "id", "nom_naissance", "prenom", "sexe", "lieu_naissance"
    )
    return [
        PersonneRegistre(id, nom, prenom, pivot.date_naissance, sexe, lieu) for id, nom, prenom, sexe, lieu in lignes
    ]
