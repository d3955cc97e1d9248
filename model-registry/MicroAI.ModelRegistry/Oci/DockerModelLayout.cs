using System.Text;
using System.Text.Json;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// Docker Model Runner's artifact: a GGUF layer (application/vnd.docker.ai.gguf.v3, or the v1
/// name of its first releases), a config (application/vnd.docker.ai.model.config.v0.1+json,
/// whose context_size becomes a default), an optional Jinja chat template and licenses.
/// </summary>
internal sealed class DockerModelLayout : IArtifactLayout
{
    public string Name => "docker";

    public bool Matches(OciManifest manifest) =>
        manifest.Layers.Any(IsGguf) || OciMediaTypes.Essence(manifest.Config?.MediaType).StartsWith(OciMediaTypes.DockerModelConfigPrefix, StringComparison.Ordinal);

    public async Task<PullPlan> PlanAsync(OciManifest manifest, OciClient client, string repository, CancellationToken ct)
    {
        var ggufs = manifest.Layers.Where(IsGguf).ToList();
        if (ggufs.Count != 1)
            throw new OciException(ggufs.Count == 0
                ? $"{client.Registry}/{repository}: the Docker model artifact has no GGUF layer (safetensors and DDUF models are not served by MicroAI)."
                : $"{client.Registry}/{repository}: the Docker model artifact has {ggufs.Count} GGUF layers (a sharded model); MicroAI pulls single-file models.", OciFailure.Invalid);

        var defaults = new ModelDefaults();
        if (manifest.Config is { } config && OciMediaTypes.Essence(config.MediaType).StartsWith(OciMediaTypes.DockerModelConfigPrefix, StringComparison.Ordinal))
        {
            try
            {
                using var doc = JsonDocument.Parse(await client.GetSmallBlobAsync(repository, config, ct).ConfigureAwait(false));
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("config", out var c) && c.ValueKind == JsonValueKind.Object
                    && c.TryGetProperty("context_size", out var ctx) && ctx.TryGetInt32(out var size) && size > 0)
                    defaults = defaults with { ContextSize = size };
            }
            catch (JsonException e)
            {
                throw new OciException($"{client.Registry}/{repository}: the Docker model config is not JSON: {e.Message}", OciFailure.Invalid);
            }
        }
        if (manifest.Layers.FirstOrDefault(l => OciMediaTypes.Essence(l.MediaType) == OciMediaTypes.DockerChatTemplate) is { } template)
            defaults = defaults with { ChatTemplate = Encoding.UTF8.GetString(await client.GetSmallBlobAsync(repository, template, ct).ConfigureAwait(false)) };

        var gguf = ggufs[0];
        return new PullPlan(Name, [new PlannedFile("model.gguf", ManifestFile.ModelRole, gguf.Digest, gguf.Size, [gguf])], null, defaults);
    }

    private static bool IsGguf(OciDescriptor l) => OciMediaTypes.Essence(l.MediaType) is OciMediaTypes.DockerGguf or OciMediaTypes.DockerGgufV1;
}
