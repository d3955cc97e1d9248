using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using MicroAI.Server.Generation;
using MicroAI.Server.OpenAI;
using MicroAI.Server.Security;
using MicroAI.Server.Upstreams.Routing;

namespace MicroAI.Server.Upstreams;

/// <summary>
/// Runs a request at an upstream as an OpenAI streaming request and hands its answer, as neutral
/// run events, to the caller's protocol writer, so an Ollama or Anthropic client gets the central
/// model's tokens as they come in its own shapes. Until the upstream's first event nothing is
/// written: a failure up to there is retried when safe (connection refused or reset, 502/503/504)
/// and otherwise returned, so the policy can fall back to the local model. Once the answer streams
/// it is the client's, and a failure ends it with an error in the protocol's streaming shape.
/// Every request sent is counted per upstream and written to the audit log (who, which model,
/// where, tokens, status; never the content).
/// </summary>
internal sealed partial class UpstreamForwarder(UpstreamCatalog catalog, TimeProvider time, Observability.MicroAIMetrics metrics, AuditLog audit,
    ILogger<UpstreamForwarder> log)
{
    /// <summary>Largest upstream error body read for its message; a proxy's HTML page can be larger and says nothing more.</summary>
    private const int MaxErrorBody = 64 * 1024;

    /// <summary>
    /// Answers the request from the upstream. Null when it did (successfully or with an error already
    /// written); otherwise nothing was written and the failure says why and whether it was the
    /// upstream's fault (then another side may take the request).
    /// </summary>
    public async Task<ForwardFailure?> TryRunAsync(HttpContext http, GenerationPlan plan, RouteDecision decision, IGenerationWriter writer)
    {
        var route = decision.Upstream!;
        var upstream = route.Upstream;
        var caller = Caller.Of(http);
        // The router already kept local-only callers here; this is the last line, just before the network.
        if (catalog.LocalOnly || caller.Key?.LocalOnly == true)
            return new ForwardFailure(UpstreamErrors.LocalOnly(plan.Model ?? route.Model), UpstreamFault: false);
        if (plan.Source is not { } request)
            return new ForwardFailure(ApiError.BadRequest("This request cannot be forwarded to an upstream.", "model"), UpstreamFault: false);

        var ct = http.RequestAborted;
        if (!upstream.Breaker.TryAcquire())
        {
            Count(upstream, "breaker_open");
            return new ForwardFailure(UpstreamErrors.BreakerOpen(upstream.Name, upstream.Breaker.RetryAfter), UpstreamFault: true);
        }
        if (!await upstream.WaitTurnAsync(upstream.FirstTokenTimeout, ct))
        {
            upstream.Breaker.Release();
            Count(upstream, "busy");
            return new ForwardFailure(UpstreamErrors.Busy(upstream.Name), UpstreamFault: true);
        }

        var started = time.GetTimestamp();
        ForwardedStream? stream = null;
        var status = StatusCodes.Status200OK;
        try
        {
            var (path, body) = ForwardRequest.Build(request, route.Model);
            var (opened, failure, fault) = await OpenAsync(upstream, path, body, plan.Choices.Count, started, ct);
            if (opened is null)
            {
                status = failure!.Status;
                if (fault)
                {
                    if (upstream.Breaker.Failure())
                        LogBreakerOpened(log, upstream.Name, upstream.Breaker.ConsecutiveFailures, upstream.Options.BreakerCooldownSeconds, failure.Message);
                }
                else
                {
                    upstream.Breaker.Success(); // it answered: alive, whatever it thought of the request
                }
                Count(upstream, fault ? Outcome(failure) : "rejected");
                LogNotStarted(log, upstream.Name, route.Model, failure.Status, failure.Message);
                return new ForwardFailure(failure, fault);
            }
            stream = opened;
            upstream.Breaker.Success();
            metrics.UpstreamFirstToken.Record(time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("upstream", upstream.Name));

            var servedBy = ServedBy.Upstream(upstream.Name);
            http.Response.Headers[ServedBy.Header] = servedBy;
            var usage = new RunUsage(0) { Timings = new RunTimings(time, started, started), ServedBy = servedBy };
            var logprobs = plan.Choices.Count > 0 && plan.Choices[0].Logprobs is not null;
            var run = new GenerationRun(plan.Model ?? route.Model, time.GetUtcNow().ToUnixTimeSeconds(), plan.Choices.Count, plan.ChoicesPerPrompt, logprobs,
                WithUsage(stream, usage, ct), usage);
            try
            {
                await writer.WriteAsync(http.Response, run, ct);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException && ct.IsCancellationRequested)
            {
                status = StatusCodes.Status499ClientClosedRequest;
                LogClientLeft(log, upstream.Name);
            }
            if (stream.Failure is { } broken && status == StatusCodes.Status200OK)
            {
                status = broken.Status;
                if (stream.TransportFailure && upstream.Breaker.Failure())
                    LogBreakerOpened(log, upstream.Name, upstream.Breaker.ConsecutiveFailures, upstream.Options.BreakerCooldownSeconds, broken.Message);
            }
            Count(upstream, status switch { 200 => "ok", 499 => "cancelled", _ => "failed_mid_stream" });
            return null;
        }
        finally
        {
            if (stream is not null)
            {
                Tokens(upstream, stream);
                http.Features.Get<TokenUsage>()?.Add(stream.PromptTokens + stream.CompletionTokens);
                audit.RecordForward(caller, plan.Model ?? route.Model, upstream.Name, route.Model, stream.PromptTokens, stream.CompletionTokens, status);
                await stream.DisposeAsync();
            }
            else if (status != StatusCodes.Status200OK)
            {
                audit.RecordForward(caller, plan.Model ?? route.Model, upstream.Name, route.Model, 0, 0, status);
            }
            else
            {
                upstream.Breaker.Release(); // cancelled before the upstream said anything
            }
            upstream.ReleaseTurn();
        }
    }

    /// <summary>Sends the request and waits for the first event, retrying what is safe to retry within the first-token deadline.</summary>
    private async Task<(ForwardedStream? Stream, ApiError? Failure, bool UpstreamFault)> OpenAsync(Upstream upstream, string path, byte[] body, int choices, long started, CancellationToken ct)
    {
        ApiError failure = UpstreamErrors.FirstTokenTimeout();
        for (var attempt = 0; attempt <= upstream.Options.Retries; attempt++)
        {
            var left = upstream.FirstTokenTimeout - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
                return (null, UpstreamErrors.FirstTokenTimeout(), true);
            using var first = CancellationTokenSource.CreateLinkedTokenSource(ct);
            first.CancelAfter(left);
            HttpResponseMessage? response = null;
            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
                message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                response = await upstream.Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, first.Token);
                var code = (int)response.StatusCode;
                if (code is >= 200 and < 300)
                {
                    var (stream, streamFailure) = await ForwardedStream.OpenAsync(response, choices, upstream.IdleTimeout, first.Token, ct);
                    response = null; // the stream owns it now (and has disposed it if it failed)
                    if (stream is not null)
                        return (stream, null, false);
                    failure = streamFailure!;
                    if (failure.Status == StatusCodes.Status504GatewayTimeout)
                        return (null, failure, true);
                    continue; // dropped before the first event: nothing reached the client, safe to try again
                }
                failure = UpstreamErrors.FromResponse(code, await ReadErrorAsync(response, first.Token));
                if (code is 502 or 503 or 504 && attempt < upstream.Options.Retries)
                    continue;
                // 429 and 5xx are the upstream's trouble (another side may answer); other 4xx are the request's.
                return (null, failure, code is 429 or >= 500);
            }
            catch (HttpRequestException ex) when (!ct.IsCancellationRequested)
            {
                failure = UpstreamErrors.Unreachable(upstream.Name, Reason(ex));
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return (null, UpstreamErrors.FirstTokenTimeout(), true);
            }
            finally
            {
                response?.Dispose();
            }
        }
        return (null, failure, true);
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxErrorBody];
        var read = 0;
        while (read < buffer.Length && await body.ReadAsync(buffer.AsMemory(read), ct) is var n and > 0)
            read += n;
        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <summary>The socket's words (connection refused, name not resolved), without the URL the exception may quote.</summary>
    private static string Reason(HttpRequestException ex) =>
        ex.InnerException is System.Net.Sockets.SocketException socket ? socket.SocketErrorCode switch
        {
            System.Net.Sockets.SocketError.ConnectionRefused => "connection refused",
            System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NoData => "host not found",
            System.Net.Sockets.SocketError.TimedOut => "connection timed out",
            System.Net.Sockets.SocketError.ConnectionReset => "connection reset",
            var other => other.ToString(),
        } : ex.HttpRequestError switch
        {
            HttpRequestError.ConnectionError => "connection failed",
            HttpRequestError.ResponseEnded => "connection closed before a response",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.NameResolutionError => "host not found",
            _ => "request failed",
        };

    /// <summary>The stream's events, with the run's usage filled in from the upstream's counts before the first choice's end is written.</summary>
    private async IAsyncEnumerable<RunEvent> WithUsage(ForwardedStream stream, RunUsage usage, [EnumeratorCancellation] CancellationToken ct)
    {
        var counted = false;
        await foreach (var e in stream.ReadAsync(usage.Timings, time, ct))
        {
            if (!counted && e.Kind is RunEventKind.Finished or RunEventKind.Failed or RunEventKind.ToolCalls)
            {
                counted = true;
                usage.PromptTokens = stream.PromptTokens;
                usage.CompletionTokens = stream.CompletionTokens;
                usage.CachedTokens = stream.CachedTokens;
            }
            yield return e;
        }
    }

    private static string Outcome(ApiError failure) => failure.Code switch
    {
        "upstream_timeout" => "timeout",
        "upstream_unreachable" or "upstream_disconnected" => "unreachable",
        _ => "error",
    };

    private void Count(Upstream upstream, string outcome) =>
        metrics.UpstreamRequests.Add(1, new KeyValuePair<string, object?>("upstream", upstream.Name), new KeyValuePair<string, object?>("outcome", outcome));

    private void Tokens(Upstream upstream, ForwardedStream stream)
    {
        var name = new KeyValuePair<string, object?>("upstream", upstream.Name);
        metrics.UpstreamTokens.Add(stream.PromptTokens, name, new KeyValuePair<string, object?>("type", "prompt"));
        metrics.UpstreamTokens.Add(stream.CompletionTokens, name, new KeyValuePair<string, object?>("type", "completion"));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream {Name} failed {Failures} time(s) in a row; skipped for {Seconds} s. Last: {Reason}")]
    private static partial void LogBreakerOpened(ILogger logger, string name, int failures, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream {Name} did not answer for model {Model}: {Status} {Reason}")]
    private static partial void LogNotStarted(ILogger logger, string name, string model, int status, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Client left; the request forwarded to {Name} was cancelled.")]
    private static partial void LogClientLeft(ILogger logger, string name);
}

/// <summary>Why a request was not answered by its upstream; <paramref name="UpstreamFault"/>: unreachable, timed out, overloaded or failing, so another side may answer.</summary>
internal sealed record ForwardFailure(ApiError Error, bool UpstreamFault);
