#!/usr/bin/env bash
# Side by side: MicroAI and llama.cpp's llama-server on the same model, same machine, same slots,
# context and threads, driven by the same closed-loop client (MicroAI.LoadTests), which prints one
# row per server and concurrency and the ratio MicroAI / llama-server.
#
#   load-tests/compare.sh MODEL.gguf [LLAMA_SERVER_BINARY]
#   env: CONCURRENCY (1,4,8)  REQUESTS per client (3)  ROUNDS (1; alternating which server goes first)  TURNS (1)  MAX_TOKENS (64)  PROMPT_WORDS (32)
#        SHARED_PREFIX words (0)  SLOTS (8)  CTX tokens per slot (1024)  THREADS (nproc)  JSON (file)
#        OURS_ARGS (extra MicroAI options, e.g. --MicroAI:PromptCacheMiB=0)
#
# Without a llama-server binary only MicroAI is measured. Only loopback addresses are used.
set -euo pipefail
model=$(readlink -f "${1:?usage: compare.sh MODEL.gguf [LLAMA_SERVER]}")
peer=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
slots=${SLOTS:-8}; ctx=${CTX:-1024}; threads=${THREADS:-$(nproc)}
id=$(basename "$model" .gguf)

source "$root/load-tests/servers.sh"

json=()
[ -n "${JSON:-}" ] && json=(--json "$JSON")
dotnet "$loadgen" \
  --url "http://127.0.0.1:$ours_port" --label microai "${compare[@]}" --model "$id" \
  --concurrency "${CONCURRENCY:-1,4,8}" --requests "${REQUESTS:-3}" --rounds "${ROUNDS:-1}" --turns "${TURNS:-1}" \
  --max-tokens "${MAX_TOKENS:-64}" --prompt-words "${PROMPT_WORDS:-32}" --shared-prefix "${SHARED_PREFIX:-0}" "${json[@]}"
