namespace MicroAI.Engines.LlamaCpp.Tests;

/// <summary>A test that needs a GPU device found by ggml; skipped, with the reason, where there is none.</summary>
public sealed class GpuFactAttribute : FactAttribute
{
    public GpuFactAttribute()
    {
        LlamaTestRuntime.EnsureInitialised();
        if (!LlamaRuntime.Devices.Any(d => d.IsGpu))
            Skip = $"No GPU device: ggml found only {string.Join(", ", LlamaRuntime.Devices.Select(d => d.Name))} with the natives in this build (LlamaVariant=cpu, or no driver).";
    }
}
