#!/usr/bin/env bash
# Makes sure an S3-protocol server answers for the blob store's contract tests
# (shared/src/blob-store/contract.test.ts). With S3_ENDPOINT set (MinIO in the GitHub
# workflow, say), only checks that it answers. Otherwise a real S3 implementation on
# loopback: Ceph's radosgw over a throwaway in-memory cluster (s3-server/), installed from
# Debian's packages when running as root on Debian, and started unless one answers already,
# in which case it is reused. Safe to run again and again; `bash infra/services/s3-server/stop.sh`
# stops it and deletes its data.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
say() { printf '[s3] %s\n' "$*"; }
# Any HTTP answer will do (node is there wherever npm is; curl may not be).
answers() { node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then(() => process.exit(0), () => process.exit(1))' "$1"; }

if [ -n "${S3_ENDPOINT:-}" ]; then
  for _ in $(seq 1 30); do answers "$S3_ENDPOINT" && { say "using $S3_ENDPOINT"; exit 0; }; sleep 1; done
  say "S3_ENDPOINT=$S3_ENDPOINT does not answer"
  exit 1
fi

RGW_PORT=${RGW_PORT:-7480}
endpoint="http://127.0.0.1:$RGW_PORT"
if answers "$endpoint"; then
  say "an S3 server answers on $endpoint already: reusing it"
  exit 0
fi

if ! command -v radosgw >/dev/null || ! command -v ceph-mon >/dev/null || ! command -v ceph-osd >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Ceph's radosgw from Debian's packages (about 45 s, once)"
    bash "$here/s3-server/install.sh" >/dev/null
  else
    say "no S3 server: install Debian's radosgw, ceph-mon, ceph-osd, ceph-common and uuid-runtime packages"
    say "(infra/services/s3-server/install.sh), or set S3_ENDPOINT to a reachable S3 server such as MinIO"
    exit 1
  fi
fi

# What an earlier start left half-running (a daemon died) is stopped before starting afresh.
bash "$here/s3-server/stop.sh" || true
say "starting radosgw on $endpoint (about 15 s)"
bash "$here/s3-server/start.sh" | sed 's/^/[s3] /'
