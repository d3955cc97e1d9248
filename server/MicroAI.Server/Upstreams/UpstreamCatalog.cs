using MicroAI.ModelRegistry;
using MicroAI.Server.Upstreams.Routing;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Upstreams;

/// <summary>
/// The configured upstreams (<c>MicroAI:Upstreams</c>) and the models they offer: listed from each
/// upstream's <c>/models</c> at start and every <see cref="UpstreamOptions.RefreshSeconds"/>, or given
/// in configuration, plus the aliases of <c>Models:{id}:Upstream</c>. With <c>MicroAI:LocalOnly</c>
/// nothing is listed or forwarded: the box does not talk to its upstreams at all.
/// </summary>
internal sealed partial class UpstreamCatalog : BackgroundService
{
    private readonly Dictionary<string, Upstream> _upstreams = new(StringComparer.OrdinalIgnoreCase);
    private readonly IOptionsMonitor<ModelRegistryOptions> _registry;
    private readonly TimeProvider _time;
    private readonly ILogger<UpstreamCatalog> _log;

    public UpstreamCatalog(IConfiguration configuration, IOptionsMonitor<ModelRegistryOptions> registry, TimeProvider time, ILogger<UpstreamCatalog> log)
    {
        (_registry, _time, _log) = (registry, time, log);
        LocalOnly = configuration.GetValue<bool>("MicroAI:LocalOnly");
        foreach (var (name, options) in Configured(configuration))
            _upstreams[name] = new Upstream(name, options, time);
    }

    /// <summary>The whole server is local-only: no request ever leaves it.</summary>
    public bool LocalOnly { get; }

    public IReadOnlyCollection<Upstream> All => _upstreams.Values;

    /// <summary>Where a model's requests go when forwarded: its configured alias, else the first upstream (by name) that lists it.</summary>
    public UpstreamRoute? Find(string model)
    {
        if (LocalOnly || _upstreams.Count == 0)
            return null;
        if (Settings(model) is { Upstream: { Length: > 0 } name } settings)
            return _upstreams.TryGetValue(name, out var configured) ? new UpstreamRoute(configured, settings.UpstreamModel ?? model, settings) : null;
        foreach (var upstream in _upstreams.Values.OrderBy(u => u.Name, StringComparer.Ordinal))
        {
            if (upstream.Offers(model))
                return new UpstreamRoute(upstream, model, null);
        }
        return null;
    }

    /// <summary>Every model id this server can forward, with where it goes (aliases first, then each upstream's own list).</summary>
    public IEnumerable<(string Id, UpstreamRoute Route)> Offered()
    {
        if (LocalOnly)
            yield break;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (id, settings) in _registry.CurrentValue.Models)
        {
            if (settings.Upstream is { Length: > 0 } && Find(id) is { } route && seen.Add(id))
                yield return (id, route);
        }
        foreach (var upstream in _upstreams.Values.OrderBy(u => u.Name, StringComparer.Ordinal))
        {
            foreach (var m in upstream.Models)
            {
                if (seen.Add(m.Id))
                    yield return (m.Id, new UpstreamRoute(upstream, m.Id, null));
            }
        }
    }

    public ModelSettings? Settings(string model) =>
        _registry.CurrentValue.Models.TryGetValue(model, out var s) ? s : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_upstreams.Count == 0)
            return;
        if (LocalOnly)
        {
            LogLocalOnly(_log, _upstreams.Count);
            return;
        }
        await Task.WhenAll(_upstreams.Values.Select(u => RefreshLoopAsync(u, stoppingToken)));
    }

    private async Task RefreshLoopAsync(Upstream upstream, CancellationToken ct)
    {
        if (upstream.Explicit)
        {
            LogConfigured(_log, upstream.Name, upstream.DisplayUrl, upstream.Models.Count);
            return;
        }
        var period = TimeSpan.FromSeconds(upstream.Options.RefreshSeconds);
        while (!ct.IsCancellationRequested)
        {
            var (before, count, first) = (upstream.ListError, upstream.Models.Count, upstream.ListedAt is null);
            await upstream.RefreshAsync(_time, ct);
            if (upstream.ListError is { } error)
            {
                if (error != before)
                    LogListFailed(_log, upstream.Name, upstream.DisplayUrl, error);
            }
            else if (first || before is not null || upstream.Models.Count != count)
            {
                LogListed(_log, upstream.Name, upstream.DisplayUrl, upstream.Models.Count);
            }
            try
            {
                await Task.Delay(period, _time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The configured upstreams by name (a section without BaseUrl is a mistake Validate reports).</summary>
    private static IEnumerable<(string Name, UpstreamOptions Options)> Configured(IConfiguration configuration)
    {
        foreach (var section in configuration.GetSection(UpstreamOptions.SectionName).GetChildren())
        {
            var options = section.Get<UpstreamOptions>() ?? new UpstreamOptions();
            if (!options.Validate(section.Key).Any())
                yield return (section.Key, options);
        }
    }

    /// <summary>Every problem of the upstream and routing configuration, for the start-up check.</summary>
    public static IEnumerable<string> Validate(IConfiguration configuration)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in configuration.GetSection(UpstreamOptions.SectionName).GetChildren())
        {
            names.Add(section.Key);
            var options = section.Get<UpstreamOptions>() ?? new UpstreamOptions();
            foreach (var problem in options.Validate(section.Key))
                yield return problem;
        }
        foreach (var model in configuration.GetSection("MicroAI:Models").GetChildren())
        {
            var upstream = model["Upstream"];
            var policy = model["Policy"];
            if (!string.IsNullOrEmpty(upstream) && !names.Contains(upstream))
                yield return $"MicroAI:Models:{model.Key}:Upstream names '{upstream}', which is not under {UpstreamOptions.SectionName} (configured: {(names.Count == 0 ? "none" : string.Join(", ", names))}).";
            if (!string.IsNullOrEmpty(policy) && RoutingPolicies.Find(policy) is null)
                yield return $"MicroAI:Models:{model.Key}:Policy is '{policy}'; use one of {string.Join(", ", RoutingPolicies.Names)}.";
            if (!string.IsNullOrEmpty(policy) && string.IsNullOrEmpty(upstream) && RoutingPolicies.Find(policy) is { Name: "upstream-first" or "local-first" or "upstream" })
                yield return $"MicroAI:Models:{model.Key}:Policy '{policy}' needs MicroAI:Models:{model.Key}:Upstream.";
            if (double.TryParse(model["OverflowWaitSeconds"], System.Globalization.CultureInfo.InvariantCulture, out var wait) && wait < 0)
                yield return $"MicroAI:Models:{model.Key}:OverflowWaitSeconds must be 0 or more.";
        }
    }

    public override void Dispose()
    {
        foreach (var u in _upstreams.Values)
            u.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream {Name} ({BaseUrl}) offers {Count} model(s).")]
    private static partial void LogListed(ILogger logger, string name, string baseUrl, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream {Name} ({BaseUrl}) offers {Count} configured model(s).")]
    private static partial void LogConfigured(ILogger logger, string name, string baseUrl, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream {Name} ({BaseUrl}): {Error}; its models stay as last listed.")]
    private static partial void LogListFailed(ILogger logger, string name, string baseUrl, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MicroAI:LocalOnly is set: the {Count} configured upstream(s) are neither listed nor forwarded to.")]
    private static partial void LogLocalOnly(ILogger logger, int count);
}

/// <summary>Where a forwarded request goes: the upstream, the model's id there, and the alias's settings (null for a listed model).</summary>
internal sealed record UpstreamRoute(Upstream Upstream, string Model, ModelSettings? Alias);
