"""How the journals store their SHA-256 fingerprints: 32 raw bytes in the database (PostgreSQL `bytea`,
SQLite BLOB; NULL when there is none), lowercase hex everywhere above it (the chain's rules, checkpoints,
exports, pages, the admin). At 20 million records a year, hex text would cost about 100 bytes a record.

Only the storage is binary: the chain is defined over hex (indemnites/journal/domain.py). The ORM converts
through `EmpreinteField`; the journal's raw SQL, which bypasses it, converts here too: `octets` for the
values it writes, `empreinte_sql` for the columns it reads (the database writes the hex, in C, which keeps
`journal_verify`'s loop unchanged)."""

from typing import Any

from django.db import connection, models


def octets(empreinte: str) -> bytes | None:
    """The value to store for a hex fingerprint; "" (none: not sealed, no request body) is stored as NULL."""
    return bytes.fromhex(empreinte) if empreinte else None


def hexa(stockee: bytes | memoryview | None) -> str:
    """The hex fingerprint of a stored value (bytes, or a memoryview from some drivers); "" for NULL."""
    return stockee.hex() if stockee is not None else ""


def empreinte_sql(colonne: str) -> str:
    """A fingerprint column read by raw SQL as the ORM would give it: lowercase hex, "" for NULL."""
    if connection.vendor == "postgresql":
        return f"coalesce(encode({colonne}, 'hex'), '')"
    return f"lower(hex({colonne}))"  # SQLite: hex(NULL) is ""


class EmpreinteField(models.BinaryField):
    """A SHA-256 fingerprint: stored as 32 bytes (or NULL), seen as lowercase hex (or "") by the code. An empty
    one is NULL in the database: `filter(empreinte="")` finds nothing, unsealed records are `rang__isnull`."""

    # What django-stubs' mypy plugin types the model's attribute as: hex, set and got (not BinaryField's bytes).
    _pyi_private_set_type: str
    _pyi_private_get_type: str  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", True)  # shown by the admin's read-only pages, like the other fields
        super().__init__(*args, **kwargs)

    def from_db_value(self, value: bytes | memoryview | None, expression: Any, connection: Any) -> str:
        return hexa(value)

    def to_python(self, value: Any) -> str:
        if isinstance(value, bytes | memoryview):
            return hexa(value)
        return value or ""

    def get_prep_value(self, value: Any) -> bytes | None:
        if isinstance(value, bytes | memoryview):
            return bytes(value)
        return octets(value or "")

    def value_to_string(self, obj: models.Model) -> str:
        return str(self.value_from_object(obj))
