namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// One progress report of a push: <see cref="Status"/> is "hashing" (chunking the files),
/// "checking" (which blobs the registry has), "uploading" or "done". <see cref="Completed"/> and
/// <see cref="Total"/> count bytes: read while hashing, sent while uploading.
/// </summary>
public readonly record struct PushProgress(string Status, long Completed, long Total, int BlobsUploaded, int BlobsSkipped, int BlobsMounted)
{
    public const string Hashing = "hashing";
    public const string Checking = "checking";
    public const string Uploading = "uploading";
    public const string Done = "done";
}
