using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Security;

/// <summary>
/// Tokens per minute per key. The token count of a request is only known when it ends, so each
/// partition is a bucket that may go into debt: a request is admitted while the balance is
/// positive, its prompt and generated tokens are charged when it finishes, and the balance refills
/// continuously at the per-minute rate. (ASP.NET Core's limiters take permits up front and cannot
/// charge after the fact; the request-count limit uses them.)
/// </summary>
public sealed class TokenBudgets(IOptions<SecurityOptions> options, TimeProvider time)
{
    private const int MaxPartitions = 10_000;
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new();
    private readonly int _default = options.Value.RateLimits.TokensPerMinute;

    public int LimitFor(Caller caller) => caller.Key?.TokensPerMinute ?? _default;

    /// <summary>Zero when the caller may start a request now, else how long until its balance is positive again.</summary>
    public TimeSpan TryAdmit(Caller caller)
    {
        var limit = LimitFor(caller);
        if (limit <= 0)
            return TimeSpan.Zero;
        var bucket = BucketOf(caller, limit);
        lock (bucket)
        {
            var balance = bucket.Refill(time.GetTimestamp(), time.TimestampFrequency);
            return balance > 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - balance) * 60.0 / limit);
        }
    }

    /// <summary>Charges the tokens a finished request used.</summary>
    public void Charge(Caller caller, long tokens)
    {
        var limit = LimitFor(caller);
        if (limit <= 0 || tokens <= 0)
            return;
        var bucket = BucketOf(caller, limit);
        lock (bucket)
        {
            bucket.Refill(time.GetTimestamp(), time.TimestampFrequency);
            bucket.Balance -= tokens;
        }
    }

    private Bucket BucketOf(Caller caller, int limit)
    {
        if (_buckets.Count > MaxPartitions)
            Trim();
        var bucket = _buckets.GetOrAdd(caller.PartitionKey, _ => new Bucket(limit, time.GetTimestamp()));
        bucket.Limit = limit;
        return bucket;
    }

    /// <summary>Forgets full buckets (clients that have been idle for a minute) so many addresses cannot grow the table without bound.</summary>
    private void Trim()
    {
        foreach (var (key, bucket) in _buckets)
        {
            lock (bucket)
            {
                if (bucket.Refill(time.GetTimestamp(), time.TimestampFrequency) >= bucket.Limit)
                    _buckets.TryRemove(key, out _);
            }
        }
    }

    private sealed class Bucket(int limit, long now)
    {
        private long _updated = now;
        public int Limit = limit;
        public double Balance = limit;

        public double Refill(long now, long frequency)
        {
            var elapsed = (now - _updated) / (double)frequency;
            _updated = now;
            Balance = Math.Min(Limit, Balance + elapsed * Limit / 60.0);
            return Balance;
        }
    }
}

/// <summary>Per-request token count the endpoints report (prompt + generated), charged to the caller's budget at the end.</summary>
public sealed class TokenUsage
{
    private long _tokens;

    public long Tokens => Interlocked.Read(ref _tokens);

    public void Add(long tokens) => Interlocked.Add(ref _tokens, tokens);

    /// <summary>Counts tokens against the request's caller; a no-op when no token limit applies.</summary>
    public static void Add(HttpContext http, long tokens) => http.Features.Get<TokenUsage>()?.Add(tokens);
}
