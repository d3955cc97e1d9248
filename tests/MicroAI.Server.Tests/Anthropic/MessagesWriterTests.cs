using System.Runtime.CompilerServices;
using System.Text;
using MicroAI.Engines.Abstractions;
using MicroAI.Server.Anthropic.Messages;
using MicroAI.Server.Generation;
using Microsoft.AspNetCore.Http;

namespace MicroAI.Server.Tests.Anthropic;

/// <summary>The stream's keep-alive: a ping after message_start, and one per PingInterval of silence, never in between.</summary>
public sealed class MessagesWriterTests
{
    [Fact]
    public async Task A_silent_stream_sends_a_ping_per_interval_and_a_busy_one_only_the_first()
    {
        // 1000× time: the 10 s interval passes in 10 ms, so 300 ms of silence is 30 intervals.
        var time = new FastTimeProvider(1000);

        var silent = await StreamAsync(time, silence: TimeSpan.FromMilliseconds(300));
        var busy = await StreamAsync(time, silence: TimeSpan.Zero);

        Assert.InRange(Count(silent, "event: ping\n"), 5, 40);
        Assert.Equal(1, Count(busy, "event: ping\n"));
        foreach (var body in new[] { silent, busy })
        {
            Assert.StartsWith("event: message_start\n", body, StringComparison.Ordinal);
            Assert.EndsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", body, StringComparison.Ordinal);
            Assert.Contains("\"text\":\"Once\"", body, StringComparison.Ordinal);
            Assert.Contains("\"stop_reason\":\"end_turn\"", body, StringComparison.Ordinal);
        }
    }

    private static async Task<string> StreamAsync(TimeProvider time, TimeSpan silence)
    {
        var http = new DefaultHttpContext();
        var body = new MemoryStream();
        http.Response.Body = body;
        var usage = new RunUsage(5);
        var run = new GenerationRun("m", 0, 1, 1, false, Events(silence, usage), usage);

        await new MessagesWriter(stream: true, [], time).WriteAsync(http.Response, run, CancellationToken.None);
        await http.Response.BodyWriter.FlushAsync();
        return Encoding.UTF8.GetString(body.ToArray());
    }

    private static async IAsyncEnumerable<RunEvent> Events(TimeSpan silence, RunUsage usage, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await Task.Delay(silence, ct);
        yield return new RunEvent(0, RunEventKind.Text, "Once");
        usage.CompletionTokens = 1;
        yield return new RunEvent(0, RunEventKind.Finished, FinishReason: FinishReason.Stop);
    }

    private static int Count(string text, string part)
    {
        var n = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
            n++;
        return n;
    }

    /// <summary>Real time, sped up: timestamps run <paramref name="factor"/> times faster and timers fire that much sooner.</summary>
    private sealed class FastTimeProvider(long factor) : TimeProvider
    {
        private readonly long _start = global::System.Diagnostics.Stopwatch.GetTimestamp();

        public override long TimestampFrequency => global::System.Diagnostics.Stopwatch.Frequency;
        public override long GetTimestamp() => _start + (global::System.Diagnostics.Stopwatch.GetTimestamp() - _start) * factor;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            TimeProvider.System.CreateTimer(callback, state, Scale(dueTime), Scale(period));

        private TimeSpan Scale(TimeSpan t) => t == Timeout.InfiniteTimeSpan || t <= TimeSpan.Zero ? t : TimeSpan.FromTicks(Math.Max(1, t.Ticks / factor));
    }
}
