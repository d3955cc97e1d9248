using System.Text.Encodings.Web;
using System.Text.Json;
using MicroAI.ModelRegistry;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Security;

/// <summary>
/// Admin actions (registry changes, model load/unload, key changes), one JSON object per line:
/// when, who (key name and id, or the OS user for the CLI), from where, what, on what, and the
/// outcome. Append-only; lines are written whole under a lock (and O_APPEND across processes), so
/// the server and the CLI can share the file.
/// </summary>
public sealed class AuditLog(IOptions<SecurityOptions> options, IOptions<ModelRegistryOptions> registry, TimeProvider time, ILogger<AuditLog> log)
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

    public static void Append(string path, DateTimeOffset when, string actor, string? remote, string action, string? target, int? status)
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
