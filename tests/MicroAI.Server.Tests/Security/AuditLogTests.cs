using System.Net;
using System.Text.Json.Nodes;
using MicroAI.ModelRegistry;
using MicroAI.Server.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Tests.Security;

/// <summary>The audit record of a forwarded request: who, which model, where, how many tokens; never what was said.</summary>
public sealed class AuditLogTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 8, 1, 2, 3, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("microai-audit-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private AuditLog Log(string? path = null) => new(
        Options.Create(new SecurityOptions { AuditLog = path ?? Path.Combine(_folder, "audit.log") }),
        Options.Create(new ModelRegistryOptions { DataDirectory = _folder }),
        new FixedTime(s_now),
        NullLogger<AuditLog>.Instance);

    private static Caller Laptop => new(
        new ApiKey("key_0123456789", "laptop", new byte[32], [ApiScopes.Inference], null, null),
        IPAddress.Parse("192.0.2.7"));

    [Fact]
    public void RecordForward_WritesOneLine_WithWhoWhereAndTokens_AndNothingElse()
    {
        var audit = Log();
        AuditLog.Append(audit.Path, s_now, "cli:someone", null, "key.create", "laptop (key_0123456789)", null);
        audit.RecordForward(Laptop, "big-model", "central", "llama-3-70b", promptTokens: 12, completionTokens: 34, status: 200);

        var lines = File.ReadAllLines(audit.Path);
        Assert.Equal(2, lines.Length);
        // The other actions keep their shape.
        Assert.Equal("""{"time":"2026-12-08T01:02:03.0000000+00:00","actor":"cli:someone","action":"key.create","target":"laptop (key_0123456789)"}""", lines[0]);

        var forward = JsonNode.Parse(lines[1])!.AsObject();
        // Exactly these fields: a field carrying the prompt or the answer could not slip in unnoticed.
        Assert.Equal(
            ["time", "actor", "remote", "action", "target", "upstream", "upstream_model", "prompt_tokens", "completion_tokens", "status"],
            forward.Select(p => p.Key));
        Assert.Equal("2026-12-08T01:02:03.0000000+00:00", (string?)forward["time"]);
        Assert.Equal("laptop (key_0123456789)", (string?)forward["actor"]);
        Assert.Equal("192.0.2.7", (string?)forward["remote"]);
        Assert.Equal("forward", (string?)forward["action"]);
        Assert.Equal("big-model", (string?)forward["target"]);
        Assert.Equal("central", (string?)forward["upstream"]);
        Assert.Equal("llama-3-70b", (string?)forward["upstream_model"]);
        Assert.Equal(12, (int?)forward["prompt_tokens"]);
        Assert.Equal(34, (int?)forward["completion_tokens"]);
        Assert.Equal(200, (int?)forward["status"]);
    }

    [Fact]
    public void RecordForward_ForAnAnonymousCaller_SaysSo_AndKeepsErrorStatuses()
    {
        var audit = Log();
        audit.RecordForward(new Caller(null, null), "big-model", "central", "big-model", 0, 0, 502);
        var forward = JsonNode.Parse(Assert.Single(File.ReadAllLines(audit.Path)))!;
        Assert.Equal("anonymous", (string?)forward["actor"]);
        Assert.Null(forward["remote"]);
        Assert.Equal(502, (int?)forward["status"]);
    }

    [Fact]
    public async Task ConcurrentRecords_AreWholeLines()
    {
        var audit = Log();
        // 8 writers × 200 lines: interleaved writes would break lines apart or glue two together.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
                audit.RecordForward(Laptop, "model-" + t, "central", "m", i, i, 200);
        })));
        var lines = await File.ReadAllLinesAsync(audit.Path);
        Assert.Equal(1600, lines.Length);
        var parsed = lines.Select(l => JsonNode.Parse(l)!).ToList();
        for (var t = 0; t < 8; t++)
            Assert.Equal(Enumerable.Range(0, 200), parsed.Where(p => (string?)p["target"] == "model-" + t).Select(p => (int)p["prompt_tokens"]!));
    }

    [Fact]
    public void RecordForward_ToAnUnwritableLog_DoesNotThrow()
    {
        // A directory where the file should be: the forward has happened, the request must not fail now.
        var audit = Log(_folder);
        audit.RecordForward(Laptop, "big-model", "central", "big-model", 1, 1, 200);
        Assert.True(Directory.Exists(_folder));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
