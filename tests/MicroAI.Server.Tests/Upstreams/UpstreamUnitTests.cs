using System.Net;
using System.Text;
using System.Text.Json;
using MicroAI.Engines.Abstractions;
using MicroAI.ModelRegistry;
using MicroAI.Server.Generation;
using MicroAI.Server.Security;
using MicroAI.Server.Upstreams;
using MicroAI.Server.Upstreams.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Tests.Upstreams;

/// <summary>
/// The forwarding pieces without a network: the routing decision (a plain value) for every policy
/// and privacy rule, the circuit breaker on a hand-moved clock, the OpenAI request an upstream is
/// sent, and the reading of its stream (tool-call deltas, usage, breaks).
/// </summary>
public sealed class UpstreamUnitTests
{
    private static readonly ApiKey s_localOnly = new("key_local", "clinic", [0], ["inference"], null, null, LocalOnly: true);
    private static readonly ApiKey s_normal = new("key_normal", "laptop", [0], ["inference"], null, null);

    [Theory]
    // policy,          has local, breaker open → first, then, decision
    [InlineData("local", true, false, "Local", "None", "local")]
    [InlineData("upstream", true, false, "Upstream", "None", "upstream")]
    [InlineData("local-first", true, false, "Local", "Upstream", "local")]
    [InlineData("local-first", true, true, "Local", "None", "local")]
    [InlineData("local-first", false, false, "Upstream", "None", "upstream")]
    [InlineData("upstream-first", true, false, "Upstream", "Local", "upstream")]
    [InlineData("upstream-first", true, true, "Local", "None", "fallback")]
    [InlineData("upstream-first", false, false, "Upstream", "None", "upstream")]
    public void Each_policy_decides_from_what_exists_here_and_the_breaker(string policy, bool hasLocal, bool breakerOpen, string first, string then, string decision)
    {
        using var setup = new RouterSetup(policy, hasLocal);
        if (breakerOpen)
            setup.OpenBreaker();
        var d = setup.Router.Route("m", new Caller(s_normal, IPAddress.Loopback), out var refusal);
        Assert.Null(refusal);
        Assert.Equal((first, then, decision, policy), (d.First.ToString(), d.Then.ToString(), d.Decision, d.Policy));
    }

    [Theory]
    [InlineData("upstream", true)]
    [InlineData("local-first", true)]
    [InlineData("upstream-first", true)]
    [InlineData("upstream", false)]
    [InlineData("upstream-first", false)]
    public void A_local_only_key_is_never_routed_upstream_whatever_the_policy(string policy, bool hasLocal)
    {
        using var setup = new RouterSetup(policy, hasLocal);
        var d = setup.Router.Route("m", new Caller(s_localOnly, IPAddress.Loopback), out var refusal);
        Assert.NotEqual(RouteSide.Upstream, d.First);
        Assert.NotEqual(RouteSide.Upstream, d.Then);
        if (hasLocal)
        {
            Assert.Null(refusal);
            Assert.Equal(RouteSide.Local, d.First);
        }
        else
        {
            Assert.Equal(403, refusal!.Status);
            Assert.Equal("local_only", refusal.Code);
        }
    }

    [Fact]
    public void A_local_only_server_routes_nothing_upstream_and_offers_no_upstream_model()
    {
        using var setup = new RouterSetup("upstream-first", hasLocal: true, serverLocalOnly: true);
        var d = setup.Router.Route("m", new Caller(s_normal, IPAddress.Loopback), out var refusal);
        Assert.Null(refusal);
        Assert.Equal((RouteSide.Local, RouteSide.None), (d.First, d.Then));
        Assert.Empty(setup.Upstreams.Offered());
    }

    [Fact]
    public void A_model_no_upstream_offers_is_not_routed()
    {
        using var setup = new RouterSetup("upstream", hasLocal: true);
        var d = setup.Router.Route("other", new Caller(null, IPAddress.Loopback), out _);
        Assert.False(d.Routed);
        Assert.Equal(RouteSide.Local, d.First);
    }

    [Fact]
    public void Configuration_mistakes_are_named_at_start()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MicroAI:Upstreams:central:BaseUrl"] = "ftp://x",
            ["MicroAI:Upstreams:central:MaxConcurrentRequests"] = "0",
            ["MicroAI:Models:a:Upstream"] = "nowhere",
            ["MicroAI:Models:b:Upstream"] = "central",
            ["MicroAI:Models:b:Policy"] = "sideways",
            ["MicroAI:Models:c:Policy"] = "upstream-first",
        }).Build();
        var problems = UpstreamCatalog.Validate(config).ToList();
        Assert.Contains(problems, p => p.Contains("MicroAI:Upstreams:central:BaseUrl"));
        Assert.Contains(problems, p => p.Contains("MaxConcurrentRequests"));
        Assert.Contains(problems, p => p.Contains("MicroAI:Models:a:Upstream names 'nowhere'"));
        Assert.Contains(problems, p => p.Contains("MicroAI:Models:b:Policy is 'sideways'") && p.Contains("upstream-first"));
        Assert.Contains(problems, p => p.Contains("MicroAI:Models:c:Policy 'upstream-first' needs"));
    }

    [Fact]
    public void The_breaker_opens_after_consecutive_failures_lets_one_probe_through_after_the_cooldown_and_closes_on_success()
    {
        var time = new ManualTime();
        var breaker = new CircuitBreaker(3, TimeSpan.FromSeconds(30), time);
        Assert.False(breaker.Failure());
        breaker.Success(); // a success in between resets the count
        Assert.False(breaker.Failure());
        Assert.False(breaker.Failure());
        Assert.True(breaker.TryAcquire());
        Assert.True(breaker.Failure()); // the third in a row opens it
        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.False(breaker.TryAcquire());
        Assert.InRange(breaker.RetryAfter.TotalSeconds, 29.9, 30);

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
        Assert.True(breaker.TryAcquire());  // the probe
        Assert.False(breaker.TryAcquire()); // only one
        Assert.True(breaker.Failure());     // the probe failed: open again for a whole period
        Assert.Equal(BreakerState.Open, breaker.State);

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.True(breaker.TryAcquire());
        breaker.Success();
        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(0, breaker.ConsecutiveFailures);
    }

    [Fact]
    public void A_probe_whose_client_left_frees_the_probe_for_the_next_request()
    {
        var time = new ManualTime();
        var breaker = new CircuitBreaker(1, TimeSpan.FromSeconds(5), time);
        breaker.Failure();
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.True(breaker.TryAcquire());
        breaker.Release();
        Assert.True(breaker.TryAcquire());
    }

    [Fact]
    public void The_forwarded_request_carries_what_the_caller_set_and_nothing_it_did_not()
    {
        using var tools = JsonDocument.Parse("""{"type":"function","function":{"name":"weather","parameters":{"type":"object"}}}""");
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"string"}}}""");
        var request = new TextRequest
        {
            Model = "big",
            Messages =
            [
                new ChatTurn("system", "Be brief."),
                new ChatTurn("user", "Weather in Oslo?"),
                new ChatTurn("assistant", "") { ToolCalls = [new ChatToolCall("call_1", "weather", """{"city":"Oslo"}""")] },
                new ChatTurn("tool", "-3 C") { ToolCallId = "call_1" },
            ],
            DefaultMaxTokens = 64,
            Stop = ["\n\n", ""],
            Temperature = 0.2f,
            Seed = 7,
            Tools = [new ToolDefinition(tools.RootElement, "tools[0].function")],
            ToolChoice = new ToolChoice(ToolChoiceMode.Function, "weather"),
            Format = new OutputFormat("json_schema", schema.RootElement, "response_format", "response_format.json_schema.schema"),
            Logprobs = 2,
        };
        var (path, body) = ForwardRequest.Build(request, "llama-70b");
        Assert.Equal("chat/completions", path);
        using var doc = JsonDocument.Parse(body);
        var r = doc.RootElement;
        Assert.Equal("llama-70b", r.GetProperty("model").GetString());
        Assert.True(r.GetProperty("stream").GetBoolean());
        Assert.True(r.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal(64, r.GetProperty("max_tokens").GetInt32());
        Assert.Equal(["\n\n"], r.GetProperty("stop").EnumerateArray().Select(s => s.GetString()!).ToArray());
        Assert.Equal(0.2, r.GetProperty("temperature").GetDouble(), 6);
        Assert.Equal(7, r.GetProperty("seed").GetInt64());
        Assert.True(r.GetProperty("logprobs").GetBoolean());
        Assert.Equal(2, r.GetProperty("top_logprobs").GetInt32());
        var messages = r.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "user", "assistant", "tool"], messages.Select(m => m.GetProperty("role").GetString()!).ToArray());
        Assert.Equal(JsonValueKind.Null, messages[2].GetProperty("content").ValueKind);
        Assert.Equal("""{"city":"Oslo"}""", messages[2].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("call_1", messages[3].GetProperty("tool_call_id").GetString());
        Assert.Equal("weather", r.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("weather", r.GetProperty("tool_choice").GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("json_schema", r.GetProperty("response_format").GetProperty("type").GetString());
        Assert.Equal("string", r.GetProperty("response_format").GetProperty("json_schema").GetProperty("schema").GetProperty("properties").GetProperty("a").GetProperty("type").GetString());
        foreach (var absent in new[] { "n", "top_p", "top_k", "min_p", "repeat_penalty", "grammar", "logit_bias", "presence_penalty" })
            Assert.False(r.TryGetProperty(absent, out _), absent);
    }

    [Fact]
    public void Raw_prompts_go_to_completions_with_token_arrays_as_given()
    {
        var request = new TextRequest { Prompts = [PromptInput.FromText("Once"), PromptInput.FromTokens([1, 2, 3])], N = 2, MaxTokens = 5, Logprobs = 1 };
        var (path, body) = ForwardRequest.Build(request, "m");
        Assert.Equal("completions", path);
        using var doc = JsonDocument.Parse(body);
        var prompt = doc.RootElement.GetProperty("prompt");
        Assert.Equal("Once", prompt[0].GetString());
        Assert.Equal([1, 2, 3], prompt[1].EnumerateArray().Select(t => t.GetInt32()).ToArray());
        Assert.Equal(2, doc.RootElement.GetProperty("n").GetInt32());
        Assert.Equal(1, doc.RootElement.GetProperty("logprobs").GetInt32());
    }

    [Fact]
    public async Task The_stream_becomes_text_then_tool_calls_then_ends_with_the_upstreams_usage()
    {
        var events = await ReadAsync(1,
            """{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}""",
            """{"choices":[{"index":0,"delta":{"content":"Let me check"}}]}""",
            """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_9","type":"function","function":{"name":"weather","arguments":"{\"ci"}}]}}]}""",
            """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ty\":\"Oslo\"}"}}]}}]}""",
            """{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
            """{"choices":[],"usage":{"prompt_tokens":21,"completion_tokens":9,"prompt_tokens_details":{"cached_tokens":16}}}""",
            "[DONE]");
        Assert.Equal([RunEventKind.Text, RunEventKind.ToolCalls, RunEventKind.Finished], events.Select(e => e.Kind).ToArray());
        Assert.Equal("Let me check", events[0].Text);
        var call = Assert.Single(events[1].ToolCalls!);
        Assert.Equal(("call_9", "weather", """{"city":"Oslo"}"""), (call.Id, call.Name, call.ArgumentsJson));
        Assert.Equal(new GenerationUsage(21, 9, 16), events[2].Usage);
    }

    [Fact]
    public async Task Several_choices_end_in_order_with_their_own_finish_reasons()
    {
        var events = await ReadAsync(2,
            """{"choices":[{"index":1,"text":"b"}]}""",
            """{"choices":[{"index":0,"text":"a"}]}""",
            """{"choices":[{"index":0,"text":"","finish_reason":"length"},{"index":1,"text":"","finish_reason":"stop"}]}""",
            """{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":8}}""",
            "[DONE]");
        Assert.Equal([(1, "b"), (0, "a")], events.Where(e => e.Kind == RunEventKind.Text).Select(e => (e.Choice, e.Text!)).ToArray());
        var ends = events.Where(e => e.Kind == RunEventKind.Finished).ToList();
        Assert.Equal([(0, FinishReason.Length), (1, FinishReason.Stop)], ends.Select(e => (e.Choice, e.FinishReason)).ToArray());
        Assert.Equal(8, ends.Sum(e => e.Usage.CompletionTokens));
        Assert.Equal(3, ends.Sum(e => e.Usage.PromptTokens));
    }

    [Fact]
    public async Task A_stream_that_breaks_off_or_reports_an_error_fails_its_unfinished_choices()
    {
        var dropped = await ReadAsync(1, """{"choices":[{"index":0,"delta":{"content":"Once"}}]}""");
        Assert.Equal(RunEventKind.Failed, dropped[^1].Kind);
        Assert.Equal("upstream_disconnected", dropped[^1].Failure!.Api!.Code);

        var reported = await ReadAsync(1, """{"choices":[{"index":0,"delta":{"content":"Once"}}]}""", """{"error":{"message":"out of memory","type":"server_error"}}""");
        Assert.Equal(RunEventKind.Failed, reported[^1].Kind);
        Assert.Contains("out of memory", reported[^1].Failure!.Api!.Message);
    }

    [Fact]
    public void Upstream_errors_keep_their_status_except_server_faults_which_are_a_bad_gateway()
    {
        Assert.Equal(401, UpstreamErrors.FromResponse(401, """{"error":{"message":"bad key","type":"authentication_error"}}""").Status);
        Assert.Equal(429, UpstreamErrors.FromResponse(429, """{"error":{"message":"slow down"}}""").Status);
        Assert.Equal(502, UpstreamErrors.FromResponse(500, "<html>oops</html>").Status);
        Assert.Equal(503, UpstreamErrors.FromResponse(503, """{"error":"busy"}""").Status);
        Assert.Contains("busy", UpstreamErrors.FromResponse(503, """{"error":"busy"}""").Message);
    }

    private static async Task<List<RunEvent>> ReadAsync(int choices, params string[] data)
    {
        var sse = string.Concat(data.Select(d => $"data: {d}\n\n"));
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(sse, Encoding.UTF8, "text/event-stream") };
        var (stream, failure) = await ForwardedStream.OpenAsync(response, choices, TimeSpan.FromSeconds(5), CancellationToken.None, CancellationToken.None);
        Assert.Null(failure);
        await using (stream)
        {
            var events = new List<RunEvent>();
            await foreach (var e in stream!.ReadAsync(null, TimeProvider.System, CancellationToken.None))
                events.Add(e);
            return events;
        }
    }

    /// <summary>An upstream "central" offering model "m", a local model "m" or none, and the router over them.</summary>
    private sealed class RouterSetup : IDisposable
    {
        public RouterSetup(string policy, bool hasLocal, bool serverLocalOnly = false)
        {
            var settings = new Dictionary<string, string?>
            {
                ["MicroAI:Upstreams:central:BaseUrl"] = "http://127.0.0.1:9/v1",
                ["MicroAI:Upstreams:central:Models:0"] = "m",
                ["MicroAI:Upstreams:central:BreakerFailures"] = "1",
                ["MicroAI:Models:m:Upstream"] = "central",
                ["MicroAI:Models:m:Policy"] = policy,
                ["MicroAI:LocalOnly"] = serverLocalOnly ? "true" : "false",
            };
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            var registry = new ModelRegistryOptions();
            configuration.GetSection("MicroAI").Bind(registry);
            Upstreams = new UpstreamCatalog(configuration, new StaticOptions(registry), TimeProvider.System, NullLogger<UpstreamCatalog>.Instance);
            Router = new ModelRouter(Upstreams, new Catalog(hasLocal ? "m" : null));
        }

        public UpstreamCatalog Upstreams { get; }
        public ModelRouter Router { get; }

        public void OpenBreaker() => Upstreams.All.Single().Breaker.Failure();

        public void Dispose() => Upstreams.Dispose();
    }

    /// <summary>A catalog with at most one local model; the router only asks whether an id exists here.</summary>
    private sealed class Catalog(string? local) : IModelCatalog
    {
        private readonly ModelEntry? _entry = local is null ? null
            : new ModelEntry(local, "/dev/null", ModelFormat.Gguf, 0, DateTimeOffset.UnixEpoch, "test", new ModelSettings());

        public string? DefaultModelId => null;
        public IReadOnlyList<ModelEntry> List() => _entry is null ? [] : [_entry];
        public ModelEntry? Find(string id) => _entry is not null && string.Equals(id, _entry.Id, StringComparison.OrdinalIgnoreCase) ? _entry : null;
        public MicroAI.ModelRegistry.Store.ModelStore Store => throw new NotSupportedException();
        public IReadOnlyList<string> Warnings => [];
    }

    private sealed class StaticOptions(ModelRegistryOptions value) : IOptionsMonitor<ModelRegistryOptions>
    {
        public ModelRegistryOptions CurrentValue => value;
        public ModelRegistryOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<ModelRegistryOptions, string?> listener) => null;
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _now = 1_000_000;
        public override long TimestampFrequency => 1_000_000;
        public override long GetTimestamp() => _now;
        public void Advance(TimeSpan by) => _now += (long)(by.TotalSeconds * TimestampFrequency);
    }
}
