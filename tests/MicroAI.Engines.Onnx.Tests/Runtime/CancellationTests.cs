using System.Diagnostics;
using MicroAI.Tests.Shared;

namespace MicroAI.Engines.Onnx.Tests;

public sealed class CancellationTests : IDisposable
{
    private const int Width = 256;
    private const int Layers = 200;
    private readonly string _dir = OnnxTestRuntime.TempFolder();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// A deliberately slow model: a chain of <see cref="Layers"/> [n,256]×[256,256] MatMuls. ONNX Runtime
    /// checks the terminate flag between nodes, so a cancelled run stops after one MatMul, not all of them
    /// (about a second of work for 2048 rows on two cores).
    /// </summary>
    private OnnxSession OpenSlowModel()
    {
        var weights = new float[Width * Width];
        for (var i = 0; i < Width; i++)
            weights[i * Width + i] = 1f;
        var graph = new OnnxGraphBuilder()
            .Input("x", OnnxGraphDataType.Float, "n", Width)
            .FloatInitializer("w", weights, Width, Width);
        for (var l = 0; l < Layers; l++)
            graph.Node("MatMul", [l == 0 ? "x" : $"h{l}", "w"], [$"h{l + 1}"]);
        graph.Output($"h{Layers}", OnnxGraphDataType.Float, "n", Width);
        return OnnxTestRuntime.Open(graph.WriteTo(Path.Combine(_dir, "slow.onnx")));
    }

    [Fact]
    public void An_already_cancelled_token_stops_the_run_in_onnx_runtime()
    {
        using var session = OpenSlowModel();
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        var ex = Assert.Throws<OperationCanceledException>(() =>
            session.Run([OnnxInput.Float("x", new float[Width], 1, Width)], cancellationToken: cts.Token));

        Assert.Equal(cts.Token, ex.CancellationToken);
        // The terminate flag made ONNX Runtime itself refuse the run.
        Assert.IsType<OnnxRuntimeException>(ex.InnerException);
    }

    [Fact]
    public void Cancelling_mid_run_stops_it_and_the_session_keeps_working()
    {
        using var session = OpenSlowModel();
        const int rows = 2048;
        var input = OnnxInput.Float("x", new float[rows * Width], rows, Width);
        using var cts = new CancellationTokenSource();
        // A dedicated thread rather than CancelAfter: a busy thread pool may fire timers late, after the run.
        var canceller = new Thread(() =>
        {
            Thread.Sleep(50);
            cts.Cancel();
        }) { IsBackground = true };

        canceller.Start();
        var clock = Stopwatch.StartNew();
        var ex = Assert.Throws<OperationCanceledException>(() => session.Run([input], cancellationToken: cts.Token));
        var elapsed = clock.Elapsed;
        canceller.Join();

        Assert.Contains("terminate", Assert.IsType<OnnxRuntimeException>(ex.InnerException).Message);
        Assert.True(elapsed > TimeSpan.FromMilliseconds(40), $"the run ended after {elapsed}, before it was cancelled");
        var output = session.Run([OnnxInput.Float("x", new float[Width], 1, Width)]);
        Assert.Equal([1L, Width], output[0].Shape);
    }
}
