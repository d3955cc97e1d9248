using MicroAI.Engines.Abstractions;

namespace MicroAI.Engines.LlamaCpp;

/// <summary>Where a model goes: one device (null = the CPU) and how many layers to offload to it.</summary>
internal readonly record struct Placement(LlamaDevice? Device, int GpuLayers, string Reason);

/// <summary>
/// Chooses a device for a model from what ggml found. "cpu" keeps everything on the CPU; a device
/// name pins the model to that device; "auto" takes the GPU with the most free memory when the
/// model's estimate (weights + KV cache) fits in it; when it does not, as many layers as fit go to
/// that GPU and the rest stay on the CPU (partial offload, as Ollama does), or exactly the
/// configured number of layers when GpuLayers is set.
/// </summary>
internal static class DevicePlacement
{
    public static Placement Choose(IReadOnlyList<LlamaDevice> devices, ModelLoadSettings settings)
    {
        var requested = string.IsNullOrWhiteSpace(settings.Device) ? "auto" : settings.Device.Trim();
        var gpus = devices.Where(d => d.IsGpu).OrderByDescending(d => d.FreeBytes).ToList();

        if (requested.Equals("cpu", StringComparison.OrdinalIgnoreCase) || settings.GpuLayers == 0)
            return new Placement(null, 0, requested.Equals("cpu", StringComparison.OrdinalIgnoreCase) ? "Device=cpu" : "GpuLayers=0");

        if (!requested.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            var named = devices.FirstOrDefault(d => d.Name.Equals(requested, StringComparison.OrdinalIgnoreCase))
                ?? throw new ModelLoadException($"Device '{requested}' was not found. Devices: {string.Join(", ", devices.Select(d => d.Name))}.");
            return named.IsGpu
                ? new Placement(named, settings.GpuLayers, $"Device={named.Name}")
                : new Placement(null, 0, $"Device={named.Name} (a CPU device)");
        }

        if (gpus.Count == 0)
            return new Placement(null, 0, "no GPU device found");
        var best = gpus[0];
        if ((ulong)Math.Max(settings.EstimatedBytes, 0) <= best.FreeBytes)
            return new Placement(best, settings.GpuLayers, $"fits in {best.Name} ({best.FreeBytes >> 20} MiB free)");
        if (settings.GpuLayers > 0)
            return new Placement(best, settings.GpuLayers, $"{settings.GpuLayers} configured layers on {best.Name}; the whole model ({settings.EstimatedBytes >> 20} MiB) does not fit");
        var fitting = LayersThatFit(settings.EstimatedBytes, settings.LayerCount, best.FreeBytes);
        if (fitting > 0)
            return new Placement(best, fitting, $"{fitting} of {settings.LayerCount} layers fit in {best.Name} ({best.FreeBytes >> 20} MiB free of the {settings.EstimatedBytes >> 20} MiB needed); the rest run on the CPU");
        return new Placement(null, 0, $"needs {settings.EstimatedBytes >> 20} MiB, the roomiest GPU {best.Name} has {best.FreeBytes >> 20} MiB free");
    }

    /// <summary>
    /// Layers whose share of the estimate fits in <paramref name="freeBytes"/> less a 10% reserve
    /// for the compute buffers and other processes; the output layer (embeddings, head) is
    /// counted as one more layer that stays on the CPU. 0 when not even one fits or the count is unknown.
    /// </summary>
    internal static int LayersThatFit(long estimate, int layers, ulong freeBytes)
    {
        if (layers <= 0 || estimate <= 0)
            return 0;
        var perLayer = estimate / (layers + 1);
        var usable = (long)(freeBytes * 0.9);
        return (int)Math.Clamp(usable / Math.Max(perLayer, 1), 0, layers);
    }
}
