"""Reading problem codes out of source text (the error reference is built from it)."""

from indemnites.portail.codes import classes_resoudre, codes_fusionner, codes_trouver, regles_trouver

SOURCE = """
class ProblemError(Exception):
    status = 400
    code = "requete-invalide"
    title = "Requête invalide"

class Quota(ProblemError):
    status = 429
    code = "quota-depasse"
    title = "Trop de requêtes"

class SansStatut(Quota):
    code = "quota-ip"

class PasUneErreur:
    code = "pas-un-probleme"

def vue(request):
    problem_response(request, status=413, code="corps-trop-volumineux", title="Trop gros", detail="…")
    problem_response(request, status=exc.status_code, code="erreur-http", title="Erreur", detail="…")
    raise ValidationError("Valeur invalide", code="pas-un-probleme-non-plus")

GENERIQUES = {404: ("ressource-inconnue", "Ressource inconnue", "…"), 200: ("pas-une-erreur", "OK", "")}
"""


def test_finds_classes_calls_and_tables_with_their_status():
    codes = {c.code: (c.statut, c.titre) for c in codes_fusionner(classes_resoudre(codes_trouver(SOURCE)))}

    assert codes == {
        "requete-invalide": (400, "Requête invalide"),
        "quota-depasse": (429, "Trop de requêtes"),
        "quota-ip": (429, ""),  # inherited from its base class
        "corps-trop-volumineux": (413, "Trop gros"),
        "erreur-http": (None, "Erreur"),  # the status depends on the case
        "ressource-inconnue": (404, "Ressource inconnue"),
    }


def test_inheritance_is_resolved_across_files():
    autre_fichier = "class Fille(Quota):\n    code = 'fille'\n"

    trouves = classes_resoudre(codes_trouver(SOURCE) + codes_trouver(autre_fichier))

    assert {t.code: t.statut for t in trouves}["fille"] == 429


def test_one_entry_per_code_sorted_by_status():
    source = "\n".join(
        ['f(status=401, code="b", title="")', 'f(status=401, code="b", title="Titre")', 'f(status=400, code="z")']
    )

    fusion = codes_fusionner(codes_trouver(source))

    assert [(c.code, c.statut, c.titre) for c in fusion] == [("z", 400, ""), ("b", 401, "Titre")]


def test_validation_rules():
    source = 'PydanticCustomError("nir-invalide", "NIR invalide.")\nPydanticCustomError("date-hors-bornes", erreur)'

    assert [(r.regle, r.message) for r in regles_trouver(source)] == [
        ("nir-invalide", "NIR invalide."),
        ("date-hors-bornes", ""),
    ]
