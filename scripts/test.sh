#!/usr/bin/env bash
# The whole test suite: Java tests (PostgreSQL at 127.0.0.1:5432, database `test`, or
# TOOLGATE_TEST_DB_URL / TOOLGATE_TEST_DB_USER / TOOLGATE_TEST_DB_PASSWORD; plus the
# polyglot client tests, which need Node.js and the example client's npm packages, the MCP
# tests, which run the MCP reference server and Inspector CLI from examples/mcp, the identity
# tests, which run a real OpenID provider, oidc-provider, from examples/idp, and the console's
# browser tests, which need chromium and playwright-core from examples/console-e2e).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/java-home.sh"
if command -v npm >/dev/null 2>&1 && [ ! -d "$root/examples/clients/node/node_modules/@grpc/grpc-js" ]; then
  echo "test: installing the Node example client's packages" >&2
  (cd "$root/examples/clients/node" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
if command -v npm >/dev/null 2>&1 && { [ ! -d "$root/examples/mcp/node_modules/@modelcontextprotocol/server-everything" ] || [ ! -d "$root/examples/mcp/node_modules/@modelcontextprotocol/sdk" ]; }; then
  echo "test: installing the MCP reference server and Inspector CLI" >&2
  (cd "$root/examples/mcp" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
if command -v npm >/dev/null 2>&1 && [ ! -d "$root/examples/agents/vercel-ai/node_modules/@ai-sdk/mcp" ]; then
  echo "test: installing the Vercel AI SDK example's packages" >&2
  (cd "$root/examples/agents/vercel-ai" && npm install --no-audit --no-fund --no-package-lock --loglevel=error >&2)
fi
if command -v npm >/dev/null 2>&1 && [ ! -d "$root/examples/agents/grpc-openai/node_modules/@grpc/grpc-js" ]; then
  echo "test: installing the gRPC agent example's packages" >&2
  (cd "$root/examples/agents/grpc-openai" && npm install --no-audit --no-fund --no-package-lock --loglevel=error >&2)
fi
if command -v npm >/dev/null 2>&1 && { [ ! -d "$root/examples/idp/node_modules/oidc-provider" ] || [ ! -d "$root/examples/idp/node_modules/jose" ]; }; then
  echo "test: installing the OpenID provider the identity tests run (oidc-provider)" >&2
  (cd "$root/examples/idp" && npm install --no-audit --no-fund --no-package-lock --loglevel=error >&2)
fi
if command -v npm >/dev/null 2>&1 && [ ! -d "$root/examples/console-e2e/node_modules/playwright-core" ]; then
  echo "test: installing playwright-core for the console's browser tests (they drive Debian's chromium)" >&2
  (cd "$root/examples/console-e2e" && npm install --no-audit --no-fund --no-package-lock --loglevel=error >&2)
fi
# PostgreSQL first: without it the suite would fail test by test for minutes.
db_url="${TOOLGATE_TEST_DB_URL:-jdbc:postgresql://127.0.0.1:5432/test}"
db_hostport="$(printf '%s' "$db_url" | sed -n 's#^jdbc:postgresql://\([^/?,]*\).*#\1#p')"
db_host="${db_hostport%%:*}"; db_port=5432
case "$db_hostport" in
  \[*\]*) db_host="${db_hostport%%]*}"; db_host="${db_host#[}"; p="${db_hostport##*]}"; [ -n "${p#:}" ] && db_port="${p#:}" ;;
  *:*) db_port="${db_hostport##*:}" ;;
esac
if [ -z "$db_hostport" ]; then
  echo "test: TOOLGATE_TEST_DB_URL must be a jdbc:postgresql://host[:port]/database URL, got $db_url" >&2
  exit 1
fi
if ! timeout 5 bash -c "exec 3<>/dev/tcp/$db_host/$db_port" 2>/dev/null; then
  echo "test: no PostgreSQL answers at $db_url (start it, or set TOOLGATE_TEST_DB_URL / _USER / _PASSWORD)" >&2
  exit 1
fi
cd "$root"
exec mvn -B verify "$@"
