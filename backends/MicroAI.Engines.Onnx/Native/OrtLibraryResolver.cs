using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace MicroAI.Engines.Onnx.Native;

/// <summary>
/// Loads the ONNX Runtime library that ONNX Runtime's managed API imports as "onnxruntime" from
/// <see cref="NativeDirectory"/>: the application folder, where the build copies the NuGet package's
/// natives, or MicroAI:Onnx:NativeDirectory (a custom or GPU build). The managed API's own resolver
/// is switched off so this one decides; the library is loaded once per process, from the directory
/// given to the first <see cref="Install"/> before that load.
/// </summary>
internal static class OrtLibraryResolver
{
    /// <summary>The name ONNX Runtime's managed API imports its functions from.</summary>
    public const string LibraryName = "onnxruntime";

    private static readonly Lock s_gate = new();
    private static int s_installed;
    private static nint s_handle;

    public static string NativeDirectory { get; private set; } = AppContext.BaseDirectory;

    public static void Install(string? nativeDirectory)
    {
        lock (s_gate)
        {
            // Once loaded, another directory can no longer take effect: keep reporting the one in use.
            if (!string.IsNullOrEmpty(nativeDirectory) && s_handle == 0)
                NativeDirectory = Path.GetFullPath(nativeDirectory);
        }
        if (Interlocked.Exchange(ref s_installed, 1) == 0)
        {
            // Must happen before any ONNX Runtime type initialises its P/Invokes, or theirs is registered.
            OrtEnv.DisableDllImportResolver = true;
            NativeLibrary.SetDllImportResolver(typeof(OrtEnv).Assembly, Resolve);
        }
    }

    /// <summary>Finds the library file in <paramref name="dir"/>, or null when it is not there.</summary>
    public static string? Find(string dir)
    {
        if (!Directory.Exists(dir))
            return null;
        // The unversioned names first (the NuGet packages ship them), then versioned ones a custom
        // build may carry: libonnxruntime.so.1, libonnxruntime.1.32.0.dylib.
        string[] exact = OperatingSystem.IsWindows() ? ["onnxruntime.dll"]
            : OperatingSystem.IsMacOS() ? ["libonnxruntime.dylib"]
            : ["libonnxruntime.so", "libonnxruntime.so.1"];
        foreach (var file in exact)
        {
            var path = Path.Combine(dir, file);
            if (File.Exists(path))
                return path;
        }
        if (OperatingSystem.IsWindows())
            return null;
        var pattern = OperatingSystem.IsMacOS() ? "libonnxruntime.*.dylib" : "libonnxruntime.so.*";
        return Directory.EnumerateFiles(dir, pattern).Order(StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>Loads the library (once) and returns its handle; throws <see cref="DllNotFoundException"/> with a clear message when missing.</summary>
    public static nint Load()
    {
        lock (s_gate)
        {
            if (s_handle != 0)
                return s_handle;
            var path = Find(NativeDirectory) ?? throw new DllNotFoundException(MissingMessage());
            Volatile.Write(ref s_handle, NativeLibrary.Load(path));
            return s_handle;
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == LibraryName ? Load() : 0;

    public static string MissingMessage() =>
        $"The ONNX Runtime native library was not found in '{NativeDirectory}'. " +
        "The build copies it from the NuGet package Microsoft.ML.OnnxRuntime (or the one -p:OnnxRuntimeVariant chose); " +
        "rebuild, or set MicroAI:Onnx:NativeDirectory to a folder holding " +
        (OperatingSystem.IsWindows() ? "onnxruntime.dll" : OperatingSystem.IsMacOS() ? "libonnxruntime.dylib" : "libonnxruntime.so") +
        " for this platform.";
}
