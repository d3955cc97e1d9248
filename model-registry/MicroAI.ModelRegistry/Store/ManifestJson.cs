using System.Text.Json;

namespace MicroAI.ModelRegistry.Store;

/// <summary>Manifests as JSON, in the same form as the files under manifests/.</summary>
public static class ManifestJson
{
    public static void Write(Utf8JsonWriter writer, ModelManifest manifest) =>
        JsonSerializer.Serialize(writer, manifest, RegistryJsonContext.Default.ModelManifest);

    public static string ToJson(ModelManifest manifest) =>
        JsonSerializer.Serialize(manifest, RegistryJsonContext.Default.ModelManifest);
}
