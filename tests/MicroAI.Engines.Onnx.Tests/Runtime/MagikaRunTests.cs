namespace MicroAI.Engines.Onnx.Tests;

public sealed class MagikaRunTests
{
    private static readonly string[] Labels = MagikaSamples.Labels();

    [Fact]
    public void A_python_snippet_is_classified_as_python()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MagikaModel);

        var features = MagikaSamples.Extract(MagikaSamples.PythonSnippet);
        var output = Assert.Single(session.Run([OnnxInput.Int32("bytes", features, 1, MagikaSamples.Width)]));

        Assert.Equal([1L, Labels.Length], output.Shape);
        var scores = output.AsSpan<float>();
        var best = OnnxTestRuntime.ArgMax(scores);
        Assert.Equal(Array.IndexOf(Labels, "python"), best);
        Assert.True(scores[best] > 0.9f, $"python scored {scores[best]}");
    }

    [Fact]
    public void Thirty_two_rows_run_in_one_batch()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MagikaModel);
        string[] snippets = [MagikaSamples.PythonSnippet, MagikaSamples.JsonSnippet, MagikaSamples.CSharpSnippet];
        string[] expected = ["python", "json", "cs"];
        const int rows = 32;
        var batch = new int[rows * MagikaSamples.Width];
        for (var r = 0; r < rows; r++)
            MagikaSamples.Extract(snippets[r % 3]).CopyTo(batch, r * MagikaSamples.Width);

        var output = Assert.Single(session.Run([OnnxInput.Int32("bytes", batch, rows, MagikaSamples.Width)]));

        Assert.Equal([(long)rows, Labels.Length], output.Shape);
        var scores = output.ToFloatArray();
        var singles = new float[3][];
        for (var k = 0; k < 3; k++)
            singles[k] = session.Run([OnnxInput.Int32("bytes", MagikaSamples.Extract(snippets[k]), 1, MagikaSamples.Width)])[0].ToFloatArray();
        for (var r = 0; r < rows; r++)
        {
            var row = scores.AsSpan(r * Labels.Length, Labels.Length);
            Assert.Equal(expected[r % 3], Labels[OnnxTestRuntime.ArgMax(row)]);
            for (var i = 0; i < Labels.Length; i++)
                Assert.Equal(singles[r % 3][i], row[i], 1e-4f);
        }
    }

    [Fact]
    public void A_row_slice_of_a_larger_buffer_can_be_an_input()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MagikaModel);
        var buffer = new int[3 * MagikaSamples.Width];
        MagikaSamples.Extract(MagikaSamples.JsonSnippet).CopyTo(buffer, MagikaSamples.Width);

        var middle = new ReadOnlyMemory<int>(buffer, MagikaSamples.Width, MagikaSamples.Width);
        var output = session.Run([OnnxInput.Int32("bytes", middle, 1, MagikaSamples.Width)])[0];

        Assert.Equal("json", Labels[OnnxTestRuntime.ArgMax(output.AsSpan<float>())]);
    }
}
