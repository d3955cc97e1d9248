using MicroAI.Engines.Abstractions;
using MicroAI.Tests.Shared;

namespace MicroAI.Engines.LlamaCpp.Tests;

/// <summary>llama.cpp is never handed a GGUF that MicroAI's own bounds-checked reader rejects.</summary>
public sealed class HostileModelFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("microai-hostile-gguf-");

    public void Dispose() => _dir.Delete(recursive: true);

    public static TheoryData<string> Names() => [.. HostileModelFiles.Gguf().Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void A_file_the_reader_rejects_is_refused_before_llama_cpp_sees_it(string name)
    {
        LlamaTestRuntime.EnsureInitialised();
        var path = Path.Combine(_dir.FullName, name + ".gguf");
        File.WriteAllBytes(path, HostileModelFiles.Gguf().First(f => f.Name == name).Bytes);

        var refused = Assert.Throws<ModelLoadException>(() =>
            LlamaModel.Load(LlamaTestRuntime.Entry(path), new ModelLoadSettings(0, null), LlamaTestRuntime.Logs.CreateLogger("MicroAI.LlamaCpp.Tests")));

        // Our reader's message (what is wrong, at which offset), not llama.cpp's "could not load".
        Assert.Contains("is not a valid GGUF file", refused.Message, StringComparison.Ordinal);
        Assert.Contains(path, refused.Message, StringComparison.Ordinal);
        // llama.cpp logs the path of every file it opens; it never opened this one.
        Assert.DoesNotContain(LlamaTestRuntime.Logs.Entries, e => e.Category.Contains("Native", StringComparison.Ordinal) && e.Message.Contains(path, StringComparison.Ordinal));
    }
}
