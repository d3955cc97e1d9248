namespace MicroAI.ModelRegistry.Sources;

/// <summary>
/// One progress report of a pull. <see cref="Status"/> is one of <see cref="Resolving"/>,
/// <see cref="Downloading"/>, <see cref="Verifying"/>, <see cref="Done"/>. <see cref="Completed"/>
/// counts bytes on disk, including those kept from an earlier, interrupted attempt.
/// </summary>
public readonly record struct PullProgress(string Status, long Completed, long? Total, double BytesPerSecond, TimeSpan? Eta)
{
    public const string Resolving = "resolving";
    public const string Downloading = "downloading";
    public const string Verifying = "verifying";
    public const string Done = "done";
}
