#!/usr/bin/env bash
# Makes sure a Chromium is there for the storefront's browser tests: Debian's package
# (/usr/bin/chromium), installed with apt when running as root on Debian, or the browser
# CHROMIUM_PATH names. Never a browser downloaded by a test tool.
set -euo pipefail
say() { printf '[chromium] %s\n' "$*"; }

if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then say "using $CHROMIUM_PATH"; exit 0; fi
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  say "installing Debian's chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
say "no Chromium: install Debian's 'chromium' package, or set CHROMIUM_PATH to a Chrome or Chromium binary"
exit 1
