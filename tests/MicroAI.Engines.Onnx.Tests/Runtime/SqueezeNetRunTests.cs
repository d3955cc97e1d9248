namespace MicroAI.Engines.Onnx.Tests;

public sealed class SqueezeNetRunTests
{
    [Fact]
    public void A_constant_image_gives_a_softmax_over_a_thousand_classes()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.SqueezeNetModel);
        var pixels = new Half[3 * 224 * 224];
        Array.Fill(pixels, (Half)128);

        var output = Assert.Single(session.Run([OnnxInput.Float16("data_0", pixels, 1, 3, 224, 224)]));

        Assert.Equal(OnnxElementType.Float16, output.ElementType);
        Assert.Equal([1L, 1000, 1, 1], output.Shape);
        Assert.Equal(1000, output.AsSpan<Half>().Length);
        var probabilities = output.ToFloatArray();
        Assert.All(probabilities, static p => Assert.InRange(p, 0f, 1f));
        // float16 rounding over 1000 terms: a few parts in a thousand.
        Assert.InRange(probabilities.Sum(), 0.98f, 1.02f);
    }
}
