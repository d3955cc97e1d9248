using MicroAI.Engines.Abstractions;
using MicroAI.Engines.Evaluation;
using MicroAI.Engines.LlamaCpp.Evaluation;
using MicroAI.Engines.LlamaCpp.Quantization;
using MicroAI.Engines.Quantization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MicroAI.Engines.LlamaCpp;

public static class LlamaCppServiceCollectionExtensions
{
    /// <summary>The engine, and the quantizer and evaluator that work on GGUF files with it (they need an IModelCatalog).</summary>
    public static IServiceCollection AddLlamaCppEngine(this IServiceCollection services)
    {
        services.AddSingleton<IModelEngine, LlamaCppEngine>();
        services.TryAddSingleton<IModelQuantizer, LlamaModelQuantizer>();
        services.TryAddSingleton<IModelEvaluator, LlamaModelEvaluator>();
        return services;
    }
}
