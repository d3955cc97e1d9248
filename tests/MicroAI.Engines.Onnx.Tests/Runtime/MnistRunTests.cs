namespace MicroAI.Engines.Onnx.Tests;

public sealed class MnistRunTests
{
    [Fact]
    public void A_drawn_one_is_read_as_one()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MnistModel);

        var outputs = session.Run([OnnxInput.Float("Input3", OnnxTestRuntime.MnistOne(), 1, 1, 28, 28)]);

        var logits = Assert.Single(outputs);
        Assert.Equal("Plus214_Output_0", logits.Name);
        Assert.Equal(OnnxElementType.Float, logits.ElementType);
        Assert.Equal([1L, 10], logits.Shape);
        Assert.Equal(10, logits.ElementCount);
        Assert.Equal(1, OnnxTestRuntime.ArgMax(logits.AsSpan<float>()));
        Assert.Equal(logits.AsSpan<float>().ToArray(), logits.ToFloatArray());
    }

    [Fact]
    public void Outputs_can_be_picked_by_name()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MnistModel);

        var outputs = session.Run([OnnxInput.Float("Input3", OnnxTestRuntime.MnistOne(), 1, 1, 28, 28)], ["Plus214_Output_0"]);

        Assert.Equal(10, outputs["Plus214_Output_0"].ElementCount);
        Assert.True(outputs.TryGet("Plus214_Output_0", out _));
        Assert.False(outputs.TryGet("nope", out _));
        var missing = Assert.Throws<KeyNotFoundException>(() => outputs["nope"]);
        Assert.Contains("Plus214_Output_0", missing.Message);
    }

    [Fact]
    public void A_blank_image_and_a_one_give_different_logits()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MnistModel);

        var blank = session.Run([OnnxInput.Float("Input3", new float[28 * 28], 1, 1, 28, 28)])[0].ToFloatArray();
        var one = session.Run([OnnxInput.Float("Input3", OnnxTestRuntime.MnistOne(), 1, 1, 28, 28)])[0].ToFloatArray();

        Assert.NotEqual(blank, one);
    }

    [Fact]
    public void Float_outputs_refuse_integer_and_string_views()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MnistModel);
        var logits = session.Run([OnnxInput.Float("Input3", OnnxTestRuntime.MnistOne(), 1, 1, 28, 28)])[0];

        Assert.Throws<InvalidOperationException>(() => logits.ToInt64Array());
        Assert.Throws<InvalidOperationException>(() => logits.ToStringArray());
        Assert.Throws<InvalidOperationException>(() => logits.AsSpan<double>().Length);
    }
}
