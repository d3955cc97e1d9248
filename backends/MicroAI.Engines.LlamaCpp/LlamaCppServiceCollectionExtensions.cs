using MicroAI.Engines.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace MicroAI.Engines.LlamaCpp;

public static class LlamaCppServiceCollectionExtensions
{
    public static IServiceCollection AddLlamaCppEngine(this IServiceCollection services) =>
        services.AddSingleton<IModelEngine, LlamaCppEngine>();
}
