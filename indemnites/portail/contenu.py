"""Markdown of the catalogue and of the changelog, rendered into DSFR markup.

Raw HTML in the Markdown is escaped, never passed through: the texts only use Markdown and the
catalogue's components (converted beforehand by `domain.composants_convertir`).
"""

import xml.etree.ElementTree as etree
from functools import lru_cache

import markdown
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

TABLE_WRAPPERS = ("fr-table fr-table--multiline", "fr-table__wrapper", "fr-table__container", "fr-table__content")


class _DsfrTreeprocessor(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for index, enfant in enumerate(list(parent)):
                if enfant.tag == "table":
                    parent[index] = _envelopper(enfant)
                elif enfant.tag == "a":
                    _lien(enfant)


def _envelopper(table: etree.Element) -> etree.Element:
    """DSFR tables sit in four nested containers (DSFR 1.12+ markup); the scrolling one takes the
    keyboard focus, so that a wide table can be scrolled without a mouse."""
    racine = etree.Element("div", {"class": TABLE_WRAPPERS[0]})
    courant = racine
    for classe in TABLE_WRAPPERS[1:]:
        attributs = {"class": classe, "tabindex": "0"} if classe == "fr-table__container" else {"class": classe}
        courant = etree.SubElement(courant, "div", attributs)
    courant.append(table)
    return racine


def _lien(lien: etree.Element) -> None:
    """A link leaving the service opens in a new window and says so (DSFR external link)."""
    href = lien.get("href", "")
    if href.startswith(("http://", "https://")):
        lien.set("target", "_blank")
        lien.set("rel", "noopener")
        lien.set("title", f"{''.join(lien.itertext())} - nouvelle fenêtre")


class _DsfrExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_DsfrTreeprocessor(md), "dsfr", 0)


@lru_cache(maxsize=64)
def markdown_rendre(texte: str) -> SafeString:
    html = markdown.markdown(texte, extensions=["tables", "attr_list", _DsfrExtension()], output_format="html")
    return mark_safe(html)  # raw HTML in the text was escaped by the extension above


def markdown_en_ligne(texte: str) -> SafeString:
    """One line of Markdown (`code`, **gras**, liens) without its paragraph, for a table cell."""
    html: str = markdown_rendre(texte)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return mark_safe(html)  # from markdown_rendre: raw HTML already escaped
