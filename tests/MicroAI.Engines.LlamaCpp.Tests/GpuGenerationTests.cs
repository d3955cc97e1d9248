using MicroAI.Engines.Abstractions;
using MicroAI.Tests.Shared;

namespace MicroAI.Engines.LlamaCpp.Tests;

/// <summary>Runs only where a GPU backend (CUDA, Vulkan, Metal) is present: build with -p:LlamaVariant=cuda|vulkan|metal.</summary>
public sealed class GpuGenerationTests
{
    [GpuFact]
    public async Task A_model_offloaded_to_the_gpu_gives_the_recorded_greedy_text()
    {
        var settings = new ModelLoadSettings(-1, null, "auto", 64L << 20);
        var placement = DevicePlacement.Choose(LlamaRuntime.Devices, settings);
        Assert.NotNull(placement.Device);
        using var model = LlamaModel.Load(LlamaTestRuntime.Entry(TestPaths.Stories260K), settings, placement,
            LlamaTestRuntime.Logs.CreateLogger("MicroAI.LlamaCpp.Tests"));
        await using var scheduler = SchedulerFactory.Create(model, slots: 1);

        var (text, _) = await LlamaGenerationTests.GenerateAsync(scheduler, LlamaGenerationTests.Greedy("Once upon a time"));

        Assert.Equal(TestPaths.OnceUponATimeGreedy, text);
    }
}
