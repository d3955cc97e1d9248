using System.Reflection;
using MicroAI.Engines.Onnx.Native;

namespace MicroAI.Engines.Onnx.Tests;

public sealed class OrtApiTableTests
{
    /// <summary>
    /// Positions in the OrtApi struct of onnxruntime_c_api.h (ORT_API_VERSION 29, from the npm package
    /// com.github.asus4.onnxruntime@0.4.9), counted independently of the production table: comments
    /// stripped from the struct body, the body split on ';' outside parentheses, and every entry
    /// (ORT_API2_STATUS, ORT_CLASS_RELEASE, ORT_API_T or plain function pointer) counted as one pointer;
    /// 425 entries, no #if inside the struct. Landmarks around them, for anyone recounting:
    /// 5/6 Enable/DisableTelemetryEvents, 8 CreateSessionFromArray, 26..29 custom op domains,
    /// 32 SessionGetOverridableInitializerCount, 50 IsTensor, 77 AllocatorGetInfo, 203 SynchronizeBoundOutputs,
    /// 207 GetCUDAProviderOptionsAsString, 424 SessionOptionsSetWeightlessSourceModelBuffer (the last).
    /// </summary>
    private static readonly Dictionary<string, int> HeaderPositions = new()
    {
        ["CreateStatus"] = 0, ["GetErrorCode"] = 1, ["GetErrorMessage"] = 2,
        ["CreateEnv"] = 3, ["CreateEnvWithCustomLogger"] = 4, ["CreateSession"] = 7, ["Run"] = 9,
        ["CreateSessionOptions"] = 10, ["SetSessionExecutionMode"] = 13, ["DisableMemPattern"] = 17,
        ["SetSessionGraphOptimizationLevel"] = 23, ["SetIntraOpNumThreads"] = 24, ["SetInterOpNumThreads"] = 25,
        ["SessionGetInputCount"] = 30, ["SessionGetOutputCount"] = 31,
        ["SessionGetInputTypeInfo"] = 33, ["SessionGetOutputTypeInfo"] = 34,
        ["SessionGetInputName"] = 36, ["SessionGetOutputName"] = 37,
        ["CreateRunOptions"] = 39, ["RunOptionsSetTerminate"] = 46,
        ["CreateTensorAsOrtValue"] = 48, ["CreateTensorWithDataAsOrtValue"] = 49,
        ["GetTensorMutableData"] = 51, ["FillStringTensor"] = 52,
        ["GetStringTensorDataLength"] = 53, ["GetStringTensorContent"] = 54,
        ["CastTypeInfoToTensorInfo"] = 55, ["GetOnnxTypeFromTypeInfo"] = 56,
        ["GetTensorElementType"] = 60, ["GetDimensionsCount"] = 61, ["GetDimensions"] = 62,
        ["GetSymbolicDimensions"] = 63, ["GetTensorTypeAndShape"] = 65, ["GetValueType"] = 67,
        ["CreateCpuMemoryInfo"] = 69, ["AllocatorFree"] = 76, ["GetAllocatorWithDefaultOptions"] = 78,
        ["ReleaseEnv"] = 92, ["ReleaseStatus"] = 93, ["ReleaseMemoryInfo"] = 94, ["ReleaseSession"] = 95,
        ["ReleaseValue"] = 96, ["ReleaseRunOptions"] = 97, ["ReleaseTypeInfo"] = 98,
        ["ReleaseTensorTypeAndShapeInfo"] = 99, ["ReleaseSessionOptions"] = 100,
        ["GetAvailableProviders"] = 125, ["ReleaseAvailableProviders"] = 126,
        ["SessionOptionsAppendExecutionProvider_CUDA_V2"] = 204, ["CreateCUDAProviderOptions"] = 205,
        ["UpdateCUDAProviderOptions"] = 206, ["ReleaseCUDAProviderOptions"] = 208,
        ["SessionOptionsAppendExecutionProvider"] = 216, ["GetBuildInfoString"] = 254,
    };

    [Fact]
    public void Every_bound_index_matches_its_position_in_the_header()
    {
        var bound = typeof(OrtApiIndex).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(static f => f.IsLiteral)
            .ToDictionary(static f => f.Name, static f => (int)f.GetRawConstantValue()!);

        Assert.NotEmpty(bound);
        foreach (var (name, index) in bound)
        {
            Assert.True(HeaderPositions.TryGetValue(name, out var expected), $"{name} is bound but not in the header table of this test.");
            Assert.Equal(expected, index);
        }
        Assert.Equal(bound.Count, bound.Values.Distinct().Count());
    }

    [Fact]
    public void The_runtime_is_1_30()
    {
        var version = OnnxTestRuntime.Environment.Version;
        Assert.StartsWith("1.30.", version);
        Assert.Equal(version, OrtNative.Version);
    }

    [Fact]
    public void A_status_round_trips_through_create_code_message_and_release()
    {
        // Exercises CreateStatus (0), GetErrorCode (1), GetErrorMessage (2) and ReleaseStatus (93):
        // a wrong index would return the wrong code or text, or crash.
        _ = OnnxTestRuntime.Environment;
        var status = OrtNative.CreateStatus(OnnxErrorCode.InvalidGraph, "a test status ✓");
        var ex = Assert.Throws<OnnxRuntimeException>(() => OrtNative.Check(status));
        Assert.Equal(OnnxErrorCode.InvalidGraph, ex.ErrorCode);
        Assert.Equal("a test status ✓", ex.Message);
        OrtNative.Check(0);
    }

    [Fact]
    public void Build_info_comes_from_its_slot()
    {
        _ = OnnxTestRuntime.Environment;
        Assert.StartsWith("ORT Build Info", OrtNative.GetBuildInfoString());
    }

    [Fact]
    public void Available_providers_include_the_cpu()
    {
        var providers = OnnxTestRuntime.Environment.AvailableProviders;
        Assert.Contains("CPUExecutionProvider", providers);
        // ONNX Runtime lists providers by priority, the CPU last.
        Assert.Equal("CPUExecutionProvider", providers[^1]);
    }
}
