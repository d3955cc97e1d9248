using MicroAI.Runtime.Models;
using MicroAI.ModelRegistry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MicroAI.Runtime;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers the model catalog and host; engines register themselves as IModelEngine.</summary>
    public static IServiceCollection AddMicroAIRuntime(this IServiceCollection services)
    {
        services.TryAddSingleton<IModelCatalog, ModelCatalog>();
        services.TryAddSingleton<IModelHost, ModelHost>();
        return services;
    }
}
