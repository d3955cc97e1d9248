using MicroAI.ModelRegistry.Sources;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// Push, pull and login against OCI registries for the CLI and the HTTP API: references parsed,
/// errors returned as <see cref="StoreResult"/> kinds (never thrown) like the store's own pull.
/// </summary>
public sealed class OciRegistry(ModelStore store, HttpClient http, OciSettings settings, Func<string, long>? freeBytes = null)
{
    /// <summary>Pulls <see cref="PullRequest.Source"/>, an OCI reference; <see cref="PullRequest.ExpectedDigest"/> is the manifest's.</summary>
    public async Task<StoreResult> PullAsync(PullRequest request, IProgress<PullProgress>? progress, CancellationToken ct)
    {
        if (!OciReference.TryParse(request.Source, out var reference, out var error))
            return StoreResult.Invalid(error);
        var nameText = request.Name ?? SuggestName(reference);
        if (!ModelName.TryParse(nameText, out var name, out var nameError))
            return StoreResult.Invalid(nameError!);
        if (request.Capabilities?.Where(c => !ModelCapability.TryParse(c, out _)).ToList() is { Count: > 0 } unknown)
            return StoreResult.Invalid($"Unknown capabilities: {string.Join(", ", unknown)}. Known: {string.Join(", ", ModelCapability.All)}.");
        if (request.ExpectedDigest is not null && Digest.Normalize(request.ExpectedDigest) is null)
            return StoreResult.Invalid($"'{request.ExpectedDigest}' is not a sha256 digest (expected sha256:<64 hex>).");
        try
        {
            var client = new OciClient(http, settings, reference.Registry);
            var puller = new OciPuller(store, client, http, freeBytes, settings.Trust);
            return StoreResult.Ok(await puller.PullAsync(reference, name, request.ExpectedDigest, request.Capabilities, progress, ct).ConfigureAwait(false));
        }
        catch (OciException e)
        {
            return ToStoreResult(e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return StoreResult.Failed($"Cannot write to the registry at {store.Root}: {e.Message}");
        }
    }

    public async Task<PushOutcome> PushAsync(string model, string target, IProgress<PushProgress>? progress, CancellationToken ct)
    {
        if (!OciReference.TryParse(target, out var reference, out var error))
            return new PushOutcome(null, StoreErrorKind.Invalid, error);
        if (!ModelName.TryParse(model, out _, out var nameError))
            return new PushOutcome(null, StoreErrorKind.Invalid, nameError);
        if (store.Find(model) is not { } manifest)
            return new PushOutcome(null, StoreErrorKind.NotFound, $"The model '{model}' is not in the registry.");
        try
        {
            var client = new OciClient(http, settings, reference.Registry);
            var result = await new OciPusher(store, client).PushAsync(manifest, reference, progress, ct).ConfigureAwait(false);
            return new PushOutcome(result, StoreErrorKind.None, null);
        }
        catch (OciException e)
        {
            var r = ToStoreResult(e);
            return new PushOutcome(null, r.Kind, r.Error);
        }
        catch (IOException e)
        {
            return new PushOutcome(null, StoreErrorKind.Failed, $"Reading the model's files failed: {e.Message}");
        }
    }

    /// <summary>The digest of the manifest <paramref name="source"/> names now (a tag's current target).</summary>
    public async Task<(string? Digest, StoreErrorKind Kind, string? Error)> ResolveAsync(string source, CancellationToken ct)
    {
        if (!OciReference.TryParse(source, out var reference, out var error))
            return (null, StoreErrorKind.Invalid, error);
        try
        {
            var (_, _, digest) = await new OciClient(http, settings, reference.Registry).GetManifestAsync(reference.Repository, reference.Reference, ct).ConfigureAwait(false);
            return (digest, StoreErrorKind.None, null);
        }
        catch (OciException e)
        {
            var r = ToStoreResult(e);
            return (null, r.Kind, r.Error);
        }
    }

    /// <summary>
    /// Signs what <paramref name="target"/> names in its registry with the ECDSA P-256 key in
    /// <paramref name="keyFile"/>, in cosign's format; returns the manifest digest signed.
    /// </summary>
    public async Task<(string? Digest, StoreErrorKind Kind, string? Error)> SignAsync(string target, string keyFile, CancellationToken ct)
    {
        if (!OciReference.TryParse(target, out var reference, out var error))
            return (null, StoreErrorKind.Invalid, error);
        System.Security.Cryptography.ECDsa key;
        try
        {
            key = Signing.SigningKeys.ReadPrivateKeyFile(keyFile);
        }
        catch (Signing.SigningKeyException e)
        {
            return (null, StoreErrorKind.Invalid, e.Message);
        }
        using (key)
        {
            try
            {
                var client = new OciClient(http, settings, reference.Registry);
                return (await OciSignatures.SignAsync(client, reference, key, ct).ConfigureAwait(false), StoreErrorKind.None, null);
            }
            catch (OciException e)
            {
                var r = ToStoreResult(e);
                return (null, r.Kind, r.Error);
            }
        }
    }

    /// <summary>Checks the credential against the registry (GET /v2/), then stores it in MicroAI's login file.</summary>
    public async Task<StoreResult> LoginAsync(string registry, RegistryCredential credential, CancellationToken ct)
    {
        var host = DockerConfigFile.NormalizeHost(registry.StartsWith(OciReference.Scheme, StringComparison.OrdinalIgnoreCase) ? registry[OciReference.Scheme.Length..] : registry);
        if (!OciReference.TryParse(host + "/x", out _, out var error))
            return StoreResult.Invalid(error.Replace(host + "/x", host, StringComparison.Ordinal));
        try
        {
            await new OciClient(http, settings, host, credential).PingAsync(ct).ConfigureAwait(false);
        }
        catch (OciException e)
        {
            return ToStoreResult(e);
        }
        try
        {
            settings.Logins.Save(host, credential);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return StoreResult.Failed($"Cannot write {settings.Logins.Path}: {e.Message}");
        }
        return StoreResult.Ok(null);
    }

    /// <summary>registry/models/llama3:8b → "models/llama3:8b" (the last three parts, as a local name allows).</summary>
    public static string SuggestName(OciReference reference)
    {
        var parts = reference.Repository.Split('/');
        var name = string.Join('/', parts.Skip(Math.Max(0, parts.Length - ModelName.MaxSegments)));
        return ModelName.TryParse($"{name}:{reference.Tag}", out var ok, out _) ? ok.ToString() : name;
    }

    private static StoreResult ToStoreResult(OciException e) => e.Failure switch
    {
        OciFailure.NotFound => StoreResult.NotFound(e.Message),
        OciFailure.Invalid => StoreResult.Invalid(e.Message),
        OciFailure.Unauthorized or OciFailure.Upstream => StoreResult.Upstream(e.Message),
        _ => StoreResult.Failed(e.Message),
    };
}
