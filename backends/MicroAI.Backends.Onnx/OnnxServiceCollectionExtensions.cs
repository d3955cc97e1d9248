using MicroAI.Backends.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace MicroAI.Backends.Onnx;

public static class OnnxServiceCollectionExtensions
{
    /// <summary>Registers the ONNX Runtime engine; the host binds <see cref="OnnxRuntimeOptions"/> (MicroAI:Onnx).</summary>
    public static IServiceCollection AddOnnxEngine(this IServiceCollection services) =>
        services.AddSingleton<IModelEngine, OnnxEngine>();
}
