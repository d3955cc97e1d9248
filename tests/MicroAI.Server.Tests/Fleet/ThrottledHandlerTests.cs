using System.Diagnostics;
using System.Net;
using MicroAI.Server.Fleet;

namespace MicroAI.Server.Tests.Fleet;

/// <summary>FollowBandwidth: the bytes read through the update client are counted, and capped when a rate is set.</summary>
public sealed class ThrottledHandlerTests
{
    private sealed class Payload(int size) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[size]) });
    }

    [Fact]
    public async Task Bytes_are_counted_and_a_cap_holds_the_rate_to_it()
    {
        // 300 KB at 100 KB/s: the bucket starts with one second's worth, so at least 2 s pass. Only that lower
        // bound is asserted; a slow machine may take longer.
        using var capped = new ThrottledHandler(100_000, new Payload(300_000));
        using var http = new HttpClient(capped);
        var clock = Stopwatch.StartNew();
        var body = await http.GetByteArrayAsync("http://registry.invalid/blob");
        Assert.Equal(300_000, body.Length);
        Assert.Equal(300_000, capped.BytesRead);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"{clock.Elapsed.TotalSeconds:F2} s");

        using var free = new ThrottledHandler(0, new Payload(5_000_000));
        using var unlimited = new HttpClient(free);
        Assert.Equal(5_000_000, (await unlimited.GetByteArrayAsync("http://registry.invalid/blob")).Length);
        Assert.Equal(5_000_000, free.BytesRead);
    }
}
