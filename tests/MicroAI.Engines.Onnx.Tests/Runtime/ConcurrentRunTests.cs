namespace MicroAI.Engines.Onnx.Tests;

public sealed class ConcurrentRunTests
{
    [Fact]
    public async Task Eight_threads_on_one_session_get_identical_outputs()
    {
        using var session = OnnxTestRuntime.Open(OnnxTestRuntime.MagikaModel);
        string[] snippets = [MagikaSamples.PythonSnippet, MagikaSamples.JsonSnippet, MagikaSamples.CSharpSnippet];
        var inputs = snippets.Select(static s => OnnxInput.Int32("bytes", MagikaSamples.Extract(s), 1, MagikaSamples.Width)).ToArray();
        var expected = inputs.Select(i => session.Run([i])[0].ToFloatArray()).ToArray();

        using var start = new Barrier(8);
        var workers = Enumerable.Range(0, 8).Select(t => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            var mismatches = 0;
            for (var n = 0; n < 25; n++)
            {
                var k = (t + n) % inputs.Length;
                // The same OnnxInput objects are shared by all threads: pinning is per run.
                if (!session.Run([inputs[k]])[0].ToFloatArray().SequenceEqual(expected[k]))
                    mismatches++;
            }
            return mismatches;
        }, TaskCreationOptions.LongRunning)).ToArray();

        var results = await Task.WhenAll(workers);
        Assert.All(results, static m => Assert.Equal(0, m));
    }
}
