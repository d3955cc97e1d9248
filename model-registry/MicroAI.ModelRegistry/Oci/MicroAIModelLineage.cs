namespace MicroAI.ModelRegistry.Oci;

/// <summary>Where a pushed model came from: its name and tag on the pushing box, and its source there.</summary>
internal sealed record MicroAIModelLineage(string Name, string Tag, string SourceKind, string? SourceUri, DateTimeOffset CreatedUtc);
