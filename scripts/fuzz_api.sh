#!/usr/bin/env bash
# Fuzz the REST API from its OpenAPI schema with schemathesis (bounded, reproducible).
#
# Loads the embedded Armentières dataset into a throwaway SQLite database, serves it on a free
# 127.0.0.1 port, runs schemathesis (no 5xx, responses conform to the schema), stops the server.
# Usage: scripts/fuzz_api.sh [extra schemathesis options]
# Environment: FUZZ_MAX_EXAMPLES (default 20), FUZZ_TIMEOUT seconds (default 900), FUZZ_SEED.
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

# Path parameters naming a territory get the loaded one, so that the tests reach each endpoint's
# logic instead of stopping at « territoire introuvable » (unknown names are covered by pytest).
CONFIG="$VAR_DIR/schemathesis.toml"
cat >"$CONFIG" <<'TOML'
[parameters]
"path.territory" = "armentieres"
"path.slug" = "armentieres"
TOML

echo "== schemathesis ($MAX_EXAMPLES exemples par opération, graine $SEED, ${TIMEOUT} s au plus)"
status=0
timeout "$TIMEOUT" "$BIN/schemathesis" --config-file "$CONFIG" run "$SCHEMA" --url "$URL" \
  --checks not_a_server_error,response_schema_conformance \
  --max-examples "$MAX_EXAMPLES" \
  --seed "$SEED" \
  --request-timeout 60 \
  --generation-database none \
  --no-color \
  "$@" || status=$?
if [ "$status" -eq 124 ]; then
  echo "schemathesis : délai de ${TIMEOUT} s dépassé." >&2
fi
if [ "$status" -ne 0 ]; then
  echo "== Fin du journal du serveur" >&2
  grep -v -e "^Not Found" -e "^Bad Request" -e "^Unprocessable" "$VAR_DIR/server.log" \
    | tail -n 80 >&2 || true
fi
exit "$status"
