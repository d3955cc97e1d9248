using System.Diagnostics;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Chunking;

/// <summary>
/// A 28 MB llama-architecture GGUF (Q8_0, 12 layers, 32,000-token vocabulary) written once per test run
/// by ../shared/bench/gguf_bench_model.py into a temporary folder: large enough that its two 8.7 MB
/// embedding tensors are split and its projections (35-209 KB) are chunked one by one, as a real model's are.
/// </summary>
public sealed class BenchModelFixture : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "microai-chunks-" + Guid.NewGuid().ToString("N"));

    public BenchModelFixture()
    {
        Directory.CreateDirectory(_folder);
        var script = Path.GetFullPath(Path.Combine(TestPaths.SharedModels, "..", "bench", "gguf_bench_model.py"));
        Assert.True(File.Exists(script), $"The benchmark model writer is missing at {script}.");
        Path1 = Path.Combine(_folder, "bench-v1.gguf");
        var start = new ProcessStartInfo("python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { script, TestPaths.TinyRandomLlama, Path1, "--embd", "256", "--layers", "12", "--heads", "8", "--kv-heads", "4", "--ff", "768" })
            start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"python3 is needed to write the benchmark model ({e.Message}).", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"gguf_bench_model.py failed ({process.ExitCode}): {stderr.Result}");
        }
    }

    public string Path1 { get; }

    public string NewPath(string name) => Path.Combine(_folder, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
