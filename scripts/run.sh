#!/usr/bin/env bash
# Runs the whole Ciro stack: the Aspire AppHost starts PostgreSQL, Redis, smtp4dev and the chain (containers
# when a runtime answers, local processes otherwise), then the indexer, analytics, alerts and the dashboard.
# Extra arguments go to the AppHost, e.g. --Ciro:WebPort=9090 or --Starknet:RpcUrl=https://...
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh" src/CiroAspire.AppHost
cd "$root"
echo "Starting; when \"Ciro dashboard ready: <url>\" appears, open it (sign-in printed below). Aspire dashboard: the \"Login to the dashboard\" link below (one-time token)."
exec dotnet run --project src/CiroAspire.AppHost --launch-profile http --no-build -- "$@"
