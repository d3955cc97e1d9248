namespace MicroAI.ModelRegistry.Oci;

/// <summary>The media types MicroAI writes and the ones it reads from other tools' artifacts.</summary>
internal static class OciMediaTypes
{
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>What a manifest GET accepts: OCI and Docker v2 manifests, and indexes (to say clearly that one was found).</summary>
    public static readonly string[] ManifestAccept = [ImageManifest, ImageIndex, DockerManifest, DockerManifestList];

    // MicroAI's own layout (docs/oci-layout.md).
    public const string ModelArtifact = "application/vnd.microai.model.v1";
    public const string ModelConfig = "application/vnd.microai.model.config.v1+json";
    public const string ModelChunk = "application/vnd.microai.model.chunk.v1";

    // Ollama's layers (ollama/ollama, server/internal/manifest): the GGUF file, a Go template,
    // the Modelfile's PARAMETERs as JSON, SYSTEM, LICENSE.
    public const string OllamaModel = "application/vnd.ollama.image.model";
    public const string OllamaTemplate = "application/vnd.ollama.image.template";
    public const string OllamaParams = "application/vnd.ollama.image.params";
    public const string OllamaSystem = "application/vnd.ollama.image.system";
    public const string OllamaLicense = "application/vnd.ollama.image.license";

    // Docker Model Runner (docker/model-runner, pkg/distribution/types): GGUF v3 files, the
    // config, and the older v1 names its first releases published.
    public const string DockerGguf = "application/vnd.docker.ai.gguf.v3";
    public const string DockerGgufV1 = "application/vnd.docker.ai.model.file.v1+gguf";
    public const string DockerModelConfigPrefix = "application/vnd.docker.ai.model.config";
    public const string DockerLicense = "application/vnd.docker.ai.license";
    public const string DockerChatTemplate = "application/vnd.docker.ai.chat.template.jinja";

    /// <summary>A config blob for artifacts that need none (image-spec: the empty descriptor).</summary>
    public const string Empty = "application/vnd.oci.empty.v1+json";

    /// <summary>Drops parameters: "application/vnd.ollama.image.template; name=x" → "application/vnd.ollama.image.template".</summary>
    public static string Essence(string? mediaType) =>
        mediaType is null ? "" : (mediaType.IndexOf(';') is var i and >= 0 ? mediaType[..i] : mediaType).Trim().ToLowerInvariant();
}
