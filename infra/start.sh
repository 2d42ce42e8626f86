#!/usr/bin/env bash
# `npm start`: from a fresh clone to a running stack. Installs dependencies, makes sure
# PostgreSQL and Redis run, writes a .env with fresh secrets on first run, then hands over
# to infra/src/start.ts (migrations, apps, Ctrl-C to stop).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[start] installing dependencies"
  npm ci --no-audit --no-fund
fi

bash infra/services/ensure.sh

secret() { node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))'; }
if [ ! -f .env ]; then
  echo "[start] writing .env (kept out of git)"
  grep -v -E '^(CART_TOKEN|AUTH_JWT|PAYMENT_WEBHOOK)_SECRET=' .env.example > .env
fi
# Every secret is made here, fresh, the first time it is missing.
for name in CART_TOKEN_SECRET AUTH_JWT_SECRET PAYMENT_WEBHOOK_SECRET; do
  if ! grep -q "^$name=" .env; then
    echo "[start] adding a fresh $name to .env"
    echo "$name=$(secret)" >> .env
  fi
done

exec node --import tsx infra/src/start.ts
