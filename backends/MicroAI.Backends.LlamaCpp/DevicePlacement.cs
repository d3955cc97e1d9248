using MicroAI.Backends.Abstractions;

namespace MicroAI.Backends.LlamaCpp;

/// <summary>Where a model goes: one device (null = the CPU) and how many layers to offload to it.</summary>
internal readonly record struct Placement(LlamaDevice? Device, int GpuLayers, string Reason);

/// <summary>
/// Chooses a device for a model from what ggml found. "cpu" keeps everything on the CPU; a device
/// name pins the model to that device; "auto" takes the GPU with the most free memory when the
/// model's estimate (weights + KV cache) fits in it, and otherwise the CPU, unless layers were
/// configured explicitly, in which case that many go to the roomiest GPU (partial offload).
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
        return new Placement(null, 0, $"needs {settings.EstimatedBytes >> 20} MiB, the roomiest GPU {best.Name} has {best.FreeBytes >> 20} MiB free");
    }
}
