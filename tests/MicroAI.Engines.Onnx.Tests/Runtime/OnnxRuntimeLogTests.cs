using MicroAI.Tests.Shared;
using Microsoft.Extensions.Logging;

namespace MicroAI.Engines.Onnx.Tests;

public sealed class OnnxRuntimeLogTests
{
    [Fact]
    public void Onnx_runtimes_own_warnings_reach_the_shared_environments_logger()
    {
        var dir = OnnxTestRuntime.TempFolder();
        try
        {
            // ONNX Runtime warns about initializers no node uses while it loads the graph.
            var path = new OnnxGraphBuilder()
                .Input("x", OnnxGraphDataType.Float, 2)
                .FloatInitializer("never_used", [1f, 2f], 2)
                .Node("Neg", ["x"], ["y"])
                .Output("y", OnnxGraphDataType.Float, 2)
                .WriteTo(Path.Combine(dir, "unused-initializer.onnx"));

            using var session = OnnxTestRuntime.Open(path);

            Assert.Contains(OnnxTestRuntime.Logs.Entries, static e =>
                e.Category == OnnxRuntimeEnvironment.LogCategory && e.Level == LogLevel.Warning &&
                e.Message.StartsWith("onnxruntime") && e.Message.Contains("never_used"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
