using System.Text;
using System.Text.Json;
using MicroAI.ModelRegistry.Sources;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// Ollama's artifact: a GGUF model layer, the Modelfile's PARAMETERs as a JSON params layer, a
/// SYSTEM layer and a license. Its template layer is a Go template, which MicroAI does not run:
/// the GGUF file's own Jinja template is used instead.
/// </summary>
internal sealed class OllamaLayout : IArtifactLayout
{
    public string Name => "ollama";

    public bool Matches(OciManifest manifest) => manifest.Layers.Any(l => OciMediaTypes.Essence(l.MediaType) == OciMediaTypes.OllamaModel);

    public async Task<PullPlan> PlanAsync(OciManifest manifest, OciClient client, string repository, CancellationToken ct)
    {
        var models = manifest.Layers.Where(l => OciMediaTypes.Essence(l.MediaType) == OciMediaTypes.OllamaModel).ToList();
        if (models.Count > 1)
            throw new OciException($"{client.Registry}/{repository}: the artifact has {models.Count} model layers (a model with adapters or projectors); MicroAI pulls single-file models.", OciFailure.Invalid);
        var defaults = new ModelDefaults();
        foreach (var layer in manifest.Layers)
        {
            switch (OciMediaTypes.Essence(layer.MediaType))
            {
                case OciMediaTypes.OllamaParams:
                    try
                    {
                        using var doc = JsonDocument.Parse(await client.GetSmallBlobAsync(repository, layer, ct).ConfigureAwait(false));
                        defaults = OllamaStore.ApplyParams(doc.RootElement, defaults);
                    }
                    catch (JsonException e)
                    {
                        throw new OciException($"{client.Registry}/{repository}: the params layer is not JSON: {e.Message}", OciFailure.Invalid);
                    }
                    break;
                case OciMediaTypes.OllamaSystem:
                    defaults = defaults with { SystemPrompt = Encoding.UTF8.GetString(await client.GetSmallBlobAsync(repository, layer, ct).ConfigureAwait(false)) };
                    break;
            }
        }
        var model = models[0];
        return new PullPlan(Name, [new PlannedFile("model.gguf", ManifestFile.ModelRole, model.Digest, model.Size, [model])], null, defaults);
    }
}
