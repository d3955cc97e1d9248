#!/usr/bin/env bash
# Forwarding through an edge MicroAI to an upstream MicroAI on the same machine: the TTFT it adds
# (a streamed greedy chat asked directly and through the edge, in turn; p50/p99 of each and of the
# paired difference), then failover on an edge whose model is upstream-first with a local copy: the
# upstream frozen (SIGSTOP), thawed, then killed, and how long until the edge answers the other way.
#
#   load-tests/upstream.sh [MODEL.gguf]        (default: ../shared/models/gguf/stories260K.gguf)
#   env: ROUNDS (10)  REQUESTS per round (5)  MAX_TOKENS (16)  PROMPT_WORDS (12)  AFTER (8 answers in a row served the new way end a phase)
#        FIRST_TOKEN_TIMEOUT s (2)  CONNECT_TIMEOUT s (1)  BREAKER_FAILURES (3)  BREAKER_COOLDOWN s (5)
#        SLOTS (2)  CTX tokens per slot (1024)  THREADS (1 per server: two servers share the machine)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=$(readlink -f "${1:-$root/../shared/models/gguf/stories260K.gguf}")
peer=""
slots=${SLOTS:-2}; ctx=${CTX:-1024}; threads=${THREADS:-1}
id=$(basename "$model" .gguf)
edge_port=18402

if curl -s -o /dev/null "http://127.0.0.1:$edge_port/" 2>/dev/null; then
  echo "port $edge_port is in use (a server from an earlier run?); stop it first" >&2; exit 1
fi

# The upstream: MicroAI on $ours_port serving $id (its pid is pids[0]).
source "$root/load-tests/servers.sh"
upstream_pid=${pids[0]}
# A frozen upstream must be thawed to be stopped, should the run end while it is frozen.
cleanup() { for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done; }

# The edge: the same model as a local copy, routed upstream-first to the upstream.
dotnet "$root/server/MicroAI.Server/bin/Release/net10.0/MicroAI.Server.dll" \
  --urls "http://127.0.0.1:$edge_port" --MicroAI:ModelsDirectory=/nonexistent --MicroAI:OllamaModelsDirectory=none \
  --MicroAI:Models:"$id":Path="$model" --MicroAI:Models:"$id":Upstream=central --MicroAI:Models:"$id":Policy=upstream-first \
  --MicroAI:Upstreams:central:BaseUrl="http://127.0.0.1:$ours_port/v1" \
  --MicroAI:Upstreams:central:FirstTokenTimeoutSeconds="${FIRST_TOKEN_TIMEOUT:-2}" \
  --MicroAI:Upstreams:central:ConnectTimeoutSeconds="${CONNECT_TIMEOUT:-1}" \
  --MicroAI:Upstreams:central:BreakerFailures="${BREAKER_FAILURES:-3}" \
  --MicroAI:Upstreams:central:BreakerCooldownSeconds="${BREAKER_COOLDOWN:-5}" \
  --MicroAI:ParallelSlots="$slots" --MicroAI:ContextSize="$ctx" --MicroAI:Threads="$threads" \
  --Logging:LogLevel:Default=Warning >/tmp/microai-upstream-edge.log 2>&1 &
pids+=($!)
wait_health $edge_port
# The edge loads its local copy now, so the first fallback does not include a model load.
curl -sf "http://127.0.0.1:$edge_port/v1/chat/completions" -H 'content-type: application/json' \
  -d "{\"model\":\"$id\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1}" >/dev/null || true

echo "model $id; edge :$edge_port → upstream :$ours_port; first-token timeout ${FIRST_TOKEN_TIMEOUT:-2} s, breaker ${BREAKER_FAILURES:-3} failures / ${BREAKER_COOLDOWN:-5} s"
dotnet "$loadgen" upstream \
  --url "http://127.0.0.1:$edge_port" --label edge --compare-url "http://127.0.0.1:$ours_port" --compare-label direct \
  --model "$id" --upstream-pid "$upstream_pid" --rounds "${ROUNDS:-10}" --requests "${REQUESTS:-5}" \
  --max-tokens "${MAX_TOKENS:-16}" --prompt-words "${PROMPT_WORDS:-12}" --after "${AFTER:-8}"
