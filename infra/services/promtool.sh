#!/usr/bin/env bash
# Makes sure promtool is there for the alert rules' test (infra/src/observability.test.ts):
# Debian's prometheus package, installed with apt when running as root on Debian. The
# package's own server is not wanted here: policy-rc.d keeps apt from starting it.
set -euo pipefail
say() { printf '[promtool] %s\n' "$*"; }

if command -v promtool >/dev/null; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  say "installing Debian's prometheus (for promtool)"
  apt-get update -qq
  policy=/usr/sbin/policy-rc.d
  had_policy=$([ -e "$policy" ] && echo yes || echo no)
  [ "$had_policy" = yes ] || { printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  [ "$had_policy" = yes ] || rm -f "$policy"
  exit 0
fi
say "no promtool: the alert rules' test will say it skipped (install Debian's 'prometheus' package)"
