"""What reviews would miss: a complete OpenAPI document, no missing migration. The layers and the pure domain
modules are import-linter contracts (pyproject.toml, `make quality`)."""

import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from indemnites.api.api import api


def test_every_api_operation_is_in_the_openapi_document(http):
    document = http.get("/api/openapi.json").json()
    operations = {
        # A Django path converter (`{path:chemin}`) is no part of the OpenAPI path (`{chemin}`).
        (re.sub(r"\{\w+:(\w+)\}", r"{\1}", prefix + path), method.lower())
        for prefix, router in api._routers
        for path, path_view in router.path_operations.items()
        for operation in path_view.operations
        for method in operation.methods
    }

    assert operations
    documentees = {(path, method) for path, methods in document["paths"].items() for method in methods}
    assert operations <= documentees


def test_no_migration_is_missing():
    # Named explicitly: without labels, an app that has models but no migrations folder yet goes unnoticed.
    projet = [config.label for config in apps.get_app_configs() if config.name.startswith("indemnites.")]
    sortie = StringIO()

    try:
        call_command("makemigrations", *projet, "--check", "--dry-run", stdout=sortie, stderr=sortie)
    except SystemExit as exit_:
        pytest.fail(f"migrations manquantes (code {exit_.code}) :\n{sortie.getvalue()}")
