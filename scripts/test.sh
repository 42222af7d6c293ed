#!/usr/bin/env bash
# Runs every test of the workspace. Installs the Debian packages the tests
# need (real IPMI peers: OpenIPMI's ipmi_sim, ipmitool, FreeIPMI; promtool
# from prometheus; amtool from prometheus-alertmanager; openssl and curl for the TLS test) when they are missing. Tests that need ipmi_sim fail, never skip, if it cannot start.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ipmi_sim >/dev/null 2>&1 || need+=(openipmi)
command -v ipmitool >/dev/null 2>&1 || need+=(ipmitool)
command -v bmc-info >/dev/null 2>&1 || need+=(freeipmi-tools)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo build --workspace --all-targets --locked
cargo check -p ipmi-proto --no-default-features --locked
cargo clippy --workspace --all-targets --locked -- -D warnings
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace --locked "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# One closing line for the whole workspace (cargo prints one per test binary).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) } }
     END { printf "workspace: %d passed, %d failed\n", p, f }' "$log"
exit "$rc"
