using MicroAI.Engines.Abstractions;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Management;

/// <summary>GET /api/devices: the engines and the compute devices each found (ggml: CPU, CUDA, Vulkan, Metal; ONNX Runtime: its execution providers).</summary>
internal static class DevicesEndpoint
{
    public static IEndpointRouteBuilder MapDevices(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/devices", HandleAsync).WithName("Devices").WithTags("Server");
        return app;
    }

    private static async Task HandleAsync(HttpContext http, IEnumerable<IModelEngine> engines)
    {
        http.Response.ContentType = "application/json";
        using (var w = JsonOutput.CreateWriter(http.Response.BodyWriter))
        {
            w.WriteStartObject();
            w.WriteStartArray("engines");
            foreach (var engine in engines)
                engine.WriteDevices(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
    }
}
