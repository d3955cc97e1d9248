#!/usr/bin/env bash
# Same requests, same answers: runs a fixed set of requests and CLI commands (generation with
# logprobs, streaming, JSON-schema and tool-call grammars, a Jinja chat template with tools, the
# Responses API, embeddings, ONNX classification, tokenize, registry, Swagger, metrics, keys) against
# a published executable and against the untrimmed Release build, and fails if any answer differs
# (ids and timestamps removed). This is what stands behind trimming the single-file build.
#
#   docker/smoke.sh [EXECUTABLE]     (default artifacts/microai-linux-x64-cpu/microai)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
exe=${1:-$root/artifacts/microai-linux-x64-cpu/microai}
M=$(readlink -f "$root/../shared/models")
dotnet build "$root/server/MicroAI.Server" -c Release -v q -nologo >/dev/null || exit 1
reference=(dotnet "$root/server/MicroAI.Server/bin/Release/net10.0/MicroAI.Server.dll")

run() { # run OUT PORT COMMAND...
  local out=$1 port=$2; shift 2
  local D; D=$(mktemp -d)
  "$@" --urls http://127.0.0.1:$port --MicroAI:DefaultModel=$M/gguf/stories260K.gguf --MicroAI:DataDirectory=$D --MicroAI:OllamaModelsDirectory=none \
    --MicroAI:Models:magika:Path=$M/onnx/magika-standard_v3_3 \
    --MicroAI:Models:qwen:Path=$(ls $M/gguf/*tiny*.gguf | head -1) --MicroAI:Models:qwen:ChatTemplate=$M/../chat-templates/Qwen-Qwen2.5-7B-Instruct.jinja >"$out.log" 2>&1 &
  local pid=$!
  for _ in $(seq 300); do curl -sf http://127.0.0.1:$port/health >/dev/null && break; sleep 0.1; done
  local B=http://127.0.0.1:$port J='content-type: application/json' bin=("$@")
  strip() { sed -E 's/"(id|created|created_at|system_fingerprint)":("[^"]*"|[0-9]+|null)//g; s/(chatcmpl|cmpl|resp|msg|call|fc)[-_][a-zA-Z0-9]+//g'; }
{
curl -s $B/v1/completions -H "$J" -d '{"model":"stories260K","prompt":"Once upon a time","temperature":0,"max_tokens":20,"logprobs":2}'; echo
curl -sN $B/v1/chat/completions -H "$J" -d '{"model":"stories260K","messages":[{"role":"user","content":"hi"}],"stream":true,"max_tokens":5,"temperature":0,"stream_options":{"include_usage":true}}'; echo
curl -s $B/v1/chat/completions -H "$J" -d '{"model":"stories260K","messages":[{"role":"user","content":"hi"}],"max_tokens":30,"temperature":0,"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}}}}'; echo
curl -s $B/v1/chat/completions -H "$J" -d '{"model":"qwen","messages":[{"role":"user","content":"weather?"}],"max_tokens":40,"temperature":0,"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],"tool_choice":"required"}'; echo
curl -s $B/apply-template -H "$J" -d '{"model":"qwen","messages":[{"role":"user","content":"hi {{x}}"}],"tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","properties":{"a":{"type":"integer"}}}}}]}'; echo
curl -s $B/v1/responses -H "$J" -d '{"model":"stories260K","input":"Once upon a time","max_output_tokens":10,"temperature":0}'; echo
curl -s $B/v1/embeddings -H "$J" -d '{"model":"stories260K","input":["a","b"],"encoding_format":"base64"}' | head -c 300; echo
curl -s $B/v1/classifications -H "$J" -d '{"model":"magika","input":"def f(x):\n    return x+1\n"}'; echo
curl -s $B/tokenize -H "$J" -d '{"model":"stories260K","content":"Once upon","with_pieces":true}'; echo
curl -s $B/v1/models/stories260K; echo
curl -s $B/api/models | head -c 300; echo
curl -s $B/api/ps; echo
curl -s -o /dev/null -w "swagger %{http_code}\n" $B/swagger/v1/swagger.json
curl -s $B/metrics | grep -c "^microai_"
curl -s $B/v1/chat/completions -H "$J" -d '{"model":"nope","messages":[]}'; echo
"${bin[@]}" keys create --scope inference --name smoke --MicroAI:DataDirectory=$D --json | sed -E 's/"(key|hash|id)":"[^"]*"//g'
"${bin[@]}" keys list --MicroAI:DataDirectory=$D --json | sed -E 's/"(prefix|id|created)":"[^"]*"//g'
curl -s -o /dev/null -w "no key now %{http_code}\n" $B/v1/models
"${bin[@]}" list --MicroAI:DataDirectory=$D --MicroAI:OllamaModelsDirectory=none --json | head -c 200; echo
} 2>&1 | strip >"$out"
  kill $pid; wait $pid 2>/dev/null
  rm -rf "$D"
}

out=$(mktemp -d)
run "$out/exe" 18821 "$exe"
run "$out/ref" 18822 "${reference[@]}"
# idle_seconds differs by timing alone
if diff <(sed -E 's/"idle_seconds":[0-9.]+//g' "$out/ref") <(sed -E 's/"idle_seconds":[0-9.]+//g' "$out/exe"); then
  echo "same answers: $(wc -l <"$out/exe") lines from $exe and from the Release build"
else
  echo "answers differ (above); logs in $out" >&2; exit 1
fi
