#!/usr/bin/env bash
# The build stage of every Dockerfile runs this, and docker/build-like-dockerfile.sh runs it here:
# one place that turns a Docker TARGETARCH and a llama.cpp variant into a single-file publish.
#
#   docker/publish.sh TARGETARCH VARIANT OUTDIR [more dotnet publish arguments]
#     TARGETARCH  amd64 | arm64 (Docker's names; x64 is accepted)
#     VARIANT     cpu | cuda | vulkan (LlamaVariant; prebuilt natives from npm; ONNX Runtime's
#                 package is -p:OnnxRuntimeVariant, passed with the more arguments)
#     OUTDIR      where microai and its natives go
set -euo pipefail
arch=${1:?TARGETARCH}; variant=${2:?VARIANT}; out=${3:?OUTDIR}; shift 3
case "$arch" in
  amd64|x64) rid=linux-x64 ;;
  arm64) rid=linux-arm64 ;;
  *) echo "docker/publish.sh: no MicroAI build for TARGETARCH '$arch' (amd64, arm64)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
dotnet publish server/MicroAI.Server -p:PublishProfile="$rid" -p:LlamaVariant="$variant" -p:PublishDir="$out/" -nologo "$@"
test -x "$out/microai"
