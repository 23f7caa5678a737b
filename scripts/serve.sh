#!/usr/bin/env bash
# Serve the site with gunicorn and run the background task worker; Ctrl-C stops both cleanly.
set -uo pipefail
cd "$(dirname "$0")/.."

BIND="${BIND:-127.0.0.1:8000}"
# 2 workers × 4 threads per core is gunicorn's usual starting point for I/O-bound Django apps.
WORKERS="${WEB_CONCURRENCY:-$(( $(nproc) * 2 ))}"
THREADS="${WEB_THREADS:-4}"
# Django switches its processes to TIME_ZONE; give the gunicorn master the same zone so that all log
# lines of one run carry the same offset.
export TZ="${TIME_ZONE:-Europe/Berlin}"
# config/wsgi.py (and manage.py without .env) defaults to production settings; this script is `make run`, i.e. development,
# unless the caller chose otherwise.
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.dev}"

# task_worker (not plain db_worker): survives a PostgreSQL restart and requeues tasks a killed worker
# left RUNNING; --sole-worker because it is the only one here (see kernel/notifications/worker.py).
# One node: --sole-worker. Several nodes (docs/deployment.md): TASK_WORKER_ARGS="--stale-after 600".
# shellcheck disable=SC2086
.venv/bin/python manage.py task_worker ${TASK_WORKER_ARGS:---sole-worker} --queue-name default &
worker=$!
# The nightly open-data export (minutes with a million reports) in its own process: mails never wait.
.venv/bin/python manage.py task_worker --queue-name opendata --daily-lane opendata &
exporter=$!
.venv/bin/gunicorn config.wsgi:application --config config/gunicorn.conf.py \
  --bind "$BIND" --workers "$WORKERS" --threads "$THREADS" \
  --timeout 60 --graceful-timeout 10 --max-requests 2000 --max-requests-jitter 200 \
  --access-logfile - --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" &
web=$!

stop() {
  trap - INT TERM
  echo ">> Beende Webserver und Hintergrund-Worker …"
  kill -TERM "$web" "$worker" "$exporter" 2>/dev/null
  wait "$web" "$worker" "$exporter" 2>/dev/null
  exit 0
}
trap stop INT TERM

echo ">> Mängelmelder läuft auf http://$BIND (Webserver $web, Worker $worker). Beenden mit Strg-C."
wait -n "$web" "$worker"
status=$?
echo ">> Ein Prozess hat sich beendet (Status $status); beende den anderen." >&2
kill -TERM "$web" "$worker" "$exporter" 2>/dev/null
wait 2>/dev/null
exit "$status"
