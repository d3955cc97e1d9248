#!/usr/bin/env bash
# Does what a Dockerfile does, without a container engine: the build stage's COPY and RUN steps in
# a fresh temporary folder (so only what the Dockerfile copies is there), then the runtime stage's
# COPY --from, ENV, USER and ENTRYPOINT, started with a model; passes when its HEALTHCHECK does.
#
#   docker/build-like-dockerfile.sh [Dockerfile] [MODEL.gguf]
#     default: docker/Dockerfile and ../shared/models/gguf/stories260K.gguf
#   env: KEEP=1 keeps the temporary folder; PORT (18470)
#
# Skipped, and said so: `apt-get` lines (this machine has the SDK and npm already) and stages this
# machine cannot run (the Jetson image's CUDA compile). Paths inside the image (/src, /out, /app,
# /data, ...) become folders under the temporary one. Not checked here: the base images themselves.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
dockerfile=$(readlink -f "${1:-$here/Dockerfile}")
model=$(readlink -f "${2:-$root/../shared/models/gguf/stories260K.gguf}")
port=${PORT:-18470}
tmp=$(mktemp -d /tmp/microai-dockerfile-XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
case "$(uname -m)" in x86_64) export TARGETARCH=amd64 ;; aarch64) export TARGETARCH=arm64 ;; *) export TARGETARCH=$(uname -m) ;; esac

# Instructions, one a line, continuations joined, comments dropped; "STAGE name" starts each stage.
instructions() {
  sed -e 's/\r$//' "$dockerfile" | awk '
    /^[[:space:]]*#/ { next }
    { line = (cont ? cont " " : "") $0 }
    /\\[[:space:]]*$/ { sub(/\\[[:space:]]*$/, "", line); cont = line; next }
    { cont = ""; gsub(/^[[:space:]]+/, "", line); if (line != "") print line }'
}

# Image paths → temporary folders: every absolute path of one segment that a stage uses.
map_paths() {
  local s=$1
  for p in src out app data models llama-natives llama natives; do
    s=$(printf '%s' "$s" | sed -E "s#(^|[ \"=:])/$p(/|\"| |$)#\\1$tmp/$p\\2#g")
  done
  printf '%s' "$s"
}

stage=""; stages=(); workdir="$tmp"
declare -A stage_runs=()
runtime_env=(); user=""; entrypoint=""; health=""
while IFS= read -r line; do
  keyword=${line%% *}; args=${line#* }
  case "${keyword^^}" in
    FROM)
      stage=$(printf '%s' "$args" | awk '{for (i = 1; i < NF; i++) if (toupper($i) == "AS") print $(i + 1)}')
      stage=${stage:-final}; stages+=("$stage"); workdir="$tmp"
      echo "== stage $stage ($(printf '%s' "$args" | awk '{for (i = 1; i <= NF; i++) if ($i !~ /^--/) {print $i; exit}}'))" ;;
    ARG) ;;
    WORKDIR) workdir=$(map_paths "$args"); mkdir -p "$workdir" ;;
    COPY)
      if [[ "$args" == --from=* ]]; then
        from=${args#--from=}; from=${from%% *}; rest=${args#* }
        src=$(map_paths "${rest% *}"); dst=$(map_paths "${rest##* }")
        if [ ! -e "${src%/}" ]; then echo "   COPY --from=$from: skipped, stage $from did not run here"; continue; fi
        mkdir -p "$dst"; cp -a "${src%/}/." "$dst"; echo "   COPY --from=$from ${rest% *} → ${rest##* }"
      else
        read -r -a words <<<"$args"
        dst=${words[-1]}; [[ "$dst" = /* ]] && dst=$(map_paths "$dst") || dst="$workdir/$dst"
        for src in "${words[@]:0:${#words[@]}-1}"; do
          [[ "$src" == --* ]] && continue
          if [ -d "$root/$src" ]; then
            # A folder's contents, as the context would send them: .dockerignore's bin/, obj/ and
            # .natives/ stay behind.
            mkdir -p "$dst"
            (cd "$root/$src" && tar --exclude=bin --exclude=obj --exclude=.natives -cf - .) | (cd "$dst" && tar -xf -)
          else
            mkdir -p "$dst"; cp "$root/$src" "$dst/"
          fi
        done
        echo "   COPY $args"
      fi ;;
    RUN)
      if [[ "$args" == *apt-get* ]]; then echo "   RUN (skipped: system packages) ${args:0:80}"; continue; fi
      if [[ "$args" == *cmake* || "$args" == *"git clone"* ]]; then echo "   RUN (skipped: needs the L4T CUDA toolchain) ${args:0:80}"; continue; fi
      cmd=$(map_paths "$args")
      echo "   RUN ${args:0:120}"
      (cd "$workdir" && bash -euo pipefail -c "$cmd") >"$tmp/run.log" 2>&1 || { tail -30 "$tmp/run.log"; echo "RUN failed: $args" >&2; exit 1; }
      stage_runs[$stage]=1 ;;
    ENV)
      # KEY=value pairs (values here have no spaces).
      for kv in $args; do runtime_env+=("$(map_paths "$kv")"); done ;;
    USER) user=$args ;;
    HEALTHCHECK) health=$(printf '%s' "$args" | sed -E 's/.*CMD \[(.*)\]/\1/; s/"//g; s/, / /g') ;;
    ENTRYPOINT) entrypoint=$(map_paths "$(printf '%s' "$args" | sed -E 's/^\["?//; s/"?\]$//')") ;;
    VOLUME|EXPOSE) ;;
    *) echo "   ${keyword^^} (not interpreted here)" ;;
  esac
done < <(instructions)

[ -n "$entrypoint" ] && [ -x "$entrypoint" ] || { echo "the runtime stage's entrypoint $entrypoint was not built" >&2; exit 1; }
echo "== run: $entrypoint as user ${user:-root}, env: ${runtime_env[*]}"
mkdir -p "$tmp/data" "$tmp/models"
cp "$model" "$tmp/models/"
health=${health//8080/$port}
env_args=("${runtime_env[@]/8080/$port}" "MicroAI__DefaultModel=$tmp/models/$(basename "$model")")
launcher=()
if [ "$(id -u)" = 0 ] && [ -n "$user" ] && command -v setpriv >/dev/null; then
  # As the image's user: only /data (its volume) is theirs, the executable and natives are not.
  chown -R "$user" "$tmp/data"; chmod o+rx "$tmp" "$tmp/app" "$tmp/models"; chmod o+r "$tmp/models/"*
  launcher=(setpriv --reuid="$user" --regid="$user" --clear-groups)
fi
t0=$(date +%s%N)
env -i PATH=/usr/bin:/bin HOME=/nonexistent "${env_args[@]}" "${launcher[@]}" "$entrypoint" >"$tmp/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  if $health >/dev/null 2>&1; then
    echo "HEALTHCHECK passed after $(( ($(date +%s%N) - t0) / 1000000 )) ms: $health"
    sed -n '1,6p' "$tmp/server.log"
    exit 0
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
echo "HEALTHCHECK did not pass; server log:" >&2; cat "$tmp/server.log" >&2; exit 1
