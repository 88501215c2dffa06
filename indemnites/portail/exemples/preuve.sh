#!/bin/sh
# Une preuve signée : la réponse demandée avec « Accept: application/jwt », son sel, puis sa vérification
# hors ligne par la ligne de commande du client Python (pip install indemnites-client).
# BASE_URL, CLIENT_ID et CLIENT_SECRET viennent de l'environnement (bac à sable par défaut).
set -eu
BASE_URL="${BASE_URL:-http://127.0.0.1:8000}"
CLIENT_ID="${CLIENT_ID:-sandbox-deux-champs}"
CLIENT_SECRET="${CLIENT_SECRET:-sandbox-secret-deux-champs}"
DOSSIER=$(mktemp -d)

# 1. Le jeton, comme pour une réponse en JSON.
REPONSE=$(curl -sS --fail-with-body -X POST "$BASE_URL/connexion/oauth2/access_token?realm=/partenaire" \
  --data-urlencode grant_type=client_credentials \
  --data-urlencode scope=api_indemnisationsv1 \
  --data-urlencode "client_id=$CLIENT_ID" \
  --data-urlencode "client_secret=$CLIENT_SECRET")
JETON=$(printf '%s' "$REPONSE" | sed -E 's/.*"access_token" *: *"([^"]+)".*/\1/')

# 2. La preuve : même requête, avec Accept: application/jwt. Gardez la preuve et son sel (en-tête X-Preuve-Sel)
#    avec le dossier.
curl -sS --fail-with-body -X POST "$BASE_URL/partenaire/indemnisations/v1/indemnisation" \
  -H "Authorization: Bearer $JETON" \
  -H "Content-Type: application/json" \
  -H "Accept: application/jwt" \
  -D "$DOSSIER/entetes.txt" -o "$DOSSIER/preuve.jwt" \
  -d '{"identifiant": "jean.are", "recipient": "13002526500013", "referenceDossier": "DOSSIER-2026-0042"}'
SEL=$(sed -n -E 's/^[Xx]-[Pp]reuve-[Ss]el: *([0-9a-f]{32}).*/\1/p' "$DOSSIER/entetes.txt")

# 3. Les clés publiques, à enregistrer : la vérification se fait ensuite hors ligne, même des années après.
curl -sS --fail-with-body "$BASE_URL/preuves/jwks.json" -o "$DOSSIER/jwks.json"

# 4. Vérifier la signature, et que la preuve concerne bien la personne du dossier ; affiche ce qu'elle atteste.
indemnites-client verifier "$DOSSIER/preuve.jwt" --jwks "$DOSSIER/jwks.json" --sel "$SEL" --identifiant jean.are
