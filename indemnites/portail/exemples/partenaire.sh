#!/bin/sh
# Serveur à serveur : un jeton client_credentials, puis les données d'une personne.
# BASE_URL, CLIENT_ID et CLIENT_SECRET viennent de l'environnement (bac à sable par défaut).
set -eu
BASE_URL="${BASE_URL:-http://127.0.0.1:8000}"
CLIENT_ID="${CLIENT_ID:-sandbox-deux-champs}"
CLIENT_SECRET="${CLIENT_SECRET:-sandbox-secret-deux-champs}"

# 1. Le jeton : le realm va dans l'URL, le reste dans le corps du formulaire.
REPONSE=$(curl -sS --fail-with-body -X POST "$BASE_URL/connexion/oauth2/access_token?realm=/partenaire" \
  --data-urlencode grant_type=client_credentials \
  --data-urlencode scope=api_indemnisationsv1 \
  --data-urlencode "client_id=$CLIENT_ID" \
  --data-urlencode "client_secret=$CLIENT_SECRET")
JETON=$(printf '%s' "$REPONSE" | sed -E 's/.*"access_token" *: *"([^"]+)".*/\1/')

# 2. Les données : l'identité dans le corps JSON, jamais dans l'URL.
curl -sS --fail-with-body -X POST "$BASE_URL/partenaire/indemnisations/v1/indemnisation" \
  -H "Authorization: Bearer $JETON" \
  -H "Content-Type: application/json" \
  -d '{"identifiant": "jean.are", "recipient": "13002526500013", "referenceDossier": "DOSSIER-2026-0042"}'
