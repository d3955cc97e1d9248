namespace MicroAI.Server.Security;

/// <summary>Refuses a caller over its tokens-per-minute budget, and charges each request's tokens when it ends.</summary>
internal sealed class TokenBudgetMiddleware(RequestDelegate next, TokenBudgets budgets)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var caller = Caller.Of(http);
        if (budgets.LimitFor(caller) <= 0 || http.Request.Path == "/health")
        {
            await next(http);
            return;
        }
        var wait = budgets.TryAdmit(caller);
        if (wait > TimeSpan.Zero)
        {
            await RequestRateLimiter.RateLimited(http, wait,
                $"Token rate limit reached for {caller.Display}: {budgets.LimitFor(caller)} tokens per minute (MicroAI:Security:RateLimits:TokensPerMinute).");
            return;
        }
        var usage = new TokenUsage();
        http.Features.Set(usage);
        try
        {
            await next(http);
        }
        finally
        {
            budgets.Charge(caller, usage.Tokens);
        }
    }
}
