#!/usr/bin/env bash
# A production run on this machine, checked from outside: a fresh PostgreSQL database, migrate,
# collectstatic, load_wilayah, the first admin, gunicorn (kampungkb.config.gunicorn) and the
# worker each in its own process, pages checked through gunicorn (deploy/smoke.py), then
# `kampungkb check_install` must pass, and both processes must stop cleanly on SIGTERM.
#
#   bash deploy/smoke_test.sh            # database kampungkb_smoke on 127.0.0.1:5432
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/other bash deploy/smoke_test.sh
#
# The database named in DATABASE_URL is dropped and created again. Runtime files go to a
# temporary folder, removed at the end; nothing is left running, even on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
[ "$BIN" != .venv/bin ] || make -s setup
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kampungkb_smoke}"
case "$DATABASE_URL" in postgres://* | postgresql://*) ;; *)
  echo "smoke_test: DATABASE_URL must name a PostgreSQL database" >&2
  exit 2
  ;;
esac
DB_NAME="${DATABASE_URL##*/}"
SERVER_URL="${DATABASE_URL%/*}/postgres"

VAR_DIR="$(mktemp -d)"
GUNICORN_PID=""
WORKER_PID=""
cleanup() {
  for pid in $GUNICORN_PID $WORKER_PID; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$VAR_DIR"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# What a server's environment file sets (deploy/kampungkb.env.example), minus the real names.
export KAMPUNGKB_VAR_DIR="$VAR_DIR"
KAMPUNGKB_SECRET_KEY="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export KAMPUNGKB_SECRET_KEY
export KAMPUNGKB_ALLOWED_HOSTS="127.0.0.1,localhost"
export KAMPUNGKB_PROXY_COUNT=1
unset KAMPUNGKB_DEMO KAMPUNGKB_DEBUG KAMPUNGKB_TASKS_IMMEDIATE DJANGO_SETTINGS_MODULE
PORT="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export KAMPUNGKB_BIND="127.0.0.1:$PORT"
export KAMPUNGKB_WEB_WORKERS=2
# A server defers the analytics refresh by 120 s; a few here, so the worker is seen running it.
export KAMPUNGKB_SUMMARY_REFRESH_DELAY=5

echo "--- $(date -u +%T) fresh database $DB_NAME"
psql "$SERVER_URL" -qc "DROP DATABASE IF EXISTS \"$DB_NAME\"" -qc "CREATE DATABASE \"$DB_NAME\""

echo "--- $(date -u +%T) migrate, collectstatic, load_wilayah, the first admin"
"$BIN/kampungkb" migrate --noinput -v 0
"$BIN/kampungkb" collectstatic --noinput -v 0
"$BIN/kampungkb" load_wilayah >/dev/null
SMOKE_PASSWORD="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(16))')"
export SMOKE_PASSWORD
KAMPUNGKB_ADMIN_USERNAME=admin.asap KAMPUNGKB_ADMIN_PASSWORD="$SMOKE_PASSWORD" \
  "$BIN/kampungkb" shell -v 0 < deploy/first_admin.py

echo "--- $(date -u +%T) gunicorn on 127.0.0.1:$PORT and the worker"
"$BIN/gunicorn" -c python:kampungkb.config.gunicorn >"$VAR_DIR/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
"$BIN/kampungkb" db_worker --interval 0.5 >"$VAR_DIR/worker.log" 2>&1 &
WORKER_PID=$!
for _ in $(seq 1 150); do
  if "$BIN/python" -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.5)" 2>/dev/null; then
    break
  fi
  kill -0 "$GUNICORN_PID" 2>/dev/null || { cat "$VAR_DIR/gunicorn.log" >&2; exit 1; }
  sleep 0.2
done

status=0
"$BIN/python" deploy/smoke.py "http://127.0.0.1:$PORT" admin.asap || status=1
echo "--- $(date -u +%T) kampungkb check_install"
"$BIN/kampungkb" check_install || status=1

echo "--- $(date -u +%T) stopping gunicorn and the worker"
for pid in $GUNICORN_PID $WORKER_PID; do
  kill -TERM "$pid"
  code=0
  wait "$pid" || code=$?
  if [ "$code" -ne 0 ]; then
    echo "process $pid stopped with exit code $code" >&2
    status=1
  fi
done
GUNICORN_PID=""
WORKER_PID=""
if [ "$status" -ne 0 ]; then
  echo "--- gunicorn log" >&2; tail -n 40 "$VAR_DIR/gunicorn.log" >&2
  echo "--- worker log" >&2; tail -n 40 "$VAR_DIR/worker.log" >&2
  echo "SMOKE TEST FAILED" >&2
  exit 1
fi
grep -q '"GET /akun/masuk/ HTTP/1.1" 200' "$VAR_DIR/gunicorn.log" || {
  echo "the access log lacks the login page" >&2
  exit 1
}
echo "smoke test passed"
