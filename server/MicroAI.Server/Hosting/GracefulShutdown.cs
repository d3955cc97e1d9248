using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Models;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Hosting;

/// <summary>
/// Orderly stop: from the moment the host begins stopping, new requests get a 503 in OpenAI's
/// shape (and the connection closes); requests already running go on for up to
/// <see cref="ShutdownOptions.DrainAfter"/>, after which every generation still running ends with a
/// "shutting down" error event, so no client is cut off mid-event when Kestrel aborts its
/// connections at the host's <see cref="HostOptions.ShutdownTimeout"/>.
/// </summary>
internal static class GracefulShutdown
{
    public static IServiceCollection AddGracefulShutdown(this IServiceCollection services, IConfiguration microAISection)
    {
        services.Configure<ShutdownOptions>(microAISection);
        services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) => host.ShutdownTimeout = shutdown.Value.Timeout);
        services.AddHostedService<GenerationDrain>();
        return services;
    }

    /// <summary>503 for every request that arrives once the host is stopping.</summary>
    public static IApplicationBuilder UseShutdownGate(this IApplicationBuilder app)
    {
        var stopping = app.ApplicationServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        return app.Use(async (context, next) =>
        {
            if (!stopping.IsCancellationRequested)
            {
                await next(context);
                return;
            }
            context.Response.Headers.Connection = "close";
            context.Response.Headers.RetryAfter = "5";
            await OpenAI.ApiError.Unavailable("The server is shutting down; retry on another instance or once it is back.")
                .WriteResponseAsync(context.Response);
        });
    }
}

/// <summary>Stops every model's generations at the drain deadline, once the host is stopping.</summary>
internal sealed class GenerationDrain(IHostApplicationLifetime lifetime, IModelHost host, IOptions<ShutdownOptions> options, TimeProvider time,
    ILoggerFactory logs) : IHostedService, IDisposable
{
    private readonly ILogger _logger = logs.CreateLogger("MicroAI.Server.Shutdown");
    private CancellationTokenRegistration _registration;
    private ITimer? _timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.Register(() =>
            _timer = time.CreateTimer(_ => Drain(), null, options.Value.DrainAfter, Timeout.InfiniteTimeSpan));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Drain()
    {
        var busy = host.Loaded.OfType<LoadedTextModel>().Where(m => m.Scheduler.Stats is { ActiveSequences: > 0 } or { QueuedRequests: > 0 }).ToList();
        if (busy.Count == 0)
            return;
        _logger.LogWarning("Shutdown deadline: stopping {Count} generations still running after {Seconds:0.#} s.",
            busy.Sum(m => m.Scheduler.Stats.ActiveSequences + m.Scheduler.Stats.QueuedRequests), options.Value.DrainAfter.TotalSeconds);
        var reason = new GenerationError(GenerationErrorCode.ShuttingDown, "The server is shutting down; this generation was stopped before it finished.");
        foreach (var model in busy)
            model.Scheduler.Stop(reason);
    }

    public void Dispose()
    {
        _registration.Dispose();
        _timer?.Dispose();
    }
}
