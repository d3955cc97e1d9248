using System.Reflection;
using System.Runtime.InteropServices;

namespace MicroAI.Engines.Onnx.Native;

/// <summary>
/// Maps the logical library name "onnxruntime" used by <see cref="OrtNative"/> to the file the build
/// copied next to the assemblies: libonnxruntime.so.1 on Linux, onnxruntime.dll on Windows,
/// libonnxruntime*.dylib on macOS. The library is loaded once per process; the directory given to the
/// first <see cref="Install"/> before that load is the one used.
/// </summary>
internal static class OrtLibraryResolver
{
    public const string LibraryName = "onnxruntime";

    private static readonly Lock s_gate = new();
    private static int s_installed;
    private static nint s_handle;

    public static string NativeDirectory { get; private set; } = AppContext.BaseDirectory;

    /// <summary>The loaded library, for exports outside the OrtApi table (e.g. the DirectML append function); 0 before the first call.</summary>
    public static nint Handle => Volatile.Read(ref s_handle);

    public static void Install(string? nativeDirectory)
    {
        lock (s_gate)
        {
            // Once loaded, another directory can no longer take effect: keep reporting the one in use.
            if (!string.IsNullOrEmpty(nativeDirectory) && s_handle == 0)
                NativeDirectory = Path.GetFullPath(nativeDirectory);
        }
        if (Interlocked.Exchange(ref s_installed, 1) == 0)
            NativeLibrary.SetDllImportResolver(typeof(OrtLibraryResolver).Assembly, Resolve);
    }

    /// <summary>Finds the library file in <paramref name="dir"/>, or null when it is not there.</summary>
    public static string? Find(string dir)
    {
        if (!Directory.Exists(dir))
            return null;
        // The unversioned names first (a custom build or a CUDA package may ship them), then the
        // versioned ones the npm package carries: libonnxruntime.so.1, libonnxruntime.1.30.0.dylib.
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
        "The build restores it from npm (onnxruntime-node@1.30.0); rebuild with npm available, " +
        "or set MicroAI:Onnx:NativeDirectory to a folder holding " +
        (OperatingSystem.IsWindows() ? "onnxruntime.dll" : OperatingSystem.IsMacOS() ? "libonnxruntime.dylib" : "libonnxruntime.so.1") +
        " for this platform.";
}
