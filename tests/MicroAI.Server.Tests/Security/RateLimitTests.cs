using System.Net;
using MicroAI.Server.Security;

namespace MicroAI.Server.Tests.Security;

/// <summary>Keys with their own request and token limits; everyone else unlimited.</summary>
public sealed class RateLimitedServerFixture : KeyedServerFixture
{
    public static readonly string ThreePerMinute = ApiKeyHash.NewKey();
    public static readonly string ThirtyTokensPerMinute = ApiKeyHash.NewKey();

    protected override IEnumerable<string> MoreArguments =>
    [
        "--MicroAI:Security:ApiKeys:2:Name=slow",
        "--MicroAI:Security:ApiKeys:2:Hash=" + ApiKeyHash.Of(ThreePerMinute),
        "--MicroAI:Security:ApiKeys:2:RequestsPerMinute=3",
        "--MicroAI:Security:ApiKeys:3:Name=frugal",
        "--MicroAI:Security:ApiKeys:3:Hash=" + ApiKeyHash.Of(ThirtyTokensPerMinute),
        "--MicroAI:Security:ApiKeys:3:TokensPerMinute=30",
    ];
}

public sealed class RateLimitTests(RateLimitedServerFixture server) : IClassFixture<RateLimitedServerFixture>
{
    private async Task<(HttpResponseMessage Response, string Text)> Send(string key, string path = "/v1/models", string? json = null)
    {
        using var request = KeyedServerFixture.Request(json is null ? HttpMethod.Get : HttpMethod.Post, path, key, json);
        var response = await server.Http.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RequestsPerMinute_Is429WithRetryAfter_ForThatKeyOnly()
    {
        for (var i = 0; i < 3; i++)
        {
            var (ok, text) = await Send(RateLimitedServerFixture.ThreePerMinute);
            Assert.True(ok.StatusCode == HttpStatusCode.OK, text);
        }
        var (limited, body) = await Send(RateLimitedServerFixture.ThreePerMinute);
        var error = ErrorResponseTests.AssertError(limited, body, HttpStatusCode.TooManyRequests, null, "rate_limit_exceeded");
        Assert.Contains("3 requests per minute", (string?)error["message"]);
        Assert.Contains("RequestsPerMinute", (string?)error["message"]);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter >= TimeSpan.FromSeconds(1) && retryAfter <= TimeSpan.FromSeconds(60), $"Retry-After {retryAfter}");

        // Another key is not affected, and /health never is.
        var (other, _) = await Send(KeyedServerFixture.InferenceKey);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        using var health = await server.Http.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task TokensPerMinute_ChargesWhatARequestUsed_AndRefusesTheNextOne()
    {
        const string completion = """{"model":"stories260K","prompt":"Once upon a time","max_tokens":40,"temperature":0}""";
        var (first, text) = await Send(RateLimitedServerFixture.ThirtyTokensPerMinute, "/v1/completions", completion);
        Assert.True(first.StatusCode == HttpStatusCode.OK, text); // admitted: the budget was positive

        var (second, body) = await Send(RateLimitedServerFixture.ThirtyTokensPerMinute, "/v1/completions", completion);
        var error = ErrorResponseTests.AssertError(second, body, HttpStatusCode.TooManyRequests, null, "rate_limit_exceeded");
        Assert.Contains("30 tokens per minute", (string?)error["message"]);
        // ~45 tokens used against 30: the balance is about -15 and refills at 0.5 token/s.
        var retryAfter = second.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter >= TimeSpan.FromSeconds(10) && retryAfter <= TimeSpan.FromSeconds(120), $"Retry-After {retryAfter}");

        var (other, _) = await Send(KeyedServerFixture.InferenceKey, "/v1/completions", completion);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
