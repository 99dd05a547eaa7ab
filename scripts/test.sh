#!/usr/bin/env bash
# The whole test suite: Java tests (PostgreSQL at 127.0.0.1:5432, database `test`, plus the
# polyglot client tests, which need Node.js and the example client's npm packages, and the MCP
# tests, which run the MCP reference server and Inspector CLI from examples/mcp).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/java-home.sh"
if command -v npm >/dev/null 2>&1 && [ ! -d "$root/examples/clients/node/node_modules/@grpc/grpc-js" ]; then
  echo "test: installing the Node example client's packages" >&2
  (cd "$root/examples/clients/node" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
if command -v npm >/dev/null 2>&1 && [ ! -d "$root/examples/mcp/node_modules/@modelcontextprotocol/server-everything" ]; then
  echo "test: installing the MCP reference server and Inspector CLI" >&2
  (cd "$root/examples/mcp" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
cd "$root"
exec mvn -B verify "$@"
