"""A worker builds at start what its first page would otherwise build (indemnites/config/prechauffage.py):
the URL reverser and the pages' templates, without the database and without stopping on a broken template."""

import logging

from django.template import TemplateSyntaxError, engines

from indemnites.config import prechauffage
from tests.oauth import outils


def templates_compiles() -> set[str]:
    (chargeur,) = engines["django"].engine.template_loaders  # the cached loader (APP_DIRS, no DIRS)
    return {str(cle) for cle in chargeur.get_template_cache}


def oublier_les_templates() -> None:
    (chargeur,) = engines["django"].engine.template_loaders
    chargeur.reset()


def test_after_the_warm_up_a_page_compiles_no_template(http, db):
    jean = outils.personne("jean.are")
    http.force_login(jean.utilisateur)
    oublier_les_templates()

    prechauffage.prechauffer()
    avant = templates_compiles()
    assert http.get("/compte/consultations").status_code == 200
    assert http.get("/").status_code == 200

    assert "journal/consultations.html" in avant
    assert templates_compiles() == avant


def test_every_template_of_the_pages_compiles_and_none_reads_the_database(django_assert_num_queries, caplog):
    oublier_les_templates()

    with django_assert_num_queries(0), caplog.at_level(logging.WARNING, logger=prechauffage.__name__):
        compiles = prechauffage.prechauffer()

    assert compiles > 100  # the project's templates and the design system's
    assert not caplog.records


def test_a_template_that_does_not_compile_stops_only_its_page(monkeypatch, caplog):
    compiler = prechauffage.get_template

    def compiler_sauf_un(nom: str):
        if nom == "journal/consultations.html":
            raise TemplateSyntaxError("balise inconnue")
        return compiler(nom)

    monkeypatch.setattr(prechauffage, "get_template", compiler_sauf_un)
    with caplog.at_level(logging.WARNING, logger=prechauffage.__name__):
        prechauffage.prechauffer()

    (alerte,) = caplog.records
    assert alerte.getMessage() == "gabarit non compilé au démarrage : journal/consultations.html (TemplateSyntaxError)"
