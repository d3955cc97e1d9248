using MicroAI.Engines.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace MicroAI.Engines.Onnx;

public static class OnnxServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ONNX Runtime engine with its options; <paramref name="configure"/> fills them,
    /// in the server from the section <see cref="OnnxRuntimeOptions.SectionName"/>.
    /// </summary>
    public static IServiceCollection AddOnnxEngine(this IServiceCollection services, Action<OnnxRuntimeOptions>? configure = null)
    {
        if (configure is not null)
            services.Configure(configure);
        return services.AddSingleton<IModelEngine, OnnxEngine>();
    }
}
