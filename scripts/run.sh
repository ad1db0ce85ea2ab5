#!/usr/bin/env bash
# Runs the whole Ciro stack: the Aspire AppHost starts PostgreSQL, Redis, smtp4dev and the chain (containers
# when a runtime answers, local processes otherwise), then the indexer, analytics, alerts and the dashboard.
# Extra arguments go to the AppHost, e.g. --Ciro:WebPort=9090 or --Starknet:RpcUrl=https://...
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh" src/CiroAspire.AppHost
cd "$root"
echo "Aspire dashboard: http://localhost:15888   Ciro dashboard: http://localhost:${CIRO_WEB_PORT:-8080}"
exec dotnet run --project src/CiroAspire.AppHost --launch-profile http --no-build -- "$@"
