using MicroAI.Tests.Shared;

namespace MicroAI.Engines.Onnx.Tests;

/// <summary>
/// The shared environment and model paths for the tests. ONNX Runtime has one environment per process
/// and keeps the logger of the first one, so every test reaches it through here.
/// </summary>
internal static class OnnxTestRuntime
{
    public static CapturingLoggerFactory Logs { get; } = new();

    public static OnnxRuntimeEnvironment Environment => OnnxRuntimeEnvironment.Shared(null, Logs);

    public static string MnistModel => Path.Combine(TestPaths.MnistFolder, "mnist.onnx");

    public static string SqueezeNetModel => Path.Combine(TestPaths.SqueezeNetFolder, "SqueezeNet_fp16.onnx");

    public static string MagikaModel => Path.Combine(TestPaths.MagikaFolder, "model.onnx");

    public static OnnxSession Open(string modelPath, string executionProvider = "cpu") =>
        Environment.OpenSession(modelPath, new OnnxRuntimeOptions { ExecutionProvider = executionProvider });

    /// <summary>A 28×28 white-on-black "1": a vertical stroke three pixels wide down the middle.</summary>
    public static float[] MnistOne()
    {
        var pixels = new float[28 * 28];
        for (var y = 4; y < 24; y++)
            for (var x = 13; x < 16; x++)
                pixels[y * 28 + x] = 255f;
        return pixels;
    }

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }

    /// <summary>A fresh temporary folder, removed by the caller.</summary>
    public static string TempFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "microai-onnx-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
