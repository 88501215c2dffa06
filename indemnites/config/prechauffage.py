"""What a worker would otherwise do in its first request, done when it starts (wsgi.py).

Django builds the URL reverser and compiles each template the first time a request needs them: the first
page a worker served took 67 to 69 ms in the server where the next took 23 at most (bench/README.md, « Le
journal à l'échelle d'une année »). Nothing here reads the database or goes through the middleware: a
worker starts the same with the database down, and no request is logged or counted that nobody sent.
"""

import logging
from pathlib import Path

from django.apps import apps
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver

logger = logging.getLogger(__name__)

# The pages' templates: the project's own and the design system's they extend and include.
APPLICATIONS_PAGES = ("indemnites.", "dsfr")


def prechauffer() -> int:
    """Builds the URL reverser and compiles the pages' templates; returns how many were compiled."""
    get_resolver().reverse_dict  # noqa: B018  # building it is the point: every reverse() of a request reads it
    return sum(_compiler(nom) for nom in _templates_des_pages())


def _templates_des_pages() -> list[str]:
    noms = []
    for application in apps.get_app_configs():
        racine = Path(application.path) / "templates"
        if application.name.startswith(APPLICATIONS_PAGES) and racine.is_dir():
            noms += sorted(str(chemin.relative_to(racine)) for chemin in racine.rglob("*.html"))
    return noms


def _compiler(nom: str) -> bool:
    """A template that does not compile stops only the page that uses it, never the worker."""
    try:
        get_template(nom)
    except (TemplateDoesNotExist, TemplateSyntaxError) as erreur:
        logger.warning("gabarit non compilé au démarrage : %s (%s)", nom, type(erreur).__name__)
        return False
    return True
