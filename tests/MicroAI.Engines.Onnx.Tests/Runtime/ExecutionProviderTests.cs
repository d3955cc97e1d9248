using Microsoft.Extensions.Logging;

namespace MicroAI.Engines.Onnx.Tests;

public sealed class ExecutionProviderTests
{
    private static OnnxSession Open(string provider, OnnxRuntimeEnvironment? environment = null) =>
        (environment ?? OnnxTestRuntime.Environment).OpenSession(OnnxTestRuntime.MnistModel, new OnnxRuntimeOptions { ExecutionProvider = provider });

    private static void AssertRunsOnCpu(OnnxSession session)
    {
        Assert.Equal("CPUExecutionProvider", session.ExecutionProvider);
        var last = session.ProviderReports[^1];
        Assert.Equal(new OnnxProviderReport("CPUExecutionProvider", true, null), last);
        var logits = session.Run([OnnxInput.Float("Input3", OnnxTestRuntime.MnistOne(), 1, 1, 28, 28)])[0];
        Assert.Equal(1, OnnxTestRuntime.ArgMax(logits.AsSpan<float>()));
    }

    [Fact]
    public void Cpu_uses_the_cpu_and_reports_only_it()
    {
        using var session = Open("cpu");
        AssertRunsOnCpu(session);
        Assert.Single(session.ProviderReports);
    }

    [Fact]
    public void Cuda_on_the_cpu_package_falls_back_with_a_report()
    {
        using var session = Open("CUDA");

        AssertRunsOnCpu(session);
        var cuda = session.ProviderReports[0];
        Assert.Equal("CUDAExecutionProvider", cuda.Provider);
        Assert.False(cuda.Used);
        // The npm package lists CUDA (the bridge is compiled in) but lacks its provider libraries.
        Assert.Contains("CUDA needs a GPU build of ONNX Runtime", cuda.Reason);
        Assert.Equal(2, session.ProviderReports.Count);
    }

    [SkipOnPlatformTheory("windows")]
    [InlineData("directml")]
    [InlineData("dml")]
    public void DirectML_falls_back_with_a_report_off_windows(string name)
    {
        using var session = Open(name);

        AssertRunsOnCpu(session);
        var dml = session.ProviderReports[0];
        Assert.Equal("DmlExecutionProvider", dml.Provider);
        Assert.False(dml.Used);
        Assert.Equal("DirectML exists only on Windows", dml.Reason);
    }

    [SkipOnPlatformFact("macos")]
    public void CoreML_falls_back_with_a_report_off_macos()
    {
        using var session = Open("coreml");

        AssertRunsOnCpu(session);
        Assert.Equal(new OnnxProviderReport("CoreMLExecutionProvider", false, "CoreML exists only on macOS"), session.ProviderReports[0]);
    }

    [Fact]
    public void Auto_tries_cuda_first_and_ends_on_the_cpu_here()
    {
        using var session = Open("auto");

        AssertRunsOnCpu(session);
        Assert.Equal("CUDAExecutionProvider", session.ProviderReports[0].Provider);
        Assert.All(session.ProviderReports.SkipLast(1), static r => Assert.False(string.IsNullOrEmpty(r.Reason)));
    }

    [Theory]
    [InlineData("tpu")]
    [InlineData("CPUExecutionProvider")]
    [InlineData("cuda;cpu")]
    public void An_unknown_provider_name_is_an_argument_error(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => Open(name));
        Assert.Contains(name, ex.Message);
        Assert.Contains("auto, cpu, cuda, directml (or dml), coreml", ex.Message);
    }

    [Fact]
    public void Negative_thread_counts_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            OnnxTestRuntime.Environment.OpenSession(OnnxTestRuntime.MnistModel, new OnnxRuntimeOptions { IntraOpThreads = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            OnnxTestRuntime.Environment.OpenSession(OnnxTestRuntime.MnistModel, new OnnxRuntimeOptions { DeviceId = -1 }));
    }

    [Fact]
    public void Thread_counts_are_applied()
    {
        using var session = OnnxTestRuntime.Environment.OpenSession(OnnxTestRuntime.MnistModel,
            new OnnxRuntimeOptions { ExecutionProvider = "cpu", IntraOpThreads = 1, InterOpThreads = 1 });
        AssertRunsOnCpu(session);
    }

    [SkipOnPlatformFact("macos")]
    public void One_line_says_which_provider_runs_and_a_fallback_is_a_warning()
    {
        var logs = new CapturingLoggerFactory();
        using var environment = OnnxRuntimeEnvironment.Create(null, logs);

        using (Open("cpu", environment)) { }
        using (Open("coreml", environment)) { }

        var lines = logs.Entries.Where(static e => e.Category == OnnxRuntimeEnvironment.LogCategory && e.Message.StartsWith("ONNX model")).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(LogLevel.Information, lines[0].Level);
        Assert.Equal("ONNX model mnist.onnx runs on CPUExecutionProvider", lines[0].Message);
        Assert.Equal(LogLevel.Warning, lines[1].Level);
        Assert.Contains("runs on CPUExecutionProvider", lines[1].Message);
        Assert.Contains("CoreML", lines[1].Message);
    }
}
