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

if [ ! -f .env ]; then
  echo "[start] writing .env with fresh secrets (kept out of git)"
  secret() { node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))'; }
  sed -e "s|^CART_TOKEN_SECRET=.*|CART_TOKEN_SECRET=$(secret)|" -e "s|^AUTH_JWT_SECRET=.*|AUTH_JWT_SECRET=$(secret)|" .env.example > .env
elif ! grep -q '^AUTH_JWT_SECRET=' .env; then
  echo "[start] adding a fresh AUTH_JWT_SECRET to .env"
  echo "AUTH_JWT_SECRET=$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))')" >> .env
fi

exec node --import tsx infra/src/start.ts
