#!/usr/bin/env bash
# A conversation that loses its slot and comes back: TTFT cold, with its prefix still in the slot,
# and after more concurrent conversations than slots took every slot (restored from the host-RAM
# prompt cache, or decoded again without one). MicroAI and, given its binary, llama-server side by
# side on the same model, slots, context and threads.
#
#   load-tests/returning.sh MODEL.gguf [LLAMA_SERVER_BINARY]
#   env: PROMPT_WORDS (1000, about 1,050 tokens)  TURN_WORDS (32, new words per turn)  EVICTORS (SLOTS+1)  REPEATS (3)  MAX_TOKENS (16)
#        SLOTS (8)  CTX tokens per slot (4096)  THREADS (nproc)  OURS_ARGS (extra MicroAI options)
set -euo pipefail
model=$(readlink -f "${1:?usage: returning.sh MODEL.gguf [LLAMA_SERVER]}")
peer=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
slots=${SLOTS:-8}; ctx=${CTX:-4096}; threads=${THREADS:-$(nproc)}
id=$(basename "$model" .gguf)

source "$root/load-tests/servers.sh"

dotnet "$loadgen" returning \
  --url "http://127.0.0.1:$ours_port" --label microai "${compare[@]}" --model "$id" \
  --prompt-words "${PROMPT_WORDS:-1000}" --turn-words "${TURN_WORDS:-32}" --evictors "${EVICTORS:-$((slots + 1))}" --repeats "${REPEATS:-3}" \
  --max-tokens "${MAX_TOKENS:-16}"
