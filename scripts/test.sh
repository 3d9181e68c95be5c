#!/usr/bin/env bash
# Installs whatever is missing, then runs every check and test Greenroom has.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
WANT_TEST_BROWSER=1
source scripts/install.sh
install_docker_compose
install_postgresql_for_tests

echo "== prettier" && npx prettier --check .
echo "== eslint" && npx eslint .
echo "== typescript" && npx tsc --noEmit
echo "== vitest" && npx vitest run "$@"
echo "all checks passed in $(($(date +%s) - started)) s"
