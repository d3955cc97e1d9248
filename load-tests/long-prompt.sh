#!/usr/bin/env bash
# A long prompt arriving while other streams generate: its TTFT and the running streams' inter-token
# gaps (chunked prefill keeps them short; prefilling the whole prompt at once stalls them). MicroAI
# and, given its binary, llama-server side by side on the same model, slots, context and threads.
#
#   load-tests/long-prompt.sh MODEL.gguf [LLAMA_SERVER_BINARY]
#   env: STREAMS (4)  STREAM_TOKENS (200)  PROMPT_WORDS (1200, about 1,250 tokens)  REPEATS (3)
#        SLOTS (8)  CTX tokens per slot (4096)  THREADS (nproc)  OURS_ARGS (extra MicroAI options, e.g. --MicroAI:PrefillChunkTokens=64)
set -euo pipefail
model=$(readlink -f "${1:?usage: long-prompt.sh MODEL.gguf [LLAMA_SERVER]}")
peer=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
slots=${SLOTS:-8}; ctx=${CTX:-4096}; threads=${THREADS:-$(nproc)}
id=$(basename "$model" .gguf)

source "$root/load-tests/servers.sh"

dotnet "$loadgen" long-prompt \
  --url "http://127.0.0.1:$ours_port" --label microai "${compare[@]}" --model "$id" \
  --streams "${STREAMS:-4}" --stream-tokens "${STREAM_TOKENS:-200}" --prompt-words "${PROMPT_WORDS:-1200}" --repeats "${REPEATS:-3}"
