using MicroAI.Engines.Abstractions;
using MicroAI.ModelRegistry;
using MicroAI.ModelRegistry.Oci;
using MicroAI.ModelRegistry.Sources;
using MicroAI.ModelRegistry.Store;
using MicroAI.Runtime.Models;
using MicroAI.Server.Management;
using MicroAI.Server.Observability;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Fleet;

/// <summary>
/// Keeps models that follow a registry tag (MicroAI:Models:ID:Follow) current. Per model, every
/// FollowInterval plus up to FollowJitter: resolve the tag; when it names a new digest, pull that
/// digest (only the chunks this box lacks; digests and the trust policy checked by the pull) as
/// ID:sha256-HEX12, load it and run a smoke generation, then retag it ID:latest. The host sees the
/// new file on the next request and swaps versions without failing one (ModelHost). Any failure
/// leaves the serving version alone, is recorded in the model's state and retried with backoff.
/// The last KeepVersions versions stay for `microai rollback`.
/// </summary>
internal sealed partial class ModelFollower(
    IModelCatalog catalog,
    IModelHost host,
    IConfiguration configuration,
    IOptions<ModelRegistryOptions> registryOptions,
    MicroAIMetrics metrics,
    ILogger<ModelFollower> logger) : BackgroundService
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(5);

    /// <summary>Backoff after a failure doubles up to this: an hour keeps a broken tag from hammering the registry.</summary>
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    private const int DefaultKeepVersions = 3;

    /// <summary>One update at a time per server: two models swapping at once would need both new versions in memory beside the old.</summary>
    private readonly SemaphoreSlim _updating = new(1, 1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var followed = registryOptions.Value.Models.Where(m => !string.IsNullOrWhiteSpace(m.Value.Follow)).ToList();
        return Task.WhenAll(followed.Select(m => FollowAsync(m.Key.ToLowerInvariant(), m.Value, stoppingToken)));
    }

    private async Task FollowAsync(string id, ModelSettings settings, CancellationToken ct)
    {
        var interval = Duration(settings.FollowInterval, DefaultInterval, id, "FollowInterval");
        var jitter = Duration(settings.FollowJitter, interval / 10, id, "FollowJitter");
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            bool ok;
            await _updating.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                ok = await CheckAsync(id, settings, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            finally
            {
                _updating.Release();
            }
            failures = ok ? 0 : failures + 1;
            // Backoff: the interval, doubled per failure in a row, up to MaxBackoff (or the interval, if longer).
            var wait = ok ? interval : TimeSpan.FromTicks(Math.Max(interval.Ticks, Math.Min(MaxBackoff.Ticks, interval.Ticks * (1L << Math.Min(failures - 1, 20)))));
            wait += TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * jitter.Ticks));
            try
            {
                await Task.Delay(wait, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One check; false when it failed (and was recorded).</summary>
    internal async Task<bool> CheckAsync(string id, ModelSettings settings, CancellationToken ct)
    {
        var reference = settings.Follow!.Trim();
        var data = registryOptions.Value.ResolveDataDirectory();
        var statePath = FollowState.PathOf(data, id);
        var state = FollowState.Load(statePath) ?? new FollowState { Reference = reference };
        if (state.Reference != reference)
            state = state with { Reference = reference, RolledBackFrom = null };
        var store = catalog.Store;
        using var transfer = new ThrottledHandler(settings.FollowBandwidth ?? 0, new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(30) });
        using var http = HttpBlobDownloader.CreateHttpClient(_ => transfer);
        var registry = new OciRegistry(store, http, OciConfiguration.From(configuration, registryOptions.Value));
        metrics.UpdateChecks.Add(1, new KeyValuePair<string, object?>("model", id));

        var (digest, _, resolveError) = await registry.ResolveAsync(reference, ct).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        if (digest is null)
            return Fail(state with { LastCheck = now }, statePath, id, $"Checking {reference} failed: {resolveError}");
        var serving = store.Find($"{id}:latest") is { } latest ? state.Versions.LastOrDefault(v => store.Find(v.Tag)?.MainFile?.Digest == latest.MainFile?.Digest)?.Digest : null;
        // Read again after looking at what serves: `microai rollback` writes the state before it retags, so a
        // rollback seen in the registry is seen here too.
        state = FollowState.Load(statePath) is { } current && current.Reference == reference ? current : state;
        if (digest == serving || digest == state.RolledBackFrom)
        {
            // Up to date, or the version rolled back from: nothing to do until the tag moves on. Read
            // again before writing, so a `microai rollback` that ran meanwhile is not overwritten.
            var fresh = FollowState.Load(statePath) ?? state;
            (fresh with { LastCheck = now, LastError = null }).Save(statePath);
            return true;
        }

        if (digest == state.FailedDigest)
        {
            // Known bad (it did not load or answer): the old version serves on, the error stays shown.
            (state with { LastCheck = now }).Save(statePath);
            return false;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var versionTag = $"{id}:{VersionTag(digest)}";
        Log.Updating(logger, id, reference, digest);
        var pulled = await registry.PullAsync(new PullRequest(ReferenceAt(reference, digest), versionTag, digest), null, ct).ConfigureAwait(false);
        metrics.UpdateBytes.Add(transfer.BytesRead, new KeyValuePair<string, object?>("model", id));
        if (!pulled.Success)
            return Fail(state with { LastCheck = now }, statePath, id, $"Pulling {reference} ({digest}) failed: {pulled.Error}");

        if (await SmokeTestAsync(versionTag, ct).ConfigureAwait(false) is { } smokeError)
        {
            await store.RemoveAsync(versionTag, CancellationToken.None).ConfigureAwait(false);
            return Fail(state with { LastCheck = now, FailedDigest = digest }, statePath, id, $"The new version {digest} of {reference} failed its smoke test: {smokeError}");
        }
        var tagged = await store.TagAsync(versionTag, $"{id}:latest", CancellationToken.None).ConfigureAwait(false);
        if (!tagged.Success)
            return Fail(state with { LastCheck = now }, statePath, id, $"Switching to {digest} failed: {tagged.Error}");

        var versions = state.Versions.Where(v => v.Digest != digest).Append(new FollowVersion(digest, versionTag, DateTimeOffset.UtcNow)).ToList();
        var keep = Math.Max(1, settings.KeepVersions ?? DefaultKeepVersions);
        foreach (var old in versions.Take(Math.Max(0, versions.Count - keep)).ToList())
        {
            await store.RemoveAsync(old.Tag, CancellationToken.None).ConfigureAwait(false);
            versions.Remove(old);
        }
        (state with { CurrentDigest = digest, Versions = versions, LastCheck = now, LastError = null, LastErrorAt = null, RolledBackFrom = null, FailedDigest = null }).Save(statePath);
        metrics.Updates.Add(1, new KeyValuePair<string, object?>("model", id), new KeyValuePair<string, object?>("result", "applied"));
        Log.Updated(logger, id, digest, transfer.BytesRead, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        return true;
    }

    /// <summary>Loads the pulled version under its own name and, for a text model, generates a few tokens; null when it works.</summary>
    private async Task<string?> SmokeTestAsync(string versionTag, CancellationToken ct)
    {
        var entry = catalog.Find(versionTag);
        if (entry is null)
            return "the pulled model is not in the registry";
        try
        {
            if (entry.Has(ModelCapability.Completion))
            {
                var lookup = await host.GetTextModelAsync(versionTag, ct).ConfigureAwait(false);
                if (lookup.Model is not { } model)
                    return lookup.Message;
                using (lookup.Lease)
                {
                    var request = new GenerateRequest
                    {
                        Prompt = PromptInput.FromText("Hello"),
                        MaxTokens = 4,
                        Sampling = SamplingParameters.Default with { Temperature = 0 },
                        TimeLimit = TimeSpan.FromSeconds(60),
                    };
                    var submitted = model.Submit(request, ct);
                    if (submitted.Error is { } refused)
                        return refused.Message;
                    await foreach (var e in submitted.Stream!.ReadAllAsync(ct).ConfigureAwait(false))
                    {
                        if (e.Kind == GenerationEventKind.Failed)
                            return e.Error?.Message ?? "the generation failed";
                    }
                }
            }
            else if (ModelCapability.All.FirstOrDefault(entry.Has) is { } capability)
            {
                var lookup = await host.GetInferenceModelAsync(versionTag, capability, null, ct).ConfigureAwait(false);
                if (lookup.Model is null)
                    return lookup.Message;
                lookup.Lease.Dispose();
            }
            else
            {
                return "no engine capability was recognised in it, so it would serve nothing";
            }
            return null;
        }
        finally
        {
            await host.UnloadAsync(versionTag).ConfigureAwait(false);
        }
    }

    private bool Fail(FollowState state, string statePath, string id, string error)
    {
        Log.UpdateFailed(logger, id, error);
        (state with { LastError = error, LastErrorAt = DateTimeOffset.UtcNow }).Save(statePath);
        metrics.Updates.Add(1, new KeyValuePair<string, object?>("model", id), new KeyValuePair<string, object?>("result", "failed"));
        return false;
    }

    /// <summary>sha256:HEX → "sha256-HEX12": a valid tag, unique enough within one model's few kept versions.</summary>
    internal static string VersionTag(string digest) => "sha256-" + digest["sha256:".Length..][..12];

    /// <summary>The followed reference pinned to <paramref name="digest"/>, so the tag moving again mid-pull changes nothing.</summary>
    private static string ReferenceAt(string reference, string digest)
    {
        var parsed = OciReference.Parse(reference);
        return $"{parsed.Registry}/{parsed.Repository}@{digest}";
    }

    private TimeSpan Duration(string? text, TimeSpan fallback, string id, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        if (KeepAlive.TryParse(text, out var value) && value > TimeSpan.Zero && value != KeepAlive.Forever)
            return value;
        Log.BadDuration(logger, id, name, text, fallback.TotalSeconds);
        return fallback;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Model {Model}: {Reference} now names {Digest}; updating.")]
        public static partial void Updating(ILogger logger, string model, string reference, string digest);

        [LoggerMessage(2, LogLevel.Information, "Model {Model}: now serving {Digest} ({Bytes} bytes downloaded, {Seconds:F1} s from the check to the switch).")]
        public static partial void Updated(ILogger logger, string model, string digest, long bytes, double seconds);

        [LoggerMessage(3, LogLevel.Warning, "Model {Model}: the update failed and the current version keeps serving: {Error}")]
        public static partial void UpdateFailed(ILogger logger, string model, string error);

        [LoggerMessage(4, LogLevel.Warning, "Model {Model}: {Setting} '{Value}' is not a duration like 30s or 5m; using {Seconds} s.")]
        public static partial void BadDuration(ILogger logger, string model, string setting, string value, double seconds);
    }
}
