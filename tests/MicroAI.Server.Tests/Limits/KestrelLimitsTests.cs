using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using MicroAI.Server.Limits;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Tests.Limits;

/// <summary>A server whose Kestrel limits come from the <c>Kestrel:Limits</c> section: a 1 s header timeout and 4 connections.</summary>
public sealed class KestrelLimitsFixture : ServerFixture
{
    public const int MaxConnections = 4;

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--Kestrel:Limits:RequestHeadersTimeout=00:00:01",
        $"--Kestrel:Limits:MaxConcurrentConnections={MaxConnections}",
    ];
}

/// <summary>Slow-loris and too many connections, over raw sockets against the running server.</summary>
public sealed class KestrelLimitsTests(KestrelLimitsFixture server) : IClassFixture<KestrelLimitsFixture>
{
    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server.BaseUri.Host, server.BaseUri.Port);
        return socket;
    }

    /// <summary>Sends GET /health on the connection; the status line, or null when the server closed it instead.</summary>
    private static async Task<string?> HealthAsync(Socket socket)
    {
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            // /health answers with a chunked body: read up to its last chunk, so the next request on
            // this connection starts clean.
            var buffer = new byte[4096];
            var text = "";
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (!text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (read == 0)
                    break;
                text += Encoding.ASCII.GetString(buffer, 0, read);
            }
            return text.Length == 0 ? null : text.Split("\r\n")[0];
        }
        catch (SocketException)
        {
            return null; // Reset by the server.
        }
    }

    [Fact]
    public void Kestrel_Limits_configuration_overrides_our_defaults_and_the_rest_keep_them()
    {
        var limits = server.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;
        Assert.Equal(TimeSpan.FromSeconds(1), limits.RequestHeadersTimeout);
        Assert.Equal(KestrelLimitsFixture.MaxConnections, limits.MaxConcurrentConnections);
        // Not configured: our defaults, not Kestrel's (100 headers, 130 s keep-alive, 30,000,000-byte bodies).
        Assert.Equal(64, limits.MaxRequestHeaderCount);
        Assert.Equal(TimeSpan.FromSeconds(60), limits.KeepAliveTimeout);
        Assert.Equal(new RequestLimits().MaxRequestBodyBytes, limits.MaxRequestBodySize);
    }

    [Fact]
    public async Task A_client_sending_its_headers_slowly_is_cut_off_after_RequestHeadersTimeout()
    {
        using var socket = await ConnectAsync();
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /health HTTP/1.1\r\nHost: localhost\r\n"));
        var clock = Stopwatch.StartNew();
        var buffer = new byte[4096];
        var answer = "";
        var closed = false;
        // One header line every 200 ms, never the blank line that ends them; for at most 10 s.
        while (clock.Elapsed < TimeSpan.FromSeconds(10) && !closed)
        {
            try
            {
                if (socket.Poll(200_000, SelectMode.SelectRead))
                {
                    var read = socket.Receive(buffer);
                    answer += Encoding.ASCII.GetString(buffer, 0, read);
                    closed = read == 0;
                    continue;
                }
                await socket.SendAsync(Encoding.ASCII.GetBytes($"X-Slow-{clock.ElapsedMilliseconds}: y\r\n"));
            }
            catch (SocketException)
            {
                closed = true;
            }
        }

        Assert.True(closed, $"the connection was still open after {clock.Elapsed.TotalSeconds:F1} s");
        // 1 s configured; Kestrel checks timeouts on its 1 s heartbeat, so it acts within about 2 s.
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.9, 4);
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
        // And the server still answers everyone else.
        Assert.True((await server.Http.GetAsync("health")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Connections_past_MaxConcurrentConnections_are_refused_while_open_ones_keep_being_served()
    {
        // The fixture's own HttpClient may hold a pooled connection; count what the server accepts.
        var open = new List<Socket>();
        try
        {
            Socket? refused = null;
            for (var i = 0; i <= KestrelLimitsFixture.MaxConnections && refused is null; i++)
            {
                var socket = await ConnectAsync();
                if (await HealthAsync(socket) is { } status)
                {
                    Assert.StartsWith("HTTP/1.1 200", status, StringComparison.Ordinal);
                    open.Add(socket);
                }
                else
                {
                    refused = socket;
                }
            }

            Assert.NotNull(refused);
            refused.Dispose();
            Assert.InRange(open.Count, KestrelLimitsFixture.MaxConnections - 1, KestrelLimitsFixture.MaxConnections);
            // Still refused while all are held; the open ones are still served (keep-alive).
            using (var again = await ConnectAsync())
                Assert.Null(await HealthAsync(again));
            foreach (var socket in open)
                Assert.StartsWith("HTTP/1.1 200", await HealthAsync(socket), StringComparison.Ordinal);

            // One closed makes room for a new one (the server notices the close asynchronously).
            open[0].Dispose();
            open.RemoveAt(0);
            string? next = null;
            for (var attempt = 0; attempt < 50 && next is null; attempt++)
            {
                using var socket = await ConnectAsync();
                next = await HealthAsync(socket);
                if (next is null)
                    await Task.Delay(50);
            }
            Assert.StartsWith("HTTP/1.1 200", next, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var socket in open)
                socket.Dispose();
        }
    }
}
