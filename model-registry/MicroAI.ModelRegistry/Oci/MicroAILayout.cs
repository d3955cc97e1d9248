using System.Text.Json;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>MicroAI's own artifact: the config lists each file's chunks; every chunk is a layer.</summary>
internal sealed class MicroAILayout : IArtifactLayout
{
    public string Name => "microai";

    public bool Matches(OciManifest manifest) =>
        manifest.ArtifactType == OciMediaTypes.ModelArtifact || OciMediaTypes.Essence(manifest.Config?.MediaType) == OciMediaTypes.ModelConfig;

    public async Task<PullPlan> PlanAsync(OciManifest manifest, OciClient client, string repository, CancellationToken ct)
    {
        var bytes = await client.GetSmallBlobAsync(repository, manifest.Config!, ct).ConfigureAwait(false);
        MicroAIModelConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(bytes, OciJsonContext.Default.MicroAIModelConfig);
        }
        catch (JsonException e)
        {
            throw new OciException($"{client.Registry}/{repository}: the model config is not valid JSON: {e.Message}", OciFailure.Invalid);
        }
        if (config is null || config.Files is not { Count: > 0 })
            throw new OciException($"{client.Registry}/{repository}: the model config lists no files.", OciFailure.Invalid);

        // Every chunk must be a layer of this manifest: the registry keeps (and lets us read) only those.
        var layers = manifest.Layers.GroupBy(l => l.Digest).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var files = new List<PlannedFile>();
        foreach (var f in config.Files)
        {
            if (!Store.Digest.IsValid(f.Digest) || f.Size < 0 || f.Chunks is null || string.IsNullOrWhiteSpace(f.Name) || f.Name.Contains(".."))
                throw new OciException($"{client.Registry}/{repository}: the model config describes a file badly ('{f.Name}').", OciFailure.Invalid);
            var chunks = new List<OciDescriptor>();
            foreach (var c in f.Chunks)
            {
                if (!layers.TryGetValue(c.Digest, out var layer) || layer.Size != c.Length)
                    throw new OciException($"{client.Registry}/{repository}: the chunk {c.Digest} of '{f.Name}' is not a layer of the manifest.", OciFailure.Invalid);
                chunks.Add(layer);
            }
            if (chunks.Sum(c => c.Size) != f.Size)
                throw new OciException($"{client.Registry}/{repository}: the chunks of '{f.Name}' add up to {chunks.Sum(c => c.Size)} bytes, not {f.Size}.", OciFailure.Invalid);
            files.Add(new PlannedFile(f.Name, f.Role, f.Digest, f.Size, chunks));
        }
        return new PullPlan(Name, files, config, config.Defaults ?? new());
    }
}
