"""What the code asks of the database connection beyond Django's common interface."""

from typing import TYPE_CHECKING, cast

from django.db import connection

if TYPE_CHECKING:
    from django.db.backends.sqlite3.base import DatabaseWrapper as SQLite


def sqlite_en_memoire() -> bool:
    """A SQLite database in memory (the tests'): of this process only, with neither WAL nor file beside it."""
    return connection.vendor == "sqlite" and cast("SQLite", connection).is_in_memory_db()
