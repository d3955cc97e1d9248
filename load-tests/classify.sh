#!/usr/bin/env bash
# Classification throughput of an ONNX classifier (default: Magika) through the HTTP API.
#
#   load-tests/classify.sh [MODEL_FOLDER]        (default ../shared/models/onnx/magika-standard_v3_3)
#   env: BATCH (1,32)  CONCURRENCY (1,2)  SECONDS (10)  THREADS (ORT intra-op threads, 0 = ORT default)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
folder=$(readlink -f "${1:-$root/../shared/models/onnx/magika-standard_v3_3}")
port=18402
dotnet build "$root/server/MicroAI.Server" -c Release -v q -nologo >/dev/null
dotnet build "$root/load-tests/MicroAI.LoadTests" -c Release -v q -nologo >/dev/null
dotnet "$root/server/MicroAI.Server/bin/Release/net10.0/MicroAI.Server.dll" --urls "http://127.0.0.1:$port" \
  --MicroAI:Models:classifier:Path="$folder" --MicroAI:ModelsDirectory=/nonexistent --MicroAI:OllamaModelsDirectory=none \
  --MicroAI:Onnx:IntraOpThreads="${THREADS:-0}" --Logging:LogLevel:Default=Warning >/tmp/microai-classify.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
dotnet "$root/load-tests/MicroAI.LoadTests/bin/Release/net10.0/MicroAI.LoadTests.dll" classify --url "http://127.0.0.1:$port" \
  --model classifier --batch "${BATCH:-1,32}" --concurrency "${CONCURRENCY:-1,2}" --seconds "${SECONDS_PER_RUN:-10}"
