"""The real service for end-to-end tests: gunicorn on a free loopback port, over a database of its own (a
SQLite file, or a PostgreSQL database created beside the test database when the suite runs on PostgreSQL),
migrated and loaded with the demo data as `make run` does."""

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.exploitation.serveur import ROOT, Gunicorn

CLIENT_ID, CLIENT_SECRET = "sandbox-deux-champs", "sandbox-secret-deux-champs"  # demo data (sandbox)


def _postgresql_url(nom: str) -> str:
    base = connection.settings_dict
    auth = base["USER"] + (f":{base['PASSWORD']}" if base["PASSWORD"] else "")
    return f"postgres://{auth}@{base['HOST'] or '127.0.0.1'}:{base['PORT'] or 5432}/{nom}"


@contextmanager
def _base(repertoire: Path) -> Iterator[str]:
    if connection.vendor != "postgresql":
        yield f"sqlite:///{repertoire / 'base.sqlite3'}"
        return
    nom = f"{settings.DATABASES['default']['NAME']}_bout_en_bout"
    with psycopg.connect(_postgresql_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{nom}"')
    try:
        yield _postgresql_url(nom)
    finally:
        with psycopg.connect(_postgresql_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)')


class Service:
    """One database, and a gunicorn that `redemarrer` replaces (with other settings: a key rotation)."""

    def __init__(self, repertoire: Path, database_url: str) -> None:
        self.repertoire = repertoire
        self.environnement = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CACHE_KEY_PREFIX": f"test-bout-en-bout-{secrets.token_hex(4)}",
            "OIDC_RSA_PRIVATE_KEY": settings.OIDC_RSA_PRIVATE_KEY,
            "PREUVE_SIGNING_KEY": settings.PREUVE_SIGNING_KEY,
            "TRAFIC_LIMITE_IP_PAR_MINUTE": "1000000",
        }
        self.gunicorn: Gunicorn | None = None

    @property
    def url(self) -> str:
        assert self.gunicorn is not None
        return self.gunicorn.url

    def preparer(self) -> None:
        env = {**self.environnement, "DJANGO_SETTINGS_MODULE": "indemnites.config.settings.dev"}
        env["VAR_DIR"] = str(self.repertoire)
        for commande in (["migrate", "--noinput"], ["demo_charger"]):
            fait = subprocess.run(
                [sys.executable, "manage.py", *commande], cwd=ROOT, env=env, capture_output=True, text=True
            )
            if fait.returncode != 0:
                pytest.fail(f"manage.py {commande[0]} : {fait.stderr[-3000:]}")

    def redemarrer(self, **reglages: str) -> None:
        self.arreter()
        self.environnement.update(reglages)
        self.gunicorn = Gunicorn("bout-en-bout", self.repertoire, self.environnement)
        self.gunicorn.attendre()

    def arreter(self) -> None:
        if self.gunicorn is not None:
            self.gunicorn.arreter()
            self.gunicorn = None


@contextmanager
def service_demarrer(repertoire: Path) -> Iterator[Service]:
    with _base(repertoire) as database_url:
        service = Service(repertoire, database_url)
        service.preparer()
        try:
            service.redemarrer()
            yield service
        finally:
            service.arreter()
