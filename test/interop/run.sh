#!/usr/bin/env bash
# Starts the built service on a spare port with a known client and runs the Python
# interoperability check against it (Debian's python3-authlib and python3-jwt).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
port=${INTEROP_PORT:-9310}
export NODE_ENV=test LOG_LEVEL=warn HOST=127.0.0.1 PORT=$port ISSUER=http://127.0.0.1:$port \
  DATABASE_URL="sqlite:$dir/interop.db" SECRET_KEY=interop-secret-key-0123456789abcdef0123 \
  BOOTSTRAP_CLIENT_ID=interop-client BOOTSTRAP_CLIENT_SECRET=interop-secret-0123456789abcdef0123456789
node dist/server.js &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.2
done
/usr/bin/python3 test/interop/authlib_client.py "http://127.0.0.1:$port" "$BOOTSTRAP_CLIENT_ID" "$BOOTSTRAP_CLIENT_SECRET"
