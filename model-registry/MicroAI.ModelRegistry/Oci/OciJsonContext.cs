using System.Text.Json.Serialization;

namespace MicroAI.ModelRegistry.Oci;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OciManifest))]
[JsonSerializable(typeof(MicroAIModelConfig))]
[JsonSerializable(typeof(List<MicroAIChunk>))]
[JsonSerializable(typeof(OciErrorResponse))]
[JsonSerializable(typeof(OciTokenResponse))]
[JsonSerializable(typeof(Dictionary<string, System.Text.Json.JsonElement>))]
internal sealed partial class OciJsonContext : JsonSerializerContext;
