using System.Security.Cryptography;
using MicroAI.ModelRegistry.Signing;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// cosign signatures of artifacts in a registry: signing one (the signature manifest under cosign's
/// sha256-HEX.sig tag, appended to any signatures already there) and checking one against the trust
/// policy before a pull downloads anything.
/// </summary>
internal static class OciSignatures
{
    /// <summary>Signs what <paramref name="reference"/> names now; returns the manifest digest signed.</summary>
    public static async Task<string> SignAsync(OciClient client, OciReference reference, ECDsa key, CancellationToken ct)
    {
        var repo = reference.Repository;
        var (_, _, digest) = await client.GetManifestAsync(repo, reference.Reference, ct).ConfigureAwait(false);
        var tag = CosignSignatures.SignatureTag(digest);
        IReadOnlyList<SignatureLayer> existing = [];
        if (await FindSignatureManifestAsync(client, repo, tag, ct).ConfigureAwait(false) is { } old)
        {
            existing = CosignSignatures.ParseSignatureManifest(old, out var problem)
                ?? throw new OciException($"{reference.Registry}/{repo}:{tag} is not a signature manifest cosign would read ({problem}); remove it before signing.", OciFailure.Invalid);
        }
        // cosign names the repository without tag or digest: the signature is for the digest, wherever it is tagged.
        var payload = CosignSignatures.CreatePayload($"{reference.Registry}/{repo}", digest);
        var artifact = CosignSignatures.BuildSignatureManifest(existing, [(payload, CosignSignatures.Sign(payload, key))], DateTimeOffset.UtcNow);
        foreach (var blob in artifact.Blobs)
        {
            if (await client.BlobExistsAsync(repo, blob.Digest, ct).ConfigureAwait(false))
                continue;
            await client.UploadBlobAsync(repo, blob.Digest, blob.Content.Length, (offset, length) => new MemoryStream(blob.Content, (int)offset, (int)length, writable: false),
                session: null, progress: null, ct).ConfigureAwait(false);
        }
        await client.PutManifestAsync(repo, tag, artifact.Manifest, CosignSignatures.ManifestMediaType, ct).ConfigureAwait(false);
        return digest;
    }

    /// <summary>
    /// Refuses (an <see cref="OciException"/> naming the rule and the reason) a pull the trust policy
    /// does not allow: checked after the manifest is resolved and before any blob is fetched, so a
    /// refused pull stores nothing.
    /// </summary>
    public static async Task EnsureTrustedAsync(OciClient client, OciReference reference, string manifestDigest, TrustPolicy? trust, CancellationToken ct)
    {
        var name = $"{reference.Registry}/{reference.Repository}";
        if (trust is null || !trust.Requires(name))
            return;
        var signatures = await FindSignatureManifestAsync(client, reference.Repository, CosignSignatures.SignatureTag(manifestDigest), ct).ConfigureAwait(false);
        // Spelled out: the implicit conversions (null → byte[] → ReadOnlyMemory) would make "none" an empty manifest.
        ReadOnlyMemory<byte>? found = signatures is null ? (ReadOnlyMemory<byte>?)null : signatures.AsMemory();
        var decision = await trust.EvaluateAsync(name, manifestDigest, found,
            (digest, token) => client.GetSmallBlobAsync(reference.Repository, new OciDescriptor { MediaType = CosignSignatures.PayloadMediaType, Digest = digest, Size = 0 }, token),
            ct).ConfigureAwait(false);
        if (!decision.Allowed)
            throw new OciException($"Refused by the trust policy, nothing was downloaded: {decision.Reason}", OciFailure.Invalid);
    }

    private static async Task<byte[]?> FindSignatureManifestAsync(OciClient client, string repository, string tag, CancellationToken ct)
    {
        try
        {
            return (await client.GetManifestAsync(repository, tag, ct).ConfigureAwait(false)).Bytes;
        }
        catch (OciException e) when (e.Failure == OciFailure.NotFound)
        {
            return null;
        }
    }
}
