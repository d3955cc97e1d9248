using System.Text.Encodings.Web;
using System.Text.Json;
using MicroAI.ModelRegistry;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Security;

/// <summary>
/// Admin actions (registry changes, model load/unload, key changes) and requests forwarded to an
/// upstream, one JSON object per line: when, who (key name and id, or the OS user for the CLI), from
/// where, what, on what, and the outcome. Append-only; lines are written whole under a lock (and
/// O_APPEND across processes), so the server and the CLI can share the file.
/// </summary>
public sealed partial class AuditLog(IOptions<SecurityOptions> options, IOptions<ModelRegistryOptions> registry, TimeProvider time, ILogger<AuditLog> log)
{
    /// <summary>HttpContext.Items key where an endpoint names what it acted on (a model name, "a → b").</summary>
    public const string TargetItem = "microai.audit.target";

    private static readonly Lock s_write = new();
    private static readonly JsonWriterOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Path { get; } = PathFor(options.Value, registry.Value);

    public static string PathFor(SecurityOptions security, ModelRegistryOptions registry) =>
        System.IO.Path.GetFullPath(security.AuditLog ?? System.IO.Path.Combine(registry.ResolveDataDirectory(), "audit.log"));

    public void Record(string actor, string? remote, string action, string? target, int status)
    {
        try
        {
            Append(Path, time.GetUtcNow(), actor, remote, action, target, status);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The action has happened; failing the request now would not undo it. Say it loudly.
            log.LogError("Could not write the audit log {Path}: {Message}. Action: {Actor} {Action} {Target} → {Status}", Path, ex.Message, actor, action, target, status);
        }
    }

    /// <summary>
    /// One request that left the box: who, which model they asked for, where it went and what it
    /// cost in tokens. Never the prompt or the answer: the log says that data left, not what it was.
    /// </summary>
    public void RecordForward(Caller caller, string model, string upstream, string upstreamModel, int promptTokens, int completionTokens, int status)
    {
        try
        {
            Write(Path, time.GetUtcNow(), caller.Display, caller.RemoteAddress?.ToString(), "forward", model, status, w =>
            {
                w.WriteString("upstream", upstream);
                w.WriteString("upstream_model", upstreamModel);
                w.WriteNumber("prompt_tokens", promptTokens);
                w.WriteNumber("completion_tokens", completionTokens);
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The answer has been sent; the gap in the record is what the operator must hear about.
            ForwardNotRecorded(log, Path, ex.Message, caller.Display, model, upstream, status);
        }
    }

    public static void Append(string path, DateTimeOffset when, string actor, string? remote, string action, string? target, int? status) =>
        Write(path, when, actor, remote, action, target, status, extra: null);

    /// <summary><paramref name="extra"/> writes the action's own fields, between the target and the status.</summary>
    private static void Write(string path, DateTimeOffset when, string actor, string? remote, string action, string? target, int? status, Action<Utf8JsonWriter>? extra)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, s_json))
        {
            w.WriteStartObject();
            w.WriteString("time", when.ToString("O"));
            w.WriteString("actor", actor);
            if (remote is not null)
                w.WriteString("remote", remote);
            w.WriteString("action", action);
            if (target is not null)
                w.WriteString("target", target);
            extra?.Invoke(w);
            if (status is { } code)
                w.WriteNumber("status", code);
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        lock (s_write)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the audit log {Path}: {Error}. Unrecorded forward: {Actor} {Model} → upstream {Upstream}, status {Status}")]
    private static partial void ForwardNotRecorded(ILogger logger, string path, string error, string actor, string model, string upstream, int status);
}

/// <summary>Records every non-GET request to an admin endpoint, allowed or refused, after it is answered.</summary>
internal sealed class AuditMiddleware(RequestDelegate next, AuditLog audit)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) ||
            http.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>()?.Scope != ApiScopes.Admin)
        {
            await next(http);
            return;
        }
        try
        {
            await next(http);
        }
        finally
        {
            var caller = Caller.Of(http);
            var target = http.Items.TryGetValue(AuditLog.TargetItem, out var t) ? t as string : null;
            target ??= http.Request.RouteValues.TryGetValue("name", out var n) ? n as string : null;
            audit.Record(caller.Key is null && http.Response.StatusCode is 401 or 403 ? "unauthenticated" : caller.Display,
                caller.RemoteAddress?.ToString(), $"{http.Request.Method} {http.Request.Path}", target, http.Response.StatusCode);
        }
    }
}
