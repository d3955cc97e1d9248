namespace MicroAI.ModelRegistry.Store;

public enum StoreErrorKind
{
    None,
    /// <summary>No such model, file or folder.</summary>
    NotFound,
    /// <summary>A bad name, a file that is not a model, a digest mismatch.</summary>
    Invalid,
    /// <summary>Disk, network or permission trouble.</summary>
    Failed,
    /// <summary>The server a pull downloads from could not be reached or refused (the HTTP API answers 502, not 500: nothing failed here).</summary>
    Upstream,
}

/// <summary>The outcome of a registry operation: a manifest, or an error meant for the user.</summary>
public readonly record struct StoreResult(ModelManifest? Manifest, StoreErrorKind Kind, string? Error)
{
    public bool Success => Kind == StoreErrorKind.None;
    public static StoreResult Ok(ModelManifest? manifest) => new(manifest, StoreErrorKind.None, null);
    public static StoreResult NotFound(string error) => new(null, StoreErrorKind.NotFound, error);
    public static StoreResult Invalid(string error) => new(null, StoreErrorKind.Invalid, error);
    public static StoreResult Failed(string error) => new(null, StoreErrorKind.Failed, error);
    public static StoreResult Upstream(string error) => new(null, StoreErrorKind.Upstream, error);
}
