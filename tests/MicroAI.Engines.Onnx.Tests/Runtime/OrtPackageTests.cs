using MicroAI.Engines.Onnx.Native;

namespace MicroAI.Engines.Onnx.Tests;

public sealed class OrtPackageTests
{
    [Fact]
    public void The_runtime_is_the_nuget_packages_1_32()
    {
        Assert.StartsWith("1.32.", OnnxTestRuntime.Environment.Version);
        // The managed API and the native library come from the same release.
        var managed = typeof(Microsoft.ML.OnnxRuntime.OrtEnv).Assembly.GetName().Version!;
        Assert.Equal($"{managed.Major}.{managed.Minor}.{managed.Build}", OnnxTestRuntime.Environment.Version);
    }

    [Fact]
    public void Available_providers_include_the_cpu()
    {
        var providers = OnnxTestRuntime.Environment.AvailableProviders;
        Assert.Contains("CPUExecutionProvider", providers);
        // ONNX Runtime lists providers by priority, the CPU last.
        Assert.Equal("CPUExecutionProvider", providers[^1]);
    }

    [Theory]
    [InlineData("[ErrorCode:NoSuchFile] Load model x failed\n", OnnxErrorCode.NoSuchFile, "Load model x failed")]
    [InlineData("[ErrorCode:InvalidGraph] bad ✓", OnnxErrorCode.InvalidGraph, "bad ✓")]
    [InlineData("[ErrorCode:SomethingNew] text", OnnxErrorCode.Fail, "text")]
    [InlineData("no code at all", OnnxErrorCode.Fail, "no code at all")]
    [InlineData("[ErrorCode:Fail] ", OnnxErrorCode.Fail, "ONNX Runtime reported an error without a message.")]
    public void The_managed_apis_error_code_and_message_are_carried_over(string managedMessage, OnnxErrorCode code, string message)
    {
        var original = new InvalidOperationException(managedMessage);

        var translated = OrtErrors.FromMessage(managedMessage, original);

        Assert.Equal(code, translated.ErrorCode);
        Assert.Equal(message, translated.Message);
        Assert.Same(original, translated.InnerException);
    }
}
