"""`{{ texte|markdown }}`: the catalogue's Markdown in DSFR markup (raw HTML escaped)."""

from django import template
from django.utils.safestring import SafeString

from indemnites.portail.contenu import markdown_en_ligne, markdown_rendre

register = template.Library()


@register.filter
def markdown(texte: str | None) -> SafeString:
    return markdown_rendre(texte or "")


@register.filter
def markdown_ligne(texte: str | None) -> SafeString:
    return markdown_en_ligne(texte or "")
