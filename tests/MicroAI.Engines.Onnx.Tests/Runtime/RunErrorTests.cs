namespace MicroAI.Engines.Onnx.Tests;

public sealed class RunErrorTests
{
    [Fact]
    public void An_unknown_input_name_is_onnx_runtimes_error()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MnistModel);

        var ex = Assert.Throws<OnnxRuntimeException>(() => session.Run([OnnxInput.Float("Input4", OnnxTestRuntime.MnistOne(), 1, 1, 28, 28)]));

        Assert.Equal(OnnxErrorCode.InvalidArgument, ex.ErrorCode);
        // The managed API checks names against the model before ONNX Runtime runs: its wording, not the C API's "Invalid input name".
        Assert.Contains("is not in the metadata", ex.Message);
        Assert.Contains("Input4", ex.Message);
    }

    [Fact]
    public void A_wrong_shape_is_onnx_runtimes_error()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MnistModel);

        var ex = Assert.Throws<OnnxRuntimeException>(() => session.Run([OnnxInput.Float("Input3", new float[27 * 28], 1, 1, 27, 28)]));

        Assert.Equal(OnnxErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("invalid dimensions", ex.Message);
    }

    [Fact]
    public void A_wrong_element_type_is_onnx_runtimes_error()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MnistModel);

        var ex = Assert.Throws<OnnxRuntimeException>(() => session.Run([OnnxInput.Int64("Input3", new long[28 * 28], 1, 1, 28, 28)]));

        Assert.Contains("Unexpected input data type", ex.Message);
    }

    [Fact]
    public void An_unknown_output_name_is_onnx_runtimes_error()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MnistModel);

        var ex = Assert.Throws<OnnxRuntimeException>(() =>
            session.Run([OnnxInput.Float("Input3", OnnxTestRuntime.MnistOne(), 1, 1, 28, 28)], ["logits"]));

        Assert.Contains("logits", ex.Message);
    }

    [Fact]
    public void A_missing_input_is_onnx_runtimes_error()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MnistModel);

        var ex = Assert.Throws<OnnxRuntimeException>(() => session.Run([]));

        Assert.Contains("Input3", ex.Message);
    }

    [Fact]
    public void The_session_keeps_working_after_errors()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MnistModel);
        for (var i = 0; i < 20; i++)
            Assert.Throws<OnnxRuntimeException>(() => session.Run([OnnxInput.Float("nope", OnnxTestRuntime.MnistOne(), 1, 1, 28, 28)]));

        var logits = session.Run([OnnxInput.Float("Input3", OnnxTestRuntime.MnistOne(), 1, 1, 28, 28)])[0];
        Assert.Equal(1, OnnxTestRuntime.ArgMax(logits.AsSpan<float>()));
    }

    [Fact]
    public void Asking_for_no_outputs_is_an_argument_error()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MnistModel);
        Assert.Throws<ArgumentException>(() => session.Run([OnnxInput.Float("Input3", OnnxTestRuntime.MnistOne(), 1, 1, 28, 28)], []));
    }
}
