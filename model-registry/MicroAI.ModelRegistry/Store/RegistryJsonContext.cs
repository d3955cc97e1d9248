using System.Text.Json.Serialization;

namespace MicroAI.ModelRegistry.Store;

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;
