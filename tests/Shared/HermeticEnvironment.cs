using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace MicroAI.Tests.Shared;

/// <summary>
/// The net under the tests' own directories. Every test names its data, models, registry and Ollama
/// directories through configuration; a test that forgets one falls back to the user's defaults
/// (~/.local/share/microai, ~/.ollama/models) and then passes or fails depending on the machine:
/// twelve catalog tests failed only where the real data directory held a model. Before any test of
/// this assembly runs, those defaults are pointed at a decoy home of this process that holds one model
/// in each place (models directory, registry, Ollama store), so such a test lists a model named
/// <see cref="DecoyModel"/> everywhere, fails on every machine, and never reads or writes the user's
/// own files (nor ONNX Runtime's cache). Child processes (the CLI tests) inherit the same environment.
/// </summary>
/// <remarks>
/// Linux only: .NET reads LocalApplicationData from XDG_DATA_HOME there; on Windows and macOS it
/// does not look at the environment, and the tests' own configuration is all there is.
/// </remarks>
internal static class HermeticEnvironment
{
    public const string DecoyModel = "not-hermetic-a-test-read-a-default-directory";

    /// <summary>The decoy home: XDG_DATA_HOME is <c>Root/data</c>, OLLAMA_MODELS <c>Root/ollama</c>.</summary>
    public static string Root { get; private set; } = "";

#pragma warning disable CA2255 // a test assembly is where this belongs: it must run before the first test
    [ModuleInitializer]
    internal static void Isolate()
#pragma warning restore CA2255
    {
        SweepAbandoned();
        Root = Directory.CreateTempSubdirectory(Prefix).FullName;
        var data = Path.Combine(Root, "data");
        var ollama = Path.Combine(Root, "ollama");
        WriteDecoys(Path.Combine(data, "microai"), ollama);

        Set("XDG_DATA_HOME", data);
        Set("OLLAMA_MODELS", ollama);
        // ONNX Runtime keeps a telemetry device id in XDG_CACHE_HOME/Microsoft/DeveloperTools.
        Set("XDG_CACHE_HOME", Path.Combine(Root, "cache"));
        // OCI pulls and pushes read Docker's credentials from DOCKER_CONFIG/config.json, never ~/.docker.
        Set("DOCKER_CONFIG", Path.Combine(Root, "docker"));
        // MicroAI__* in the developer's shell would configure every server a test starts in-process.
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (key.StartsWith("MicroAI__", StringComparison.OrdinalIgnoreCase))
                Environment.SetEnvironmentVariable(key, null);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(Root);
    }

    private const string Prefix = "microai-test-home-";

    /// <summary>
    /// The test host is often killed before ProcessExit has finished deleting; a later run removes
    /// what is left. An hour is far longer than any test run, so a home still in use is never touched.
    /// </summary>
    private static void SweepAbandoned()
    {
        foreach (var dir in new DirectoryInfo(Path.GetTempPath()).EnumerateDirectories(Prefix + "*"))
        {
            if (dir.LastWriteTimeUtc < DateTime.UtcNow.AddHours(-1))
                TryDelete(dir.FullName);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// .NET keeps its own copy of the environment on Unix: the managed set reaches managed code and
    /// child processes, setenv reaches native code (ONNX Runtime, llama.cpp) reading getenv.
    /// </summary>
    private static void Set(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (!OperatingSystem.IsWindows())
            _ = setenv(name, value, 1);
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int setenv(string name, string value, int overwrite);

    /// <summary>The same 16 bytes as a models-directory file, a registry blob and an Ollama layer: the catalog lists all three by name and size without parsing them.</summary>
    private static void WriteDecoys(string dataDirectory, string ollama)
    {
        var bytes = new byte[16];
        var hex = Convert.ToHexStringLower(SHA256.HashData(bytes));

        Write(Path.Combine(dataDirectory, "models", DecoyModel + ".gguf"), bytes);

        var registry = Path.Combine(dataDirectory, "registry");
        Write(Path.Combine(registry, "blobs", "sha256-" + hex), bytes);
        Write(Path.Combine(registry, "manifests", DecoyModel + "-registry", "latest.json"), Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":1,"name":"{{DecoyModel}}-registry","tag":"latest","format":"gguf",
             "files":[{"name":"decoy.gguf","role":"model","digest":"sha256:{{hex}}","size":16}],
             "capabilities":["completion"],"source":{"kind":"file","uri":"decoy"} }
            """));

        Write(Path.Combine(ollama, "blobs", "sha256-" + hex), bytes);
        Write(Path.Combine(ollama, "manifests", "registry.ollama.ai", "library", DecoyModel + "-ollama", "latest"), Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:{{hex}}","size":16} ]}
            """));
    }

    private static void Write(string path, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }
}
