using System.Globalization;
using System.Threading.RateLimiting;
using MicroAI.Server.OpenAI;
using Microsoft.AspNetCore.RateLimiting;

namespace MicroAI.Server.Security;

/// <summary>
/// Requests per minute per key (per client address without keys), with ASP.NET Core's rate limiter:
/// one token bucket per partition, holding a minute's worth so a client may burst, refilled evenly.
/// </summary>
internal static class RequestRateLimiter
{
    public static IServiceCollection AddRequestRateLimits(this IServiceCollection services, SecurityOptions options)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, (string, int)>(http =>
            {
                if (http.Request.Path == "/health")
                    return RateLimitPartition.GetNoLimiter(("", 0));
                var caller = Caller.Of(http);
                var perMinute = caller.Key?.RequestsPerMinute ?? options.RateLimits.RequestsPerMinute;
                // The limit is part of the partition key, so a key whose limit changes in the key
                // file gets a fresh bucket at the new rate.
                return perMinute <= 0
                    ? RateLimitPartition.GetNoLimiter((caller.PartitionKey, 0))
                    : RateLimitPartition.GetTokenBucketLimiter((caller.PartitionKey, perMinute), p => Bucket(p.Item2));
            });
            limiter.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var caller = Caller.Of(context.HttpContext);
                return RateLimited(context.HttpContext, retryAfter,
                    $"Rate limit reached for {caller.Display}: {caller.Key?.RequestsPerMinute ?? options.RateLimits.RequestsPerMinute} requests per minute (MicroAI:Security:RateLimits:RequestsPerMinute).");
            };
        });
        return services;
    }

    /// <summary>
    /// A bucket of a minute's requests. Refill granularity: at most one timer tick a second
    /// (60 rpm → 1 request/s; 10 rpm → 1 request every 6 s), so a large limit does not mean a fast timer.
    /// </summary>
    private static TokenBucketRateLimiterOptions Bucket(int perMinute)
    {
        var period = TimeSpan.FromSeconds(Math.Max(1.0, 60.0 / perMinute));
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            ReplenishmentPeriod = period,
            TokensPerPeriod = Math.Max(1, (int)Math.Round(perMinute * period.TotalSeconds / 60.0)),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }

    /// <summary>The 429 of both limits, in OpenAI's shape, with Retry-After in whole seconds.</summary>
    public static async ValueTask RateLimited(HttpContext http, TimeSpan retryAfter, string message)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var error = new ApiError(StatusCodes.Status429TooManyRequests, message + $" Try again in {seconds} s.", "rate_limit_error", null, "rate_limit_exceeded");
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await error.WriteResponseAsync(http.Response);
    }
}
