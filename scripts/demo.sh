#!/usr/bin/env bash
# The demo: starts a virtual BMC (the project's own, speaking RMCP+ with
# cipher suite 17) and asks it who it is with `ipmi_exporter info`, once as
# text and once as JSON. With --ipmi-sim it talks to the project's OpenIPMI
# simulator configuration (tests/sim) instead.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p ipmi_exporter
BIN=target/release/ipmi_exporter
PORT=19623

if [ "${1:-}" = "--ipmi-sim" ]; then
  command -v ipmi_sim >/dev/null || { echo "ipmi_sim missing: apt-get install openipmi" >&2; exit 1; }
  RUN=$(mktemp -d)
  trap 'tests/sim/stop.sh -d "$RUN" >/dev/null 2>&1; rm -rf "$RUN"' EXIT
  tests/sim/start.sh -p "$PORT" -d "$RUN" >/dev/null
  echo "== OpenIPMI ipmi_sim (Dell-like machine) on 127.0.0.1:$PORT"
else
  "$BIN" virtual-bmc --listen "127.0.0.1:$PORT" --log.level warn &
  VBMC=$!
  trap 'kill $VBMC 2>/dev/null' EXIT
  sleep 0.3
  echo "== virtual BMC on 127.0.0.1:$PORT (users admin/password, operator/operator, user/user)"
fi

echo "\$ ipmi_exporter info -H 127.0.0.1:$PORT -U admin -P password"
"$BIN" info -H "127.0.0.1:$PORT" -U admin -P password
echo
echo "\$ ipmi_exporter info -H 127.0.0.1:$PORT -U admin -P password --format json"
"$BIN" info -H "127.0.0.1:$PORT" -U admin -P password --format json
