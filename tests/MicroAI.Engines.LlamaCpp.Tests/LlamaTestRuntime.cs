using MicroAI.Engines.Abstractions;
using MicroAI.ModelRegistry;
using MicroAI.Tests.Shared;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace MicroAI.Engines.LlamaCpp.Tests;

/// <summary>
/// llama.cpp initialises once per process, and its log callback keeps the logger factory of the
/// first call: every test goes through here so that factory is always <see cref="Logs"/>.
/// </summary>
internal static class LlamaTestRuntime
{
    public static CapturingLoggerProvider Logs { get; } = new();

    public static void EnsureInitialised() => LlamaRuntime.EnsureInitialised(null, Logs);

    public static ModelEntry Entry(string path, string? id = null) =>
        new(id ?? Path.GetFileNameWithoutExtension(path), path, ModelFormat.Gguf, new FileInfo(path).Length,
            DateTimeOffset.UtcNow, "test", new ModelSettings());

    public static LlamaModel LoadStories(string? chatTemplate = null, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        EnsureInitialised();
        return LlamaModel.Load(Entry(TestPaths.Stories260K), new ModelLoadSettings(0, chatTemplate),
            logger ?? Logs.CreateLogger("MicroAI.LlamaCpp.Tests"));
    }
}
