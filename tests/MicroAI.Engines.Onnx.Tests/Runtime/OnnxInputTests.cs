namespace MicroAI.Engines.Onnx.Tests;

public sealed class OnnxInputTests
{
    [Fact]
    public void Data_must_fill_the_shape_exactly()
    {
        var ex = Assert.Throws<ArgumentException>(() => OnnxInput.Float("x", new float[10], 2, 4));
        Assert.Contains("'x'", ex.Message);
        Assert.Contains("10 values", ex.Message);
        Assert.Contains("[2,4]", ex.Message);
        Assert.Contains("holds 8", ex.Message);
    }

    [Fact]
    public void Negative_dimensions_and_empty_names_are_refused()
    {
        Assert.Throws<ArgumentException>(() => OnnxInput.Int64("x", new long[4], -1, 4));
        Assert.Throws<ArgumentException>(() => OnnxInput.Int32("", new int[1], 1));
        Assert.Throws<ArgumentException>(() => OnnxInput.String("s", ["a", null!], 2));
    }

    [Fact]
    public void An_empty_shape_is_a_scalar()
    {
        var scalar = OnnxInput.Double("x", new[] { 2.5 });
        Assert.Empty(scalar.Shape);
        Assert.Equal(1, scalar.ElementCount);
        Assert.Equal("x: Double[]", scalar.ToString());
    }

    [Fact]
    public void The_shape_is_copied()
    {
        long[] shape = [2, 3];
        var input = OnnxInput.UInt8("x", new byte[6], shape);
        shape[0] = 99;

        Assert.Equal([2L, 3], input.Shape);
        Assert.Equal(OnnxElementType.UInt8, input.ElementType);
        Assert.Equal(6, input.ElementCount);
    }

    [Fact]
    public void Every_factory_sets_its_element_type()
    {
        Assert.Equal(OnnxElementType.Float, OnnxInput.Float("a", new float[1], 1).ElementType);
        Assert.Equal(OnnxElementType.Float16, OnnxInput.Float16("a", new Half[1], 1).ElementType);
        Assert.Equal(OnnxElementType.Double, OnnxInput.Double("a", new double[1], 1).ElementType);
        Assert.Equal(OnnxElementType.Int64, OnnxInput.Int64("a", new long[1], 1).ElementType);
        Assert.Equal(OnnxElementType.Int32, OnnxInput.Int32("a", new int[1], 1).ElementType);
        Assert.Equal(OnnxElementType.UInt8, OnnxInput.UInt8("a", new byte[1], 1).ElementType);
        Assert.Equal(OnnxElementType.Bool, OnnxInput.Bool("a", new bool[1], 1).ElementType);
        Assert.Equal(OnnxElementType.String, OnnxInput.String("a", ["x"], 1).ElementType);
    }
}
