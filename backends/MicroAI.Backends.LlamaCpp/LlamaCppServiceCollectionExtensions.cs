using MicroAI.Backends.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace MicroAI.Backends.LlamaCpp;

public static class LlamaCppServiceCollectionExtensions
{
    public static IServiceCollection AddLlamaCppEngine(this IServiceCollection services) =>
        services.AddSingleton<IModelEngine, LlamaCppEngine>();
}
