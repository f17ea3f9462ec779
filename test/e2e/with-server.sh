#!/usr/bin/env bash
# Runs a command against the built service (dist/) started on a spare port with a fresh
# database and a known client: BASE_URL, CLIENT_ID and CLIENT_SECRET are exported to it.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
port=${E2E_PORT:-9310}
export BASE_URL=http://127.0.0.1:$port CLIENT_ID=e2e-client CLIENT_SECRET=e2e-secret-0123456789abcdef0123456789ab
NODE_ENV=test LOG_LEVEL=warn HOST=127.0.0.1 PORT=$port ISSUER=$BASE_URL \
  DATABASE_URL="sqlite:$dir/e2e.db" SECRET_KEY=e2e-secret-key-0123456789abcdef012345 \
  BOOTSTRAP_CLIENT_ID=$CLIENT_ID BOOTSTRAP_CLIENT_SECRET=$CLIENT_SECRET BOOTSTRAP_CLIENT_SCOPES="write admin" \
  node dist/server.js &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
  curl -sf "$BASE_URL/health" >/dev/null && break
  sleep 0.1
done
"$@"
