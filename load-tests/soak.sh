#!/usr/bin/env bash
# Soak: the server (Release build) on one model with SLOTS slots, driven for MINUTES by as many
# streaming clients as slots, CANCEL_FRACTION of them walking away mid-stream; /metrics sampled
# every SAMPLE_SECONDS. Prints requests, status counts (5xx must be 0), TTFT / inter-token p50 and
# p99, and RSS / fds / threads / GC heap after warm-up (start, end, max, slope per minute).
# Exits non-zero on any 5xx, failed request, or a slot still busy after the load. The server is keyed
# (an admin key created with `keys create`), so every request also passes the key check.
#
#   load-tests/soak.sh [MODEL.gguf]        (default ../shared/models/gguf/stories260K.gguf)
#   env: MINUTES (10)  SLOTS (8)  CONCURRENCY (= SLOTS)  WARMUP_SECONDS (30)  CANCEL_FRACTION (0.2)
#        MAX_TOKENS (64)  PROMPT_WORDS (32)  SAMPLE_SECONDS (5)  THREADS (nproc)  JSON (soak-result.json)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=$(readlink -f "${1:-$root/../shared/models/gguf/stories260K.gguf}")
id=$(basename "$model" .gguf)
slots=${SLOTS:-8}; port=${PORT:-18403}
log=/tmp/microai-soak-server.log

dotnet build "$root/server/MicroAI.Server" -c Release -v q -nologo >/dev/null
dotnet build "$root/load-tests/MicroAI.LoadTests" -c Release -v q -nologo >/dev/null

data=$(mktemp -d /tmp/microai-soak-XXXXXX)
server_dll="$root/server/MicroAI.Server/bin/Release/net10.0/MicroAI.Server.dll"
# The soak runs as a shared server would: keyed. One admin key (the soak reads /metrics) made with the CLI.
export MICROAI_API_KEY=$(dotnet "$server_dll" keys create --scope admin --name soak --MicroAI:DataDirectory="$data" 2>/dev/null)
dotnet "$server_dll" --urls "http://127.0.0.1:$port" \
  --MicroAI:DefaultModel="$model" --MicroAI:DataDirectory="$data" --MicroAI:ModelsDirectory=/nonexistent \
  --MicroAI:OllamaModelsDirectory=none --MicroAI:ParallelSlots="$slots" --MicroAI:Threads="${THREADS:-$(nproc)}" \
  --Logging:LogLevel:Default=Warning >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/health" >/dev/null || { echo "the server did not become healthy; see $log" >&2; exit 1; }

dotnet "$root/load-tests/MicroAI.LoadTests/bin/Release/net10.0/MicroAI.LoadTests.dll" soak --url "http://127.0.0.1:$port" \
  --model "$id" --concurrency "${CONCURRENCY:-$slots}" --minutes "${MINUTES:-10}" --warmup-seconds "${WARMUP_SECONDS:-30}" \
  --cancel-fraction "${CANCEL_FRACTION:-0.2}" --max-tokens "${MAX_TOKENS:-64}" --prompt-words "${PROMPT_WORDS:-32}" \
  --sample-seconds "${SAMPLE_SECONDS:-5}" --json "${JSON:-soak-result.json}"
status=$?
grep -c " fail:\|crit:" "$log" >/dev/null && echo "server log errors: $(grep -c 'fail:\|crit:' "$log") (see $log)" || true
exit $status
