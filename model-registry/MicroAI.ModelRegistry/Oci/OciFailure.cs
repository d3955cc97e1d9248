namespace MicroAI.ModelRegistry.Oci;

internal enum OciFailure
{
    /// <summary>The registry could not be reached or failed (5xx, connection refused).</summary>
    Upstream,
    /// <summary>Credentials missing or refused (401, 403, a token endpoint that said no).</summary>
    Unauthorized,
    /// <summary>No such repository, tag, manifest or blob.</summary>
    NotFound,
    /// <summary>The registry sent something that is not what was asked for (a bad digest, an unknown layout).</summary>
    Invalid,
    /// <summary>Local trouble: disk full, the store not writable.</summary>
    Local,
}
