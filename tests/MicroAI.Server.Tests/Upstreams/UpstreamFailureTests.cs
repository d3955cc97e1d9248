using System.Net;
using System.Net.Sockets;

namespace MicroAI.Server.Tests.Upstreams;

/// <summary>
/// An upstream that fails: mid-stream (an error event or a dropped connection), before answering (its
/// own HTTP error, unreachable, too slow), or a client that leaves. Each reaches the caller in its own
/// protocol's shape with the status the contract gives it; the client's departure reaches the upstream.
/// </summary>
[Collection(UpstreamCollection.Name)]
public sealed class UpstreamFailureTests
{
    private const string Model = "central-model";

    [Fact]
    public async Task An_error_event_mid_stream_ends_the_clients_stream_with_an_error_in_its_protocols_shape()
    {
        await using var fake = await FakeUpstream.StartAsync();
        var failing = new ErrorEventMidStream(2, "the central model ran out of memory");
        fake.Behaviour = failing;
        await using var edge = await Edge.StartAsync(fake.OpenAIBaseUrl, []);

        foreach (var route in Enum.GetValues<ChatRoute>())
        {
            var answer = await StreamedAnswer.ReadAsync(edge.Http, route, StreamedAnswer.Body(route, Model, "Hi", 16));

            Assert.True(answer.Status == 200 && answer.Pieces == 2, $"{route}: {answer}"); // the pieces before the error were passed on
            Assert.NotNull(answer.Error);
            Assert.Contains(failing.Message, answer.ErrorMessage, StringComparison.Ordinal);
            Assert.False(answer.Completed, $"{route}: a failed stream must not end like a whole answer: {answer}");
        }
    }

    [Fact]
    public async Task A_connection_dropped_mid_stream_ends_the_clients_stream_with_an_error_event()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Behaviour = new DropsMidStream(2);
        await using var edge = await Edge.StartAsync(fake.OpenAIBaseUrl, []);

        foreach (var route in Enum.GetValues<ChatRoute>())
        {
            var answer = await StreamedAnswer.ReadAsync(edge.Http, route, StreamedAnswer.Body(route, Model, "Hi", 16));

            Assert.True(answer.Status == 200 && answer.Pieces == 2, $"{route}: {answer}");
            Assert.True(answer.Error is not null && !answer.Completed, $"{route}: {answer}");
        }
    }

    /// <summary>
    /// The upstream's status and message, except that its own 500 becomes 502 (the fault is upstream of
    /// this server, not in it); 503 is retried once before it is passed on, since nothing was sent yet.
    /// </summary>
    [Theory]
    [InlineData(500, 502, "server_error", 1)]
    [InlineData(503, 503, "server_error", 2)]
    [InlineData(429, 429, "rate_limit_error", 1)]
    [InlineData(401, 401, "authentication_error", 1)]
    public async Task An_upstream_http_error_keeps_its_status_and_message(int status, int expected, string type, int attemptsEach)
    {
        await using var fake = await FakeUpstream.StartAsync();
        var failing = new FailsWithStatus(status, $"central says no ({status})", type);
        fake.Behaviour = failing;
        await using var edge = await Edge.StartAsync(fake.OpenAIBaseUrl, []);

        foreach (var route in Enum.GetValues<ChatRoute>())
        {
            foreach (var stream in new[] { true, false })
            {
                var answer = await StreamedAnswer.ReadAsync(edge.Http, route, StreamedAnswer.Body(route, Model, "Hi", 8, stream));

                Assert.True(answer.Status == expected, $"{route} stream={stream}: {answer}");
                Assert.Contains(failing.Message, answer.ErrorMessage, StringComparison.Ordinal);
            }
        }
        Assert.Equal(6 * attemptsEach, fake.Requests);
    }

    [Fact]
    public async Task An_unreachable_upstream_answers_502_in_each_protocols_shape()
    {
        await using var edge = await Edge.StartAsync($"http://127.0.0.1:{ClosedPort()}/v1",
            [EdgeArgs.Upstream(Edge.Central, "Models:0", Model), EdgeArgs.Upstream(Edge.Central, "ConnectTimeoutSeconds", 2)]);

        foreach (var route in Enum.GetValues<ChatRoute>())
        {
            var answer = await StreamedAnswer.ReadAsync(edge.Http, route, StreamedAnswer.Body(route, Model, "Hi", 8));

            Assert.True(answer.Status == (int)HttpStatusCode.BadGateway && !string.IsNullOrEmpty(answer.ErrorMessage), $"{route}: {answer}");
        }
    }

    [Fact]
    public async Task An_upstream_that_sends_no_first_token_in_time_answers_504_and_is_cancelled()
    {
        await using var fake = await FakeUpstream.StartAsync();
        await using var edge = await Edge.StartAsync(fake.OpenAIBaseUrl, [EdgeArgs.Upstream(Edge.Central, "FirstTokenTimeoutSeconds", 1)]);

        foreach (var afterHeaders in new[] { false, true })
        {
            fake.Behaviour = new Hangs(afterHeaders);
            var answer = await StreamedAnswer.ReadAsync(edge.Http, ChatRoute.OpenAI, StreamedAnswer.Body(ChatRoute.OpenAI, Model, "Hi", 8));

            Assert.True(answer.Status == (int)HttpStatusCode.GatewayTimeout && !string.IsNullOrEmpty(answer.ErrorMessage), $"after headers: {afterHeaders}: {answer}");
        }
        Assert.NotNull(await fake.WaitForDisconnectAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(2, fake.Requests);
    }

    [Fact]
    public async Task A_client_that_disconnects_cancels_the_upstream_request()
    {
        await using var fake = await FakeUpstream.StartAsync();
        // The first piece at once, then a long pause: the upstream is still answering when the client leaves.
        fake.Behaviour = new Slow(TimeSpan.Zero, TimeSpan.FromSeconds(30), "First", " second");
        await using var edge = await Edge.StartAsync(fake.OpenAIBaseUrl, []);

        foreach (var route in Enum.GetValues<ChatRoute>())
        {
            var before = fake.Requests;
            var answer = await StreamedAnswer.ReadAsync(edge.Http, route, StreamedAnswer.Body(route, Model, "Hi", 8), leaveAfterFirstPiece: true);
            Assert.Equal("First", answer.Text);

            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!fake.Calls[before].ClientDisconnected && DateTime.UtcNow < deadline)
                await Task.Delay(20);
            Assert.True(fake.Calls[before].ClientDisconnected, $"{route}: the upstream request outlived its client by 10 s");
        }
    }

    /// <summary>A loopback port nothing listens on (bound and released: connections are refused).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
