using System.Text.Json;
using MicroAI.Engines.Quantization;

namespace MicroAI.Server.Management;

/// <summary>One quantize progress line, the same for `quantize --json` and POST /api/quantize: {"status","completed","total"} in tensors.</summary>
internal static class QuantizeProgressJson
{
    public static void Write(Utf8JsonWriter w, QuantizeProgress p)
    {
        w.WriteStartObject();
        w.WriteString("status", p.Status);
        w.WriteNumber("completed", p.Completed);
        if (p.Total is { } total) w.WriteNumber("total", total);
        w.WriteEndObject();
    }
}
