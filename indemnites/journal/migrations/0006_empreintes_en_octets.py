"""The records' fingerprints stored as 32 bytes instead of 64 hex characters (indemnites/journal/empreintes.py):
about 96 bytes less per access record. Only the storage changes: the hex each value decodes to is the one that
was stored, so a journal written before still verifies, and its checkpoints too.

PostgreSQL: one ALTER TABLE per table decodes the hex in place (`decode(…, 'hex')`, "" becoming NULL); it
rewrites the table under an exclusive lock (docs/journal.md, « Stockage des empreintes »). SQLite has no
`unhex()` before 3.41: Django remakes the table (the text is copied as is), then one UPDATE decodes it with a
function registered on the connection."""

from typing import Any

from django.db import migrations

import indemnites.journal.empreintes

TABLES = {
    "journal_enregistrement": ("empreinte_requete", "empreinte_precedente", "empreinte"),
    "journal_actionadministrative": ("empreinte_precedente", "empreinte"),
}


def _postgresql(schema_editor: Any) -> bool:
    return bool(schema_editor.connection.vendor == "postgresql")


def postgresql_en_octets(apps: Any, schema_editor: Any) -> None:
    if not _postgresql(schema_editor):
        return
    for table, colonnes in TABLES.items():
        clauses = [
            f"ALTER COLUMN {c} DROP NOT NULL, ALTER COLUMN {c} TYPE bytea USING decode(NULLIF({c}, ''), 'hex')"
            for c in colonnes
        ]
        schema_editor.execute(f"ALTER TABLE {table} {', '.join(clauses)}")


def postgresql_en_hex(apps: Any, schema_editor: Any) -> None:
    if not _postgresql(schema_editor):
        return
    for table, colonnes in TABLES.items():
        clauses = [
            f"ALTER COLUMN {c} TYPE varchar(64) USING coalesce(encode({c}, 'hex'), ''), ALTER COLUMN {c} SET NOT NULL"
            for c in colonnes
        ]
        schema_editor.execute(f"ALTER TABLE {table} {', '.join(clauses)}")


def _octets(texte: str | bytes | None) -> bytes | None:
    if isinstance(texte, bytes):  # already converted (a rerun after a failure)
        return texte
    return bytes.fromhex(texte) if texte else None


def sqlite_en_octets(apps: Any, schema_editor: Any) -> None:
    if _postgresql(schema_editor):
        return
    schema_editor.connection.connection.create_function("empreinte_octets", 1, _octets, deterministic=True)
    for table, colonnes in TABLES.items():
        schema_editor.execute(f"UPDATE {table} SET {', '.join(f'{c} = empreinte_octets({c})' for c in colonnes)}")


def sqlite_en_hex(apps: Any, schema_editor: Any) -> None:
    if _postgresql(schema_editor):
        return
    for table, colonnes in TABLES.items():
        schema_editor.execute(f"UPDATE {table} SET {', '.join(f'{c} = lower(hex({c}))' for c in colonnes)}")


class AlterFieldHorsPostgresql(migrations.AlterField):
    """The model state changes everywhere; the table only elsewhere than on PostgreSQL, which converted the
    column itself (Django would cast the hex text to bytea as it is: 64 bytes of ASCII)."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if not _postgresql(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if not _postgresql(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def _champ(verbose_name: str | None = None) -> Any:
    options = {"verbose_name": verbose_name} if verbose_name else {}
    return indemnites.journal.empreintes.EmpreinteField(blank=True, editable=True, null=True, **options)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0005_sans_index_like"),
    ]

    operations = [
        migrations.RunPython(postgresql_en_octets, postgresql_en_hex),
        *[
            AlterFieldHorsPostgresql(model_name=modele, name=nom, field=_champ(verbose_name))
            for modele, nom, verbose_name in (
                ("enregistrement", "empreinte_requete", "empreinte du corps de la requête"),
                ("enregistrement", "empreinte_precedente", None),
                ("enregistrement", "empreinte", None),
                ("actionadministrative", "empreinte_precedente", None),
                ("actionadministrative", "empreinte", None),
            )
        ],
        migrations.RunPython(sqlite_en_octets, sqlite_en_hex),
    ]
