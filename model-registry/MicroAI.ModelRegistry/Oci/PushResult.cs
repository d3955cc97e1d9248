namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// What a push did: the manifest's digest, and how much went over the wire. Blobs the registry
/// already had (skipped) or linked from another repository (mounted) cost no upload.
/// </summary>
public sealed record PushResult(string Reference, string Digest, long BytesUploaded, int BlobsUploaded, int BlobsSkipped, int BlobsMounted, int Layers);
