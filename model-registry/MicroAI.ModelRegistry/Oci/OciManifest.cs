namespace MicroAI.ModelRegistry.Oci;

/// <summary>An OCI image manifest (also read for Docker's v2 manifest, which has the same fields).</summary>
internal sealed record OciManifest
{
    public int SchemaVersion { get; init; } = 2;
    public string? MediaType { get; init; }
    public string? ArtifactType { get; init; }
    public OciDescriptor? Config { get; init; }
    public IReadOnlyList<OciDescriptor> Layers { get; init; } = [];
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
