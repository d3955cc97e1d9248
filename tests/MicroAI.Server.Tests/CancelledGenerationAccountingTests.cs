using System.Net;
using System.Text.Json.Nodes;
using MicroAI.Server.Security;
using MicroAI.Server.Tests.Security;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests;

/// <summary>
/// Tokens generated for a client that went away mid-stream were generated all the same: /metrics and
/// the caller's token budget count them (a browser check once saw /metrics count none).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class CancelledGenerationMetricsTests(ServerFixture server)
{
    [Fact]
    public async Task A_stream_cancelled_mid_way_counts_its_generated_tokens_in_metrics()
    {
        var before = await GeneratedTokensAsync(server.Http);

        var pieces = await CancelledGeneration.StreamAndWalkAwayAsync(server.BaseUri, key: null, pieces: 20);

        // The server notices the disconnect and accounts on its way out: wait for it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        double after;
        while ((after = await GeneratedTokensAsync(server.Http)) < before + pieces && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.True(after >= before + pieces, $"/metrics counted {after - before} generated tokens for a request cancelled after {pieces} pieces");
    }

    private static async Task<double> GeneratedTokensAsync(HttpClient http) =>
        PrometheusText.SumByMetric(await http.GetStringAsync("metrics")).GetValueOrDefault("microai_generated_tokens_total");
}

/// <summary>A key with a token budget small enough that only a cancelled request's generated tokens can exhaust it.</summary>
public sealed class CancelledBudgetServerFixture : KeyedServerFixture
{
    public static readonly string FortyTokensPerMinute = ApiKeyHash.NewKey();

    protected override IEnumerable<string> MoreArguments =>
    [
        "--MicroAI:Security:ApiKeys:2:Name=cancelling",
        "--MicroAI:Security:ApiKeys:2:Hash=" + ApiKeyHash.Of(FortyTokensPerMinute),
        "--MicroAI:Security:ApiKeys:2:TokensPerMinute=40",
    ];
}

public sealed class CancelledGenerationBudgetTests(CancelledBudgetServerFixture server) : IClassFixture<CancelledBudgetServerFixture>
{
    [Fact]
    public async Task A_stream_cancelled_mid_way_charges_its_generated_tokens_to_the_budget()
    {
        // A prompt of ~5 tokens is well inside 40; with the 60 tokens generated before the client left it is not.
        await CancelledGeneration.StreamAndWalkAwayAsync(server.BaseUri, CancelledBudgetServerFixture.FortyTokensPerMinute, pieces: 60);

        // Any request of that key is refused once its balance is spent; wait for the server to charge.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        HttpStatusCode status;
        do
        {
            using var request = KeyedServerFixture.Request(HttpMethod.Get, "v1/models", CancelledBudgetServerFixture.FortyTokensPerMinute);
            using var response = await server.Http.SendAsync(request);
            status = response.StatusCode;
            if (status != HttpStatusCode.TooManyRequests)
                await Task.Delay(50);
        }
        while (status != HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
    }
}

internal static class CancelledGeneration
{
    /// <summary>Streams a long completion, reads <paramref name="pieces"/> text chunks, and drops the connection; returns the pieces read.</summary>
    public static async Task<int> StreamAndWalkAwayAsync(Uri server, string? key, int pieces)
    {
        var body = new JsonObject
        {
            ["model"] = ServerFixture.StoriesModel,
            ["prompt"] = "Once upon a time",
            ["stream"] = true,
            ["max_tokens"] = 2000,
            ["temperature"] = 1,
            ["seed"] = 3,
        };
        // No draining on dispose: a client that goes away closes the connection.
        using var handler = new SocketsHttpHandler { MaxResponseDrainSize = 0 };
        using var client = new HttpClient(handler) { BaseAddress = server };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = KeyedServerFixture.Request(HttpMethod.Post, "v1/completions", key, body.ToJsonString());
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var read = 0;
        while (read < pieces)
        {
            var line = await reader.ReadLineAsync(cts.Token);
            Assert.NotNull(line);
            Assert.DoesNotContain("finish_reason\":\"", line, StringComparison.Ordinal);
            if (line.StartsWith("data: ", StringComparison.Ordinal))
                read++;
        }
        await cts.CancelAsync();
        response.Dispose();
        return read;
    }
}
