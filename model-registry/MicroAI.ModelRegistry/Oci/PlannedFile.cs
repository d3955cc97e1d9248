namespace MicroAI.ModelRegistry.Oci;

/// <summary>A file a pull must produce: its digest and size, and the blobs whose bytes, in order, are its bytes.</summary>
internal sealed record PlannedFile(string Name, string Role, string Digest, long Size, IReadOnlyList<OciDescriptor> Chunks);
