using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Models;
using MicroAI.ModelRegistry;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Hosting;

/// <summary>
/// At start: prints what the server found (engine, devices, models) and loads the default model so
/// the first request does not pay for it. With no model at all it says how to add one.
/// </summary>
internal sealed class DefaultModelLoader(
    IModelHost host,
    IModelCatalog catalog,
    ServerReadiness readiness,
    IOptions<ModelRegistryOptions> registryOptions,
    IEnumerable<IModelEngine> engines,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("MicroAI.Server.Startup");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        foreach (var warning in catalog.Warnings)
            _logger.LogWarning("Configuration: {Warning}", warning);

        // A default model that was asked for but cannot be found is an error, not an empty server.
        if (!string.IsNullOrWhiteSpace(registryOptions.Value.DefaultModel) && catalog.DefaultModelId is null)
        {
            var problem = catalog.Warnings.FirstOrDefault(w => w.StartsWith("DefaultModel", StringComparison.Ordinal))
                ?? $"DefaultModel '{registryOptions.Value.DefaultModel}' was not found.";
            _logger.LogError("{Problem} /health answers 503 until the configuration is fixed.", problem);
            readiness.MarkFailed(problem);
            return;
        }

        // The devices are reported even with no model yet, so a container's log says at once
        // whether the GPU was seen.
        foreach (var engine in engines)
        {
            try
            {
                if (engine.Start() is { } started)
                    _logger.LogInformation("{Engine}", started);
            }
            catch (EngineUnavailableException ex)
            {
                _logger.LogError("The {Engine} engine could not start: {Reason}", engine.Name, ex.Message);
                readiness.MarkFailed(ex.Message);
                return;
            }
        }

        var models = catalog.List();
        if (models.Count == 0)
        {
            _logger.LogWarning(
                "No models found. Add one: start with --MicroAI:DefaultModel=/path/to/model.gguf " +
                "(or the environment variable MicroAI__DefaultModel), or copy .gguf files into {ModelsDirectory}.",
                registryOptions.Value.ResolveModelsDirectory());
            readiness.MarkReady();
            return;
        }
        _logger.LogInformation("Models: {Models}", string.Join(", ", models.Select(m => m.Id)));

        if (catalog.DefaultModelId is not { } id)
        {
            readiness.MarkReady();
            return;
        }
        var lookup = await host.GetTextModelAsync(id, stoppingToken);
        if (lookup.Model is null)
        {
            _logger.LogError("The default model {Model} could not be loaded: {Reason}", id, lookup.Message);
            readiness.MarkFailed(lookup.Message ?? "The default model could not be loaded.");
            return;
        }
        readiness.MarkReady();
    }
}
