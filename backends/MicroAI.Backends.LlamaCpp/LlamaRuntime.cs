using MicroAI.Backends.LlamaCpp.Native;
using Microsoft.Extensions.Logging;

namespace MicroAI.Backends.LlamaCpp;

/// <summary>A compute device ggml found (CPU, CUDA, Vulkan, Metal ...).</summary>
public sealed record LlamaDevice(string Name, string Description, string Type, ulong FreeBytes, ulong TotalBytes)
{
    /// <summary>ggml_backend_dev_t, for llama_model_params.devices.</summary>
    internal nint Handle { get; init; }

    public bool IsGpu => Type is "gpu" or "igpu";
}

/// <summary>
/// Process-wide llama.cpp initialisation, done once: library resolution, ggml backends loaded from
/// the natives folder (ggml_backend_load_all_from_path picks the best CPU variant for this
/// processor and any GPU backend present), log routing, llama_backend_init.
/// </summary>
public static class LlamaRuntime
{
    private static readonly Lock s_gate = new();
    private static bool s_initialised;

    public static string? Version { get; private set; }
    public static IReadOnlyList<LlamaDevice> Devices { get; private set; } = [];
    public static string NativeDirectory => LlamaLibraryResolver.NativeDirectory;

    public static unsafe void EnsureInitialised(string? nativeDirectory, ILoggerFactory loggerFactory)
    {
        lock (s_gate)
        {
            if (s_initialised)
                return;
            LlamaLibraryResolver.Install(nativeDirectory);
            if (LlamaLibraryResolver.Find(LlamaNative.LlamaLib) is null)
                throw new DllNotFoundException(LlamaLibraryResolver.MissingMessage("libllama"));

            LlamaLogBridge.Attach(loggerFactory.CreateLogger("MicroAI.LlamaCpp.Native"));
            LlamaNative.ggml_backend_load_all_from_path(LlamaLibraryResolver.NativeDirectory);
            LlamaNative.llama_backend_init();
            Version = LlamaNative.PtrToString(LlamaNative.llama_version());
            Devices = EnumerateDevices();
            s_initialised = true;
        }
    }

    private static unsafe List<LlamaDevice> EnumerateDevices()
    {
        var list = new List<LlamaDevice>();
        var count = (int)LlamaNative.ggml_backend_dev_count();
        for (var i = 0; i < count; i++)
        {
            var dev = LlamaNative.ggml_backend_dev_get((nuint)i);
            nuint free, total;
            LlamaNative.ggml_backend_dev_memory(dev, &free, &total);
            var type = (GgmlBackendDeviceType)LlamaNative.ggml_backend_dev_type(dev);
            list.Add(new LlamaDevice(
                LlamaNative.PtrToString(LlamaNative.ggml_backend_dev_name(dev)) ?? "?",
                LlamaNative.PtrToString(LlamaNative.ggml_backend_dev_description(dev)) ?? "",
                type switch
                {
                    GgmlBackendDeviceType.Cpu => "cpu",
                    GgmlBackendDeviceType.Gpu => "gpu",
                    GgmlBackendDeviceType.IntegratedGpu => "igpu",
                    GgmlBackendDeviceType.Accelerator => "accelerator",
                    _ => "other",
                },
                free, total) { Handle = dev });
        }
        return list;
    }
}
