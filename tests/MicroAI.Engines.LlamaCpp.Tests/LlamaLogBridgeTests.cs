using Microsoft.Extensions.Logging;

namespace MicroAI.Engines.LlamaCpp.Tests;

/// <summary>llama.cpp's own log lines reach the ILogger given to the first EnsureInitialised.</summary>
public sealed class LlamaLogBridgeTests
{
    private const string NativeCategory = "MicroAI.LlamaCpp.Native";

    [Fact]
    public void Model_load_messages_are_routed_to_the_logger()
    {
        LlamaTestRuntime.EnsureInitialised();
        var before = LlamaTestRuntime.Logs.Entries.Count;

        using (LlamaTestRuntime.LoadStories())
        {
        }

        var native = LlamaTestRuntime.Logs.Entries.Skip(before).Where(e => e.Category == NativeCategory).ToList();
        Assert.NotEmpty(native);
        Assert.Contains(native, e => e.Message.Contains("llama_model_loader", StringComparison.Ordinal) || e.Message.Contains("print_info", StringComparison.Ordinal));
        // Fragments are joined into whole lines: nothing ends with a newline, nothing is empty.
        Assert.All(native, e =>
        {
            Assert.NotEqual(string.Empty, e.Message);
            Assert.False(e.Message.EndsWith('\n'), "a message kept its newline");
        });
    }

    [Fact]
    public void A_failed_load_logs_its_reason_as_an_error()
    {
        LlamaTestRuntime.EnsureInitialised();
        // Junk never reaches llama.cpp (LlamaModel.Load checks the file with MicroAI's GGUF reader
        // first), so this is a well-formed GGUF that llama.cpp itself refuses: no architecture, no tensors.
        var path = Path.Combine(Path.GetTempPath(), $"microai-empty-{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, [.. "GGUF"u8, 3, 0, 0, 0, .. new byte[16]]);
        var before = LlamaTestRuntime.Logs.Entries.Count;
        try
        {
            Assert.Throws<Abstractions.ModelLoadException>(() =>
                LlamaModel.Load(LlamaTestRuntime.Entry(path), new Abstractions.ModelLoadSettings(0, null), LlamaTestRuntime.Logs.CreateLogger("test")));
        }
        finally
        {
            File.Delete(path);
        }

        var native = LlamaTestRuntime.Logs.Entries.Skip(before).Where(e => e.Category == NativeCategory).ToList();
        Assert.Contains(native, e => e.Level == LogLevel.Error);
    }
}
