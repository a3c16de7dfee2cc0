#!/usr/bin/env bash
# Fuzz the REST API from its OpenAPI schema with schemathesis (bounded, reproducible).
#
# Loads the embedded Armentières dataset into a throwaway SQLite database, serves it on a free
# 127.0.0.1 port, runs schemathesis (no 5xx, responses conform to the schema) twice: first
# anonymously (public reads; every write must answer 401), then with the API token of a
# coordinator created in that database (reads with drafts, and every write endpoint). Stops the
# server. Usage: scripts/fuzz_api.sh [extra schemathesis options]
# Environment: FUZZ_MAX_EXAMPLES (default 20), FUZZ_TIMEOUT seconds for both runs together
# (default 900), FUZZ_SEED.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-20}"
TIMEOUT="${FUZZ_TIMEOUT:-900}"
SEED="${FUZZ_SEED:-20230214}"

if [ ! -x "$BIN/schemathesis" ]; then
  echo "schemathesis absent : $BIN/pip install schemathesis" >&2
  exit 2
fi

VAR_DIR="$(mktemp -d)"
export MAILLAGE_VAR_DIR="$VAR_DIR"
export MAILLAGE_ENV=development
unset MAILLAGE_DATABASE_URL
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$VAR_DIR"
}
trap cleanup EXIT

echo "== Base jetable ($VAR_DIR) : Armentières"
"$BIN/maillage" init >/dev/null
"$BIN/maillage" load armentieres >/dev/null
# A coordinator of the loaded territory and its API token, for the authenticated run.
FUZZ_EMAIL="fuzz-coordination@example.org"
"$BIN/maillage" users create --email "$FUZZ_EMAIL" --role coordinator \
  --territory armentieres >/dev/null
TOKEN="$("$BIN/maillage" users token --email "$FUZZ_EMAIL" --name fuzzing | grep -o 'mlg_[A-Za-z0-9_-]*')"
test -n "$TOKEN"

PORT="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
URL="http://127.0.0.1:$PORT"
echo "== Serveur sur $URL"
if [ -x "$BIN/gunicorn" ]; then
  "$BIN/gunicorn" maillage.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 \
    --timeout 120 --log-level warning >"$VAR_DIR/server.log" 2>&1 &
else
  "$BIN/maillage" serve --host 127.0.0.1 --port "$PORT" >"$VAR_DIR/server.log" 2>&1 &
fi
SERVER_PID=$!
SCHEMA="$VAR_DIR/openapi.json"
# The schema is generated on first request (several seconds on a busy machine): fetch it once.
for _ in $(seq 1 60); do
  if curl -fsS --max-time 120 "$URL/api/v1/openapi.json" -o "$SCHEMA" 2>/dev/null; then break; fi
  sleep 1
done
test -s "$SCHEMA"

# Path parameters get real targets, so that the tests reach each endpoint's logic instead of
# stopping at « introuvable » (unknown names and ids are covered by pytest): the loaded
# territory, a structure with a service, a manual indicator of the plan and a year of the
# convention, a journal entry recorded here through the API, and a partner's proposal.
read -r STRUCTURE_ID SERVICE_ID CODE YEAR ACTIVITY_ID < <(
  API_URL="$URL/api/v1" API_TOKEN="$TOKEN" "$BIN/python" - <<'PY'
import json
import os
import urllib.request

api, token = os.environ["API_URL"], os.environ["API_TOKEN"]


def fetch(path, body=None):
    request = urllib.request.Request(api + path, data=body and json.dumps(body).encode())
    if body:
        request.add_header("Authorization", f"Bearer {token}")
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


hits = fetch("/structures?territory=armentieres&limit=500")["results"]
hit = next(h for h in hits if h["services"])
manual = next(i for i in fetch("/plan/armentieres/indicators") if i["kind"] == "manual")
year = manual["years"][0]
entry = {"date": f"{year}-06-15", "kind": "atelier collectif", "title": "Activité de test", "axes": [1]}
activity = fetch("/plan/armentieres/journal", entry)
print(hit["structure"]["id"], hit["services"][0]["id"], manual["code"], year, activity["id"])
PY
)
CHANGE_ID="$(STRUCTURE_ID="$STRUCTURE_ID" DJANGO_SETTINGS_MODULE=maillage.settings "$BIN/python" - <<'PY'
import os

import django

django.setup()
from django.contrib.auth import get_user_model  # noqa: E402

from maillage.accounts.services import membership_set, propose_change  # noqa: E402
from maillage.directory.models import Structure  # noqa: E402

structure = Structure.objects.get(pk=os.environ["STRUCTURE_ID"])
partner = get_user_model().objects.create_user(username="fuzz-partenaire@example.org")
membership_set(
    user=partner, territory=structure.territory, role="partner",
    organisation=structure.organisation,
)
change = propose_change(obj=structure, user=partner, fields={"note": "Proposition de test."})
print(change.pk)
PY
)"
CHANGE_ID="$(printf '%s\n' "$CHANGE_ID" | tail -n 1)"  # after the e-mail to the coordinator
CONFIG="$VAR_DIR/schemathesis.toml"
cat >"$CONFIG" <<TOML
[parameters]
"path.territory" = "armentieres"
"path.slug" = "armentieres"
"path.structure_id" = "$STRUCTURE_ID"
"path.service_id" = "$SERVICE_ID"
"path.activity_id" = "$ACTIVITY_ID"
"path.change_id" = "$CHANGE_ID"
"path.code" = "$CODE"
"path.year" = $YEAR
TOML

START="$(date +%s)"
run_schemathesis() {
  local budget=$((TIMEOUT - ($(date +%s) - START)))
  if [ "$budget" -lt 30 ]; then budget=30; fi
  timeout "$budget" "$BIN/schemathesis" --config-file "$CONFIG" run "$SCHEMA" --url "$URL" \
    --checks not_a_server_error,response_schema_conformance \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --request-timeout 60 \
    --generation-database none \
    --no-color \
    "$@"
}

status=0
echo "== schemathesis sans jeton ($MAX_EXAMPLES exemples par opération, graine $SEED, ${TIMEOUT} s au plus en tout)"
# Without a token the writes must all answer 401: the « missing_auth » warning is expected.
run_schemathesis --warnings missing_test_data,validation_mismatch "$@" || status=$?
if [ "$status" -eq 0 ]; then
  echo "== schemathesis avec le jeton d'un chargé de coopération (lectures avec brouillons, écritures)"
  run_schemathesis --header "Authorization: Bearer $TOKEN" "$@" || status=$?
fi
if [ "$status" -eq 124 ]; then
  echo "schemathesis : délai de ${TIMEOUT} s dépassé." >&2
fi
if [ "$status" -ne 0 ]; then
  echo "== Fin du journal du serveur" >&2
  grep -v -e "^Not Found" -e "^Bad Request" -e "^Unprocessable" "$VAR_DIR/server.log" \
    | tail -n 80 >&2 || true
fi
exit "$status"
