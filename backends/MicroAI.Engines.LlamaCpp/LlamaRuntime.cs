using MicroAI.Engines.LlamaCpp.Native;
using Microsoft.Extensions.Logging;

namespace MicroAI.Engines.LlamaCpp;

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

    /// <summary>
    /// The libraries the engine cannot start without (libllama, libggml, libggml-base), as found in
    /// <paramref name="nativeDirectory"/> (default: beside the server); a missing one maps to null.
    /// Looks at files only, loads nothing, so a start-up check can name what is wrong in one line.
    /// </summary>
    public static IReadOnlyList<(string Name, string? Path)> LocateRequiredLibraries(string? nativeDirectory)
    {
        var dir = string.IsNullOrEmpty(nativeDirectory) ? AppContext.BaseDirectory : Path.GetFullPath(nativeDirectory);
        return [.. new[] { LlamaNative.LlamaLib, LlamaNative.GgmlLib, LlamaNative.GgmlBaseLib }
            .Select(name => (name, LlamaLibraryResolver.Find(dir, name)))];
    }

    /// <summary>The ggml backend libraries in the folder (cpu variants, cuda, vulkan, metal ...), by backend name.</summary>
    public static IReadOnlyList<string> LocateBackends(string? nativeDirectory)
    {
        var dir = string.IsNullOrEmpty(nativeDirectory) ? AppContext.BaseDirectory : Path.GetFullPath(nativeDirectory);
        if (!Directory.Exists(dir))
            return [];
        // libggml-cpu-haswell.so, ggml-cuda.dll → "cpu-haswell", "cuda"; libggml-base is not a backend.
        return [.. Directory.EnumerateFiles(dir, "*ggml-*")
            .Select(f => Path.GetFileName(f))
            .Where(f => f.EndsWith(".so", StringComparison.Ordinal) || f.EndsWith(".dll", StringComparison.Ordinal) || f.EndsWith(".dylib", StringComparison.Ordinal))
            .Select(f => f[(f.IndexOf("ggml-", StringComparison.Ordinal) + 5)..f.LastIndexOf('.')])
            .Where(b => b != "base")
            .Order(StringComparer.Ordinal)];
    }

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
