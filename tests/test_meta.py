"""What reviews would miss: pure domain modules, a complete OpenAPI document, no missing migration."""

import ast
import re
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

import indemnites
from indemnites.api.api import api

PACKAGE = Path(indemnites.__file__).parent
DOMAINES = sorted(PACKAGE.rglob("domain.py"))
FRAMEWORKS = ("django", "ninja", "oauth2_provider", "pydantic", "indemnites")


def modules_importes(source: Path) -> set[str]:
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
    return imported


def test_there_are_domain_modules_to_check():
    assert {path.parent.name for path in DOMAINES} >= {"core", "droits", "oauth"}


@pytest.mark.parametrize("domain", DOMAINES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_domain_modules_import_no_framework(domain):
    interdits = {
        module
        for module in modules_importes(domain)
        if module.startswith(".") or (module.split(".")[0] in FRAMEWORKS and not module.endswith(".domain"))
    }

    assert not interdits, f"{domain} importe {interdits}"


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
