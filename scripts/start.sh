#!/usr/bin/env bash
# The embedded default: Temporal dev server (SQLite file + UI), Zoom emulator, worker and API.
# Ctrl-C stops everything; running it again reuses the data folder.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install.sh

export GREENROOM_DATA_DIR="${GREENROOM_DATA_DIR:-$PWD/data}"
TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
export ZOOM_EMULATOR_PORT="${ZOOM_EMULATOR_PORT:-9099}"
export API_PORT="${API_PORT:-8080}"
export API_HOST="${API_HOST:-127.0.0.1}"
export TEMPORAL_ADDRESS="127.0.0.1:$TEMPORAL_PORT"
export ZOOM_OAUTH_URL="http://127.0.0.1:$ZOOM_EMULATOR_PORT/oauth/token"
export ZOOM_API_URL="http://127.0.0.1:$ZOOM_EMULATOR_PORT/v2"
export ZOOM_EMULATOR_STATE="$GREENROOM_DATA_DIR/zoom-emulator.json"
export ZOOM_EMULATOR_DEMO_CREDENTIALS="$GREENROOM_DATA_DIR/demo-credentials.json"
LOG_DIR="$GREENROOM_DATA_DIR/logs"
mkdir -p "$LOG_DIR"
chmod 700 "$GREENROOM_DATA_DIR"

PIDS=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "stopping greenroom"
  # Reverse start order: the API and worker drain before the servers they depend on go away.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    kill -TERM "${PIDS[$i]}" 2>/dev/null || true
    wait "${PIDS[$i]}" 2>/dev/null || true
  done
  echo "stopped"
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

wait_for() {
  local what="$1" url="$2" pid="$3"
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$what exited during start; see $LOG_DIR" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "$what did not start within a minute; see $LOG_DIR" >&2
  exit 1
}

search_attribute_flags=()
for attribute in GreenroomEventId=Keyword GreenroomStatus=Keyword \
  GreenroomRefusalCause=Keyword GreenroomTokenExpiresAt=Datetime GreenroomWebhookState=Keyword; do
  search_attribute_flags+=(--search-attribute "$attribute")
done

"$TEMPORAL_BIN" server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" \
  --ui-ip 127.0.0.1 --ui-port "$TEMPORAL_UI_PORT" --ui-disable-news-fetch \
  --db-filename "$GREENROOM_DATA_DIR/temporal.db" --log-level warn \
  "${search_attribute_flags[@]}" >>"$LOG_DIR/temporal.log" 2>&1 &
PIDS+=($!)
wait_for "temporal dev server" "http://127.0.0.1:$TEMPORAL_UI_PORT/" "${PIDS[-1]}"
# The dev server keeps closed workflows one day; a week (CLOSED_WORKFLOW_RETENTION_HOURS) leaves
# time to download and replay a failed child's history.
for attempt in $(seq 1 20); do
  if "$TEMPORAL_BIN" operator namespace update --address "127.0.0.1:$TEMPORAL_PORT" \
    --retention 168h default >>"$LOG_DIR/temporal.log" 2>&1; then break; fi
  if [ "$attempt" = 20 ]; then
    echo "could not set the namespace's retention; see $LOG_DIR/temporal.log" >&2
    exit 1
  fi
  sleep 0.5
done

node --import tsx zoom-emulator/server.ts >>"$LOG_DIR/zoom-emulator.log" 2>&1 &
PIDS+=($!)
wait_for "zoom emulator" "http://127.0.0.1:$ZOOM_EMULATOR_PORT/_control/clock" "${PIDS[-1]}"

node --import tsx worker/main.ts >>"$LOG_DIR/worker.log" 2>&1 &
PIDS+=($!)
node --import tsx api/server.ts >>"$LOG_DIR/api.log" 2>&1 &
PIDS+=($!)
wait_for "api" "http://$API_HOST:$API_PORT/healthz" "${PIDS[-1]}"

worker_metrics="http://${WORKER_METRICS_ADDRESS:-127.0.0.1:9464}/metrics"
if [ "${WORKER_METRICS_ADDRESS:-}" = off ]; then worker_metrics="off"; fi

cat <<INFO

Greenroom is running (Ctrl-C stops everything).
  API               http://$API_HOST:$API_PORT
  API docs          http://$API_HOST:$API_PORT/docs
  API metrics       http://$API_HOST:$API_PORT/metrics (operator key)
  Worker metrics    $worker_metrics
  Temporal UI       http://127.0.0.1:$TEMPORAL_UI_PORT
  Temporal gRPC     127.0.0.1:$TEMPORAL_PORT
  Zoom emulator     http://127.0.0.1:$ZOOM_EMULATOR_PORT (control API under /_control)
  Demo credentials  $ZOOM_EMULATOR_DEMO_CREDENTIALS (readable by you only)
  Operator key      $(cat "$GREENROOM_DATA_DIR/operator-key") (also in $GREENROOM_DATA_DIR/operator-key)
  Logs              $LOG_DIR

INFO

# Any process that dies takes the rest down, so a half-running stack never pretends to work.
wait -n "${PIDS[@]}" || true
echo "a greenroom process exited; see $LOG_DIR" >&2
exit 1
