namespace MicroAI.Engines.Onnx.Tests;

public sealed class SessionMetadataTests
{
    [Fact]
    public void Mnist_declares_a_fixed_float_image_and_ten_logits()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MnistModel);

        var input = Assert.Single(session.Inputs);
        Assert.Equal("Input3", input.Name);
        Assert.True(input.IsTensor);
        Assert.Equal(OnnxElementType.Float, input.ElementType);
        Assert.Equal([1L, 1, 28, 28], input.Shape);
        Assert.False(input.HasDynamicDimensions);
        Assert.All(input.SymbolicDimensions, static d => Assert.Equal(string.Empty, d));

        var output = Assert.Single(session.Outputs);
        Assert.Equal("Plus214_Output_0", output.Name);
        Assert.Equal(OnnxElementType.Float, output.ElementType);
        Assert.Equal([1L, 10], output.Shape);
        Assert.Equal("Input3: Float[1,1,28,28]", input.ToString());
    }

    [Fact]
    public void SqueezeNet_fp16_declares_float16_in_and_out()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.SqueezeNetModel);

        var input = Assert.Single(session.Inputs);
        Assert.Equal("data_0", input.Name);
        Assert.Equal(OnnxElementType.Float16, input.ElementType);
        Assert.Equal([1L, 3, 224, 224], input.Shape);

        var output = Assert.Single(session.Outputs);
        Assert.Equal("softmaxout_1", output.Name);
        Assert.Equal(OnnxElementType.Float16, output.ElementType);
        Assert.Equal([1L, 1000, 1, 1], output.Shape);
    }

    [Fact]
    public void Magika_declares_an_open_batch_dimension()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MagikaModel);

        var input = Assert.Single(session.Inputs);
        Assert.Equal("bytes", input.Name);
        Assert.Equal(OnnxElementType.Int32, input.ElementType);
        Assert.Equal([-1L, 2048], input.Shape);
        Assert.True(input.HasDynamicDimensions);
        // The converter named the batch dimension (unk__214 in this file); the fixed one has no name.
        Assert.NotEqual(string.Empty, input.SymbolicDimensions[0]);
        Assert.Equal(string.Empty, input.SymbolicDimensions[1]);

        var output = Assert.Single(session.Outputs);
        Assert.Equal("target_label", output.Name);
        Assert.Equal(OnnxElementType.Float, output.ElementType);
        Assert.Equal([-1L, 214], output.Shape);
        Assert.Equal(MagikaSamples.Labels().Length, output.Shape[1]);
    }

    [Fact]
    public void A_session_knows_its_model_and_provider()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MnistModel);
        Assert.Equal(Path.GetFullPath(OnnxTestRuntime.MnistModel), session.ModelPath);
        Assert.Equal("CPUExecutionProvider", session.ExecutionProvider);
        Assert.Equal("mnist.onnx on CPUExecutionProvider", session.ToString());
    }
}
