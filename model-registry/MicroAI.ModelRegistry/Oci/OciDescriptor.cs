namespace MicroAI.ModelRegistry.Oci;

/// <summary>An OCI content descriptor: what a manifest says about one blob.</summary>
internal sealed record OciDescriptor
{
    public required string MediaType { get; init; }
    public required string Digest { get; init; }
    public required long Size { get; init; }
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
