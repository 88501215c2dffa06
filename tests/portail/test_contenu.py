"""The catalogue's Markdown in DSFR markup."""

from indemnites.portail.contenu import markdown_en_ligne, markdown_rendre


def test_raw_html_is_shown_as_text_never_run():
    html = markdown_rendre('<script>alert(1)</script>\n\nTexte <img src=x onerror="y">')

    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_tables_get_the_dsfr_containers_and_scroll_by_keyboard():
    html = markdown_rendre("| a | b |\n| --- | --- |\n| 1 | 2 |\n")

    assert html.startswith(
        '<div class="fr-table fr-table--multiline"><div class="fr-table__wrapper">'
        '<div class="fr-table__container" tabindex="0"><div class="fr-table__content"><table>'
    )


def test_external_links_say_they_open_a_new_window():
    html = markdown_rendre("[Légifrance](https://www.legifrance.gouv.fr) et [la doc](/documentation/)")

    assert (
        '<a href="https://www.legifrance.gouv.fr" rel="noopener" target="_blank" '
        'title="Légifrance - nouvelle fenêtre">Légifrance</a>'
    ) in html
    assert '<a href="/documentation/">la doc</a>' in html


def test_one_line_for_a_table_cell():
    assert markdown_en_ligne("le champ `schema`") == "le champ <code>schema</code>"
    assert markdown_en_ligne("un\n\ndeux").count("<p>") == 2
