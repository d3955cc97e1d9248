#!/usr/bin/env bash
# Sourced by compare.sh and returning.sh: builds MicroAI and the load generator, then starts MicroAI
# and (when $peer is set) llama-server on loopback with the same model, slots, context and threads.
# Expects: model, peer, root, slots, ctx, threads, id. Sets: ours_port, peer_port, compare (array).
ours_port=18400; peer_port=18401

dotnet build "$root/server/MicroAI.Server" -c Release -v q -nologo >/dev/null
dotnet build "$root/load-tests/MicroAI.LoadTests" -c Release -v q -nologo >/dev/null
loadgen="$root/load-tests/MicroAI.LoadTests/bin/Release/net10.0/MicroAI.LoadTests.dll"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_health() {
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server on port $1 did not become healthy" >&2; return 1
}

# A server left over from an earlier run would answer the health check in place of the one started
# here (and be measured with its own model), so the ports must be free.
for port in $ours_port $peer_port; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
    echo "port $port is in use (a server from an earlier run?); stop it first" >&2; exit 1
  fi
done

dotnet "$root/server/MicroAI.Server/bin/Release/net10.0/MicroAI.Server.dll" \
  --urls "http://127.0.0.1:$ours_port" --MicroAI:DefaultModel="$model" --MicroAI:ModelsDirectory=/nonexistent \
  --MicroAI:OllamaModelsDirectory=none --MicroAI:ParallelSlots="$slots" --MicroAI:ContextSize="$ctx" \
  --MicroAI:Threads="$threads" ${OURS_ARGS:-} --Logging:LogLevel:Default=Warning >/tmp/microai-compare-ours.log 2>&1 &
pids+=($!)
wait_health $ours_port

compare=()
if [ -n "$peer" ]; then
  "$peer" -m "$model" --host 127.0.0.1 --port $peer_port -c $((ctx * slots)) -np "$slots" -t "$threads" \
    --alias "$id" >/tmp/microai-compare-peer.log 2>&1 &
  pids+=($!)
  wait_health $peer_port
  compare=(--compare-url "http://127.0.0.1:$peer_port" --compare-label llama-server)
fi

