using MicroAI.Tests.Shared;

namespace MicroAI.Engines.Onnx.Tests;

/// <summary>Element types the shared models do not cover, on small graphs written by <see cref="OnnxGraphBuilder"/>.</summary>
public sealed class SyntheticModelTests : IDisposable
{
    private readonly string _dir = OnnxTestRuntime.TempFolder();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private OnnxSession Open(OnnxGraphBuilder graph, string name) =>
        OnnxTestRuntime.Open(graph.WriteTo(Path.Combine(_dir, name + ".onnx")));

    [Fact]
    public void Strings_round_trip_through_identity()
    {
        using var session = Open(new OnnxGraphBuilder()
            .Input("s", OnnxGraphDataType.String, "n")
            .Node("Identity", ["s"], ["t"])
            .Output("t", OnnxGraphDataType.String, "n"), "strings");
        string[] text = ["", "héllo", "日本語 ✓", "two words"];

        var output = session.Run([OnnxInput.String("s", text, text.Length)])[0];

        Assert.Equal(OnnxElementType.String, session.Inputs[0].ElementType);
        Assert.Equal("n", session.Inputs[0].SymbolicDimensions[0]);
        Assert.Equal(OnnxElementType.String, output.ElementType);
        Assert.Equal([4L], output.Shape);
        Assert.Equal(text, output.ToStringArray());
    }

    [Fact]
    public void A_ZipMap_sequence_of_maps_is_read_row_by_row_with_int64_or_string_keys()
    {
        using var session = Open(new OnnxGraphBuilder()
            .Opset("ai.onnx.ml", 3)
            .Input("p", OnnxGraphDataType.Float, "n", 3)
            .Node(new OnnxGraphNode("ZipMap", ["p"], ["by_int"], [OnnxGraphAttribute.Ints("classlabels_int64s", 4, -2, 9)], Domain: "ai.onnx.ml"))
            .Node(new OnnxGraphNode("ZipMap", ["p"], ["by_name"], [OnnxGraphAttribute.Strings("classlabels_strings", "a", "b", "c")], Domain: "ai.onnx.ml"))
            .SequenceOfMapsOutput("by_int", OnnxGraphDataType.Int64, OnnxGraphDataType.Float)
            .SequenceOfMapsOutput("by_name", OnnxGraphDataType.String, OnnxGraphDataType.Float), "zipmap");

        var outputs = session.Run([OnnxInput.Float("p", new[] { 0.5f, 0.25f, 0.25f, 0f, 1f, 0f }, 2, 3)], ["by_int", "by_name"]);

        Assert.False(session.Outputs[0].IsTensor);
        var byInt = outputs["by_int"].Maps!;
        Assert.Equal(2, byInt.Count);
        Assert.Equal([new("4", 0.5f), new("-2", 0.25f), new("9", 0.25f)], byInt[0].OrderBy(p => p.Key == "4" ? 0 : p.Key == "-2" ? 1 : 2));
        Assert.Equal(1f, byInt[1].Single(p => p.Key == "-2").Value);
        var byName = outputs["by_name"].Maps!;
        Assert.Equal(0.25f, byName[0].Single(p => p.Key == "c").Value);
        Assert.Equal(0f, byName[1].Single(p => p.Key == "a").Value);
        Assert.Equal([2L], outputs["by_name"].Shape);
    }

    [Fact]
    public void Bools_and_int64s_round_trip()
    {
        using var session = Open(new OnnxGraphBuilder()
            .Input("b", OnnxGraphDataType.Bool, 3)
            .Input("i", OnnxGraphDataType.Int64, 2, 2)
            .Node("Not", ["b"], ["nb"])
            .Node("Identity", ["i"], ["j"])
            .Output("nb", OnnxGraphDataType.Bool, 3)
            .Output("j", OnnxGraphDataType.Int64, 2, 2), "bool-int64");

        var outputs = session.Run([
            OnnxInput.Bool("b", new[] { true, false, true }, 3),
            OnnxInput.Int64("i", new[] { long.MinValue, -1, 0, long.MaxValue }, 2, 2),
        ]);

        Assert.Equal([false, true, false], outputs["nb"].AsSpan<bool>().ToArray());
        Assert.Equal([0L, 1, 0], outputs["nb"].ToInt64Array());
        Assert.Equal([long.MinValue, -1, 0, long.MaxValue], outputs["j"].ToInt64Array());
        Assert.Equal([2L, 2], outputs["j"].Shape);
    }

    [Fact]
    public void A_scalar_goes_in_and_a_double_converts_to_float()
    {
        using var session = Open(new OnnxGraphBuilder()
            .Input("x", OnnxGraphDataType.Double)
            .Node("Add", ["x", "x"], ["y"])
            .Output("y", OnnxGraphDataType.Double), "scalar");

        var output = session.Run([OnnxInput.Double("x", new[] { 1.25 })])[0];

        Assert.Empty(session.Inputs[0].Shape);
        Assert.Empty(output.Shape);
        Assert.Equal([2.5], output.AsSpan<double>().ToArray());
        Assert.Equal([2.5f], output.ToFloatArray());
        Assert.Throws<InvalidOperationException>(() => output.ToInt64Array());
    }

    [Fact]
    public void Only_the_requested_outputs_come_back_in_the_requested_order()
    {
        using var session = Open(new OnnxGraphBuilder()
            .Input("x", OnnxGraphDataType.Float, 2)
            .Node("Neg", ["x"], ["a"])
            .Node("Abs", ["x"], ["b"])
            .Output("a", OnnxGraphDataType.Float, 2)
            .Output("b", OnnxGraphDataType.Float, 2), "two-outputs");
        var input = OnnxInput.Float("x", new[] { -1f, 2f }, 2);

        var all = session.Run([input]);
        var reversed = session.Run([input], ["b", "a"]);
        var one = session.Run([input], ["b"]);

        Assert.Equal(["a", "b"], all.Select(static o => o.Name));
        Assert.Equal(["b", "a"], reversed.Select(static o => o.Name));
        Assert.Equal([1f, 2f], reversed[0].ToFloatArray());
        Assert.Equal("b", Assert.Single(one).Name);
    }
}
