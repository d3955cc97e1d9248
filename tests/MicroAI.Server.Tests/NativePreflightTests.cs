using MicroAI.Runtime;
using MicroAI.Engines.Abstractions;
using MicroAI.Engines.LlamaCpp;
using MicroAI.Engines.Onnx;
using MicroAI.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace MicroAI.Server.Tests;

/// <summary>The start-up check of the natives: present and built for this platform, or one line saying what is wrong.</summary>
public sealed class NativePreflightTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("microai-preflight-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>The server's engines, registered as it registers them, with their natives in <paramref name="directory"/> (null: beside the server).</summary>
    private static IEnumerable<IModelEngine> Engines(string? directory) =>
        new ServiceCollection().AddLogging()
            .Configure<EngineOptions>(o => o.NativeDirectory = directory)
            .AddLlamaCppEngine()
            .AddOnnxEngine(o => o.NativeDirectory = directory)
            .BuildServiceProvider()
            .GetServices<IModelEngine>();

    [Fact]
    public void The_natives_beside_the_server_pass_and_are_reported()
    {
        var result = NativePreflight.Check(Engines(null));

        Assert.Null(result.Problem);
        Assert.Contains("llama.cpp libllama", result.Report, StringComparison.Ordinal);
        Assert.Contains("ggml backends: cpu", result.Report, StringComparison.Ordinal);
        Assert.Contains("ONNX Runtime libonnxruntime", result.Report, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_folder_fails_in_one_line_naming_the_library_and_the_setting()
    {
        var result = NativePreflight.Check(Engines(_dir.FullName));

        Assert.NotNull(result.Problem);
        Assert.DoesNotContain('\n', result.Problem);
        Assert.Contains("'llama'", result.Problem, StringComparison.Ordinal);
        Assert.Contains(_dir.FullName, result.Problem, StringComparison.Ordinal);
        Assert.Contains("MicroAI__NativeDirectory", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_library_for_another_processor_fails_naming_both()
    {
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*ggml*").Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*llama*.so")))
            File.Copy(file, Path.Combine(_dir.FullName, Path.GetFileName(file)));
        var llama = Directory.EnumerateFiles(_dir.FullName, "libllama*").Single();
        var bytes = File.ReadAllBytes(llama);
        var other = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? (byte)0x3E : (byte)0xB7;
        bytes[18] = other;
        bytes[19] = 0;
        File.WriteAllBytes(llama, bytes);

        var result = NativePreflight.Check(Engines(_dir.FullName));

        Assert.NotNull(result.Problem);
        Assert.Contains("built for another platform", result.Problem, StringComparison.Ordinal);
        Assert.Contains(llama, result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_onnx_runtime_the_server_starts_and_says_onnx_models_will_not_load()
    {
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "*ggml*").Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*llama*.so")))
            File.Copy(file, Path.Combine(_dir.FullName, Path.GetFileName(file)));

        var result = NativePreflight.Check(Engines(_dir.FullName));

        Assert.Null(result.Problem);
        Assert.Contains("ONNX Runtime: not found", result.Report, StringComparison.Ordinal);
    }
}
