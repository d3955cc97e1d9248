namespace MicroAI.ModelRegistry.Signing;

/// <summary>
/// What checking a signature manifest found. Ordered from worst to best: with several layers, the
/// best layer decides, so one good signature among foreign or broken ones is enough (cosign appends
/// a layer per signing).
/// </summary>
public enum SignatureStatus
{
    /// <summary>No cosign signature layer (or no signature manifest at all).</summary>
    NoSignature,
    /// <summary>Layers that cannot be checked: bad base64 or DER, a payload that is not its digest's bytes, bad JSON.</summary>
    Malformed,
    /// <summary>Well-formed signatures, none by a trusted key.</summary>
    UntrustedKey,
    /// <summary>A trusted key signed a payload that names another manifest digest.</summary>
    DigestMismatch,
    Verified,
}

/// <param name="Status">The verdict of the best layer.</param>
/// <param name="Message">A sentence for the user: what was found and, when refused, why.</param>
/// <param name="Key">The trusted key that signed, when verified (or when the digest did not match).</param>
/// <param name="SignedReference">The payload's docker-reference, when a trusted key signed it.</param>
public sealed record SignatureVerification(SignatureStatus Status, string Message, TrustedKey? Key = null, string? SignedReference = null)
{
    public bool IsVerified => Status == SignatureStatus.Verified;
}

/// <summary>Fetches a blob of the signed manifest's repository by digest (the OCI client's GET /v2/…/blobs/…).</summary>
public delegate Task<byte[]> SignatureBlobFetcher(string digest, CancellationToken cancellationToken);
