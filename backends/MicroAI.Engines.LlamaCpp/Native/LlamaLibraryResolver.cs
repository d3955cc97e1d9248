using System.Reflection;
using System.Runtime.InteropServices;

namespace MicroAI.Engines.LlamaCpp.Native;

/// <summary>
/// Maps the logical library names used by <see cref="LlamaNative"/> ("llama", "ggml", "ggml-base") to the
/// files the build copied next to the assemblies: libllama.v0.5.0.so / libllama.so on Linux,
/// llama.dll on Windows, libllama*.dylib on macOS.
/// </summary>
internal static class LlamaLibraryResolver
{
    private static int s_installed;

    public static string NativeDirectory { get; private set; } = AppContext.BaseDirectory;

    public static void Install(string? nativeDirectory)
    {
        if (!string.IsNullOrEmpty(nativeDirectory))
            NativeDirectory = Path.GetFullPath(nativeDirectory);
        if (Interlocked.Exchange(ref s_installed, 1) == 0)
            NativeLibrary.SetDllImportResolver(typeof(LlamaLibraryResolver).Assembly, Resolve);
    }

    /// <summary>Finds the file for a logical name, or null when it is not there.</summary>
    public static string? Find(string name) => Find(NativeDirectory, name);

    /// <summary>Finds the file for a logical name in <paramref name="dir"/>, or null when it is not there.</summary>
    public static string? Find(string dir, string name)
    {
        if (!Directory.Exists(dir))
            return null;
        string[] exact = OperatingSystem.IsWindows() ? [$"{name}.dll", $"lib{name}.dll"]
            : OperatingSystem.IsMacOS() ? [$"lib{name}.dylib"]
            : [$"lib{name}.so"];
        foreach (var file in exact)
        {
            var path = Path.Combine(dir, file);
            if (File.Exists(path))
                return path;
        }
        // Versioned names: libllama.v0.5.0.so, libggml.v0.5.0.dylib.
        var pattern = OperatingSystem.IsWindows() ? $"{name}.v*.dll" : OperatingSystem.IsMacOS() ? $"lib{name}.*.dylib" : $"lib{name}.v*.so";
        return Directory.EnumerateFiles(dir, pattern).Order(StringComparer.Ordinal).FirstOrDefault();
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName is not (LlamaNative.LlamaLib or LlamaNative.GgmlLib or LlamaNative.GgmlBaseLib))
            return 0;
        var path = Find(libraryName);
        if (path is null)
            throw new DllNotFoundException(MissingMessage(libraryName));
        return NativeLibrary.Load(path);
    }

    public static string MissingMessage(string libraryName) =>
        $"The llama.cpp native library '{libraryName}' was not found in '{NativeDirectory}'. " +
        "The build restores it from npm (@node-llama-cpp/*@3.22.1); rebuild with npm available, " +
        "or set MicroAI:NativeDirectory to a folder holding libllama and libggml for this platform.";
}
