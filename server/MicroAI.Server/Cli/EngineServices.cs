using MicroAI.Engines.Evaluation;
using MicroAI.Engines.Quantization;
using MicroAI.ModelRegistry;
using MicroAI.Runtime;

namespace MicroAI.Server.Cli;

/// <summary>
/// The quantizer and evaluator for commands that work on model files in this process (quantize,
/// eval), over the CLI's registry and the server's engine settings (MicroAI:Threads, GpuLayers,
/// NativeDirectory). llama.cpp's own log goes to stderr, errors only (its loader warns about every model's unset special tokens), so --json stays clean.
/// </summary>
internal sealed class EngineServices : IDisposable
{
    private readonly ServiceProvider _provider;

    public EngineServices(CliContext context)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Error).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddOptions<EngineOptions>().Bind(context.Configuration.GetSection("MicroAI"));
        services.AddSingleton<IModelCatalog>(context.Catalog);
        services.AddEngines(context.Configuration.GetSection("MicroAI"));
        _provider = services.BuildServiceProvider();
    }

    public IModelQuantizer Quantizer => _provider.GetRequiredService<IModelQuantizer>();
    public IModelEvaluator Evaluator => _provider.GetRequiredService<IModelEvaluator>();

    public void Dispose() => _provider.Dispose();
}
