#!/usr/bin/env bash
# The Postman collection, run by newman against the server that with-server.sh started.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx newman run postman/players-api.postman_collection.json \
  -e postman/local.postman_environment.json \
  --env-var "baseUrl=$BASE_URL" --env-var "clientId=$CLIENT_ID" --env-var "clientSecret=$CLIENT_SECRET" \
  --bail --color off --reporters cli
