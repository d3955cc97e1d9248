#!/usr/bin/env bash
# Batch-1 latency of a tabular model (a seeded random forest: 100 trees of depth 6 over 30 features) through the
# HTTP API, named and positional rows, beside GET /health on the same connections (the HTTP floor).
#
#   load-tests/tabular.sh
#   env: TREES (100) DEPTH (6) FEATURES (30) CONCURRENCY (1,2) SECONDS_PER_RUN (10) THREADS (ORT intra-op threads, 1)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
port=18403
model=$(mktemp -d /tmp/microai-tabular-XXXXXX)
dotnet build "$root/server/MicroAI.Server" -c Release -v q -nologo >/dev/null
dotnet build "$root/load-tests/MicroAI.LoadTests" -c Release -v q -nologo >/dev/null
load="$root/load-tests/MicroAI.LoadTests/bin/Release/net10.0/MicroAI.LoadTests.dll"
dotnet "$load" tabular write-model --out "$model" --trees "${TREES:-100}" --depth "${DEPTH:-6}" --features "${FEATURES:-30}"
dotnet "$root/server/MicroAI.Server/bin/Release/net10.0/MicroAI.Server.dll" --urls "http://127.0.0.1:$port" \
  --MicroAI:Models:fraud:Path="$model" --MicroAI:ModelsDirectory=/nonexistent --MicroAI:OllamaModelsDirectory=none \
  --MicroAI:Onnx:IntraOpThreads="${THREADS:-1}" --Logging:LogLevel:Default=Warning >/tmp/microai-tabular.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$model"' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
dotnet "$load" tabular --url "http://127.0.0.1:$port" --model fraud --features "${FEATURES:-30}" \
  --concurrency "${CONCURRENCY:-1,2}" --seconds "${SECONDS_PER_RUN:-10}"
