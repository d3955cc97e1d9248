using MicroAI.Engines.Abstractions;

namespace MicroAI.Engines.LlamaCpp.Tests;

/// <summary>Device choice from the devices ggml reports (GPU lists here are made up: this machine has none).</summary>
public sealed class DevicePlacementTests
{
    private const ulong GiB = 1UL << 30;
    private static readonly LlamaDevice s_cpu = new("CPU", "AMD EPYC", "cpu", 20 * GiB, 24 * GiB);
    private static readonly LlamaDevice s_small = new("CUDA0", "RTX 3050", "gpu", 3 * GiB, 4 * GiB);
    private static readonly LlamaDevice s_big = new("CUDA1", "RTX 4090", "gpu", 20 * GiB, 24 * GiB);

    private static ModelLoadSettings Settings(string? device = "auto", long estimate = (long)(2 * GiB), int layers = -1) =>
        new(layers, null, device, estimate);

    [Fact]
    public void Auto_takes_the_gpu_with_the_most_free_memory_when_the_model_fits()
    {
        var p = DevicePlacement.Choose([s_cpu, s_small, s_big], Settings());
        Assert.Equal("CUDA1", p.Device?.Name);
        Assert.Equal(-1, p.GpuLayers);
    }

    [Fact]
    public void Auto_falls_back_to_the_cpu_when_no_gpu_has_room()
    {
        var p = DevicePlacement.Choose([s_cpu, s_small], Settings(estimate: (long)(8 * GiB)));
        Assert.Null(p.Device);
        Assert.Equal(0, p.GpuLayers);
        Assert.Contains("CUDA0", p.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_with_configured_layers_offloads_them_even_if_the_whole_model_does_not_fit()
    {
        var p = DevicePlacement.Choose([s_cpu, s_small], Settings(estimate: (long)(8 * GiB), layers: 10));
        Assert.Equal("CUDA0", p.Device?.Name);
        Assert.Equal(10, p.GpuLayers);
    }

    [Fact]
    public void Auto_offloads_the_layers_that_fit_when_the_whole_model_does_not()
    {
        // 8 GiB over 31 + 1 layers = 256 MiB each; 90% of the small GPU's free memory holds that many.
        var p = DevicePlacement.Choose([s_cpu, s_small], new ModelLoadSettings(-1, null, "auto", (long)(8 * GiB), LayerCount: 31));
        var expected = (int)((long)(s_small.FreeBytes * 0.9) / ((long)(8 * GiB) / 32));
        Assert.Equal("CUDA0", p.Device?.Name);
        Assert.Equal(expected, p.GpuLayers);
        Assert.InRange(p.GpuLayers, 1, 30);
        Assert.Contains($"{expected} of 31 layers", p.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, 32, 1UL << 30, 0)]
    [InlineData(1L << 30, 0, 1UL << 30, 0)]
    [InlineData(33L << 20, 32, 10UL << 20, 9)]
    [InlineData(33L << 20, 32, 1UL << 40, 32)]
    [InlineData(33L << 30, 32, 512UL << 20, 0)]
    public void Layers_that_fit_keep_a_tenth_in_reserve_and_never_exceed_the_model(long estimate, int layers, ulong free, int expected) =>
        Assert.Equal(expected, DevicePlacement.LayersThatFit(estimate, layers, free));

    [Fact]
    public void Without_a_gpu_everything_stays_on_the_cpu()
    {
        var p = DevicePlacement.Choose([s_cpu], Settings());
        Assert.Null(p.Device);
        Assert.Equal(0, p.GpuLayers);
        Assert.Equal("no GPU device found", p.Reason);
    }

    [Theory]
    [InlineData("cpu", -1)]
    [InlineData("auto", 0)]
    public void Cpu_or_zero_layers_means_no_offload(string device, int layers)
    {
        var p = DevicePlacement.Choose([s_cpu, s_big], Settings(device, layers: layers));
        Assert.Null(p.Device);
        Assert.Equal(0, p.GpuLayers);
    }

    [Fact]
    public void A_named_device_is_used_and_an_unknown_one_is_a_clear_error()
    {
        Assert.Equal("CUDA0", DevicePlacement.Choose([s_cpu, s_small, s_big], Settings("cuda0")).Device?.Name);

        var ex = Assert.Throws<ModelLoadException>(() => DevicePlacement.Choose([s_cpu], Settings("Vulkan0")));
        Assert.Contains("Device 'Vulkan0' was not found", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CPU", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_devices_of_this_machine_place_models_on_the_cpu()
    {
        LlamaTestRuntime.LoadStories().Dispose(); // initialises the runtime
        var p = DevicePlacement.Choose(LlamaRuntime.Devices, Settings());
        Assert.Contains(LlamaRuntime.Devices, d => d.Type == "cpu");
        if (!LlamaRuntime.Devices.Any(d => d.IsGpu))
            Assert.Null(p.Device);
    }
}
