# Two commands for a newcomer: `make run` and `make test`. CI calls the same targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_SETTINGS := indemnites.config.settings.dev
MANAGE := DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Links printed and emailed in development follow the address served (`make run PORT=8001`), unless set.
URL_PUBLIQUE ?= http://$(HOST):$(PORT)

.PHONY: run run-federation test quality venv serve lock clean

$(BIN)/.installed: requirements/base.txt requirements/dev.txt clients/python/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt -r requirements/dev.txt
	# The integrators' client and its `indemnites-client` command (its dependencies are pinned above).
	$(BIN)/pip install --quiet --no-deps --no-build-isolation ./clients/python
	touch $@

venv: $(BIN)/.installed

var/oidc-dev-key.pem: | venv
	$(BIN)/python scripts/dev_keys.py $@

var/journal-dev-key.pem: | venv
	$(BIN)/python scripts/dev_keys.py $@ --ed25519

var/preuve-dev-key.pem: | venv
	$(BIN)/python scripts/dev_keys.py $@ --p256

## make run: set everything up, load the demo data, serve on http://127.0.0.1:8000 (gunicorn, 2 workers; PORT=…)
run: venv var/oidc-dev-key.pem var/journal-dev-key.pem var/preuve-dev-key.pem
	$(MANAGE) migrate --noinput
	URL_PUBLIQUE=$(URL_PUBLIQUE) $(MANAGE) demo_charger
	$(MANAGE) collectstatic --noinput --verbosity 0
	@echo ""
	@echo "API indemnités : http://$(HOST):$(PORT)/"
	@echo "  OpenAPI  : http://$(HOST):$(PORT)/api/openapi.json"
	@echo "  Swagger  : http://$(HOST):$(PORT)/api/docs"
	@echo "  Redoc    : http://$(HOST):$(PORT)/api/redoc"
	@echo "  Jeton    : POST http://$(HOST):$(PORT)/connexion/oauth2/access_token?realm=/partenaire"
	@echo "  Données  : POST http://$(HOST):$(PORT)/partenaire/indemnisations/v1/indemnisation"
	@echo "  Preuves  : http://$(HOST):$(PORT)/preuves/verifier (clés : /preuves/jwks.json)"
	@echo ""
	URL_PUBLIQUE=$(URL_PUBLIQUE) DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) \
		$(BIN)/gunicorn -c python:indemnites.exploitation.gunicorn indemnites.config.wsgi --workers 2 --bind $(HOST):$(PORT)

## make run-federation: `make run`, with a local OpenID provider (npm oidc-provider, tests/fournisseur_oidc)
## standing in for FranceConnect (job seekers) and ProConnect (agents) on http://127.0.0.1:9000
OIDC_PORT ?= 9000
OIDC_DECOUVERTE := http://127.0.0.1:$(OIDC_PORT)/.well-known/openid-configuration
run-federation: node_modules/.installed
	FOURNISSEUR_OIDC_PORT=$(OIDC_PORT) FOURNISSEUR_OIDC_DUREE=28800 \
		FOURNISSEUR_OIDC_BASES="http://127.0.0.1:$(PORT) http://localhost:$(PORT)" node tests/fournisseur_oidc/serveur.mjs & \
	trap 'kill $$!' EXIT; \
	FRANCECONNECT_DISCOVERY_URL=$(OIDC_DECOUVERTE) FRANCECONNECT_CLIENT_ID=franceconnect \
	FRANCECONNECT_CLIENT_SECRET=secret-franceconnect-demo \
	HABILITATIONS_IDENTITE=proconnect PROCONNECT_DISCOVERY_URL=$(OIDC_DECOUVERTE) PROCONNECT_CLIENT_ID=proconnect \
	PROCONNECT_CLIENT_SECRET=secret-proconnect-demo $(MAKE) run

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund && touch $@; \
	else echo "npm absent : le contrôle d'accessibilité des tests de navigateur sera sauté"; fi

## make test: set up and run the whole suite (SQLite; PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
test: venv node_modules/.installed
	$(BIN)/pytest $(PYTEST_ARGS)

## make quality: lint, formatting, the layers (import-linter contracts, pyproject.toml), types (mypy with django-stubs;
## the Python client --strict), migrations up to date, system checks (with production-like settings)
quality: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=indemnites.config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=indemnites.config.settings.test $(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python scripts/deploy_check.py
	$(BIN)/mypy
	$(BIN)/mypy --strict clients/python/src

## make lock: recompute the hash-pinned requirements from requirements/*.in
lock:
	$(PYTHON) -m venv /tmp/indemnites-lock && /tmp/indemnites-lock/bin/pip install --quiet pip-tools
	cd requirements && /tmp/indemnites-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras base.in -o base.txt
	cd requirements && /tmp/indemnites-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras dev.in -o dev.txt

clean:
	rm -rf $(VENV) var
