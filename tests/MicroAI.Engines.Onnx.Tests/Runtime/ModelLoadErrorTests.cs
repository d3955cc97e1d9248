namespace MicroAI.Engines.Onnx.Tests;

public sealed class ModelLoadErrorTests
{
    [Fact]
    public void A_corrupt_model_file_is_onnx_runtimes_error()
    {
        var dir = OnnxTestRuntime.TempFolder();
        try
        {
            var path = Path.Combine(dir, "garbage.onnx");
            var garbage = new byte[4096];
            new Random(42).NextBytes(garbage);
            File.WriteAllBytes(path, garbage);

            var ex = Assert.Throws<OnnxRuntimeException>(() => OnnxTestRuntime.Open(path));

            Assert.Equal(OnnxErrorCode.InvalidProtobuf, ex.ErrorCode);
            Assert.Contains("garbage.onnx", ex.Message);
            Assert.Contains("Protobuf parsing failed", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_text_file_posing_as_a_model_is_onnx_runtimes_error()
    {
        var dir = OnnxTestRuntime.TempFolder();
        try
        {
            var path = Path.Combine(dir, "notes.onnx");
            File.WriteAllText(path, "this is not a model\n");

            var ex = Assert.Throws<OnnxRuntimeException>(() => OnnxTestRuntime.Open(path, "auto"));

            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            Assert.Contains("notes.onnx", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_missing_model_file_is_onnx_runtimes_error()
    {
        var path = Path.Combine(Path.GetTempPath(), "microai-no-such-model-" + Guid.NewGuid().ToString("N") + ".onnx");

        var ex = Assert.Throws<OnnxRuntimeException>(() => OnnxTestRuntime.Open(path));

        Assert.Equal(OnnxErrorCode.NoSuchFile, ex.ErrorCode);
        Assert.Contains(Path.GetFileName(path), ex.Message);
    }

    [Fact]
    public void The_environment_still_opens_good_models_afterwards()
    {
        var dir = OnnxTestRuntime.TempFolder();
        try
        {
            var path = Path.Combine(dir, "bad.onnx");
            File.WriteAllBytes(path, [0x08, 0x07, 0x12, 0xff, 0xff]);
            Assert.Throws<OnnxRuntimeException>(() => OnnxTestRuntime.Open(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MnistModel);
        Assert.Single(session.Run([OnnxInput.Float("Input3", OnnxTestRuntime.MnistOne(), 1, 1, 28, 28)]));
    }
}
