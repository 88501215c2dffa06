#!/bin/sh
# Demandeur d'emploi connecté : une fois la personne revenue sur REDIRECT_URI avec `code` (et le
# `state` vérifié), échanger le code contre un jeton, puis lire ses données.
# CODE et CODE_VERIFIER viennent de l'étape d'autorisation (voir l'exemple Python).
set -eu
BASE_URL="${BASE_URL:-http://127.0.0.1:8000}"
CLIENT_ID="${CLIENT_ID:-sandbox-mode-connecte}"
CLIENT_SECRET="${CLIENT_SECRET:-sandbox-secret-mode-connecte}"
REDIRECT_URI="${REDIRECT_URI:-https://127.0.0.1:8765/callback}"

# 1. Le code contre les jetons (un code ne sert qu'une fois et vit une minute).
REPONSE=$(curl -sS --fail-with-body -X POST "$BASE_URL/connexion/oauth2/access_token?realm=/individu" \
  --data-urlencode grant_type=authorization_code \
  --data-urlencode "code=$CODE" \
  --data-urlencode "redirect_uri=$REDIRECT_URI" \
  --data-urlencode "code_verifier=$CODE_VERIFIER" \
  --data-urlencode "client_id=$CLIENT_ID" \
  --data-urlencode "client_secret=$CLIENT_SECRET")
JETON=$(printf '%s' "$REPONSE" | sed -E 's/.*"access_token" *: *"([^"]+)".*/\1/')

# 2. Les données de la personne connectée.
curl -sS --fail-with-body "$BASE_URL/partenaire/peconnect-indemnisations/v1/indemnisation" \
  -H "Authorization: Bearer $JETON"
