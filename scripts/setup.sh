#!/usr/bin/env bash
# `npm run setup`: installs what the tests need on a Debian machine, then starts the services that
# are not running. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci

# Node 24 for the unit project's second run (scripts/test-node24.sh): the npm registry's `node`
# package at an exact version, kept in .tools/node24 (gitignored), not on the PATH.
NODE24_VERSION=24.21.0
if [ "$(.tools/node24/node_modules/.bin/node --version 2>/dev/null)" != "v$NODE24_VERSION" ]; then
  echo "setup: installing node@$NODE24_VERSION into .tools/node24"
  mkdir -p .tools/node24
  [ -f .tools/node24/package.json ] || echo '{ "private": true }' > .tools/node24/package.json
  npm install --prefix .tools/node24 --no-audit --no-fund --save-exact "node@$NODE24_VERSION"
fi

# fonts-noto-cjk: Chinese in the screenshots the browser tests save (the app itself assumes no font).
# nginx: the load balancer the cluster test runs three server processes behind (started by the test).
# coturn: the TURN server the browser video test relays through (started by the test, not as a service).
# janus: the SFU of course video (VideoRoom plugin, HTTP transport); each test starts its own from a
# config of its own, and the package's system service is not used.
# python3-serial is only a Recommends of python3-pyvisa-py, and pyvisa-py needs it for ASRL (serial) resources.
PACKAGES=(chromium socat mosquitto mosquitto-clients redis-server postgresql lxi-tools nginx
  python3-pyvisa-py python3-serial libxml2-utils poppler-utils
  fonts-noto-cjk coturn janus
  python3-socketio python3-websocket python3-requests python3-cryptography curl)
missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! port_open 5432; then
  echo "setup: starting PostgreSQL"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
fi
# The tests' own PostgreSQL role, with a password so that Debian's default pg_hba (scram on TCP) lets
# it in; created through the local socket as the postgres superuser.
if ! $SUDO runuser -u postgres -- psql -tAc "select 1 from pg_roles where rolname = 'telecal_test'" | grep -q 1; then
  echo "setup: creating PostgreSQL role telecal_test"
  $SUDO runuser -u postgres -- psql -c "create role telecal_test login createdb password 'telecal_test'"
fi
if ! port_open 6379; then
  echo "setup: starting Redis"
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
fi
if ! port_open 1883; then
  echo "setup: starting Mosquitto"
  $SUDO mosquitto -d -c /etc/mosquitto/mosquitto.conf
fi
echo "setup: done"
