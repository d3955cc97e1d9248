using System.Text.Json;
using MicroAI.ModelRegistry.Sources;

namespace MicroAI.Server.Management;

/// <summary>One pull progress line, the same for `pull --json` and POST /api/registry/pull.</summary>
internal static class PullProgressJson
{
    public static void Write(Utf8JsonWriter w, PullProgress p)
    {
        w.WriteStartObject();
        w.WriteString("status", p.Status);
        w.WriteNumber("completed", p.Completed);
        if (p.Total is { } total) w.WriteNumber("total", total);
        w.WriteNumber("bytes_per_second", Math.Round(p.BytesPerSecond));
        if (p.Eta is { } eta) w.WriteNumber("eta_seconds", Math.Round(eta.TotalSeconds, 1));
        w.WriteEndObject();
    }
}
