#!/usr/bin/env bash
# Builds and tests the Cairo package when the Starknet toolchain is present; CI calls this.
# The toolchain cannot be installed on our machines, so its absence is a skip, not a failure.
set -euo pipefail
cd "$(dirname "$0")"
if command -v scarb >/dev/null 2>&1 && command -v snforge >/dev/null 2>&1; then
  scarb build
  snforge test
else
  echo "contracts: scarb/snforge not on PATH, Cairo build and snforge tests skipped"
fi
