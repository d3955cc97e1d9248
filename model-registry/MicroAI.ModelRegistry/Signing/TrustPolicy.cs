using Microsoft.Extensions.Options;

namespace MicroAI.ModelRegistry.Signing;

/// <param name="Allowed">Whether the pull may store and serve the manifest.</param>
/// <param name="Reason">A sentence for the user: why it was allowed or refused.</param>
/// <param name="Verification">The signature check, when one was made.</param>
public sealed record TrustDecision(bool Allowed, string Reason, SignatureVerification? Verification = null);

/// <summary>
/// The trust policy of <see cref="TrustOptions"/>, keys loaded once. A pull asks
/// <see cref="Requires"/> (whether to look for a signature at all), then <see cref="EvaluateAsync"/>
/// with what it found, before it stores anything. Immutable after construction, so any thread may
/// use it; a changed configuration takes effect at the next start.
/// </summary>
public sealed class TrustPolicy
{
    private readonly List<string> _patterns;

    public TrustPolicy(IOptions<TrustOptions> options)
        : this(options.Value)
    {
    }

    /// <summary>Loads the keys. Throws <see cref="InvalidOperationException"/> naming every configuration problem.</summary>
    public TrustPolicy(TrustOptions options)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
            throw new InvalidOperationException("Invalid trust configuration:\n  " + string.Join("\n  ", problems));
        Keys = options.PublicKeys.Select(SigningKeys.ReadPublicKeyFile).ToList();
        _patterns = [.. options.RequireSignature];
    }

    public IReadOnlyList<TrustedKey> Keys { get; }

    /// <summary>True when a pull of <paramref name="reference"/> must carry a signature by a trusted key.</summary>
    public bool Requires(string reference) => RequiringPattern(reference) is not null;

    /// <summary>
    /// Decides a pull of <paramref name="reference"/> that resolved to <paramref name="manifestDigest"/>.
    /// <paramref name="signatureManifest"/> is the manifest found under
    /// <see cref="CosignSignatures.SignatureTag"/> in the same repository, or null when there is none;
    /// <paramref name="fetchBlob"/> fetches that repository's blobs. Where no signature is required
    /// the pull is allowed without looking.
    /// </summary>
    public async Task<TrustDecision> EvaluateAsync(string reference, string manifestDigest, ReadOnlyMemory<byte>? signatureManifest,
        SignatureBlobFetcher fetchBlob, CancellationToken cancellationToken)
    {
        if (RequiringPattern(reference) is not { } pattern)
            return new TrustDecision(true, $"No signature is required for {reference} (MicroAI:Trust:RequireSignature).");
        var rule = $"MicroAI:Trust:RequireSignature '{pattern}'";
        if (signatureManifest is not { } manifest)
        {
            return new TrustDecision(false,
                $"{reference} ({manifestDigest}) must be signed ({rule}), and the registry has no signature for it (tag {CosignSignatures.SignatureTag(manifestDigest)}).",
                new SignatureVerification(SignatureStatus.NoSignature, "No signature manifest."));
        }
        var verification = await CosignSignatures.VerifyAsync(manifest, fetchBlob, Keys, manifestDigest, cancellationToken).ConfigureAwait(false);
        return verification.IsVerified
            ? new TrustDecision(true, verification.Message, verification)
            : new TrustDecision(false, $"{reference} must be signed by a trusted key ({rule}): {verification.Message}", verification);
    }

    private string? RequiringPattern(string reference)
    {
        var repository = RepositoryPattern.Repository(reference);
        return _patterns.FirstOrDefault(p => RepositoryPattern.Covers(p, repository));
    }
}
