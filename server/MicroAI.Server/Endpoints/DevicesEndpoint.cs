using System.Text.Json;
using MicroAI.Backends;
using MicroAI.Backends.LlamaCpp;
using MicroAI.Server.OpenAI;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Endpoints;

/// <summary>GET /api/devices: the engines and the compute devices they found (ggml: CPU, CUDA, Vulkan, Metal).</summary>
internal static class DevicesEndpoint
{
    public static IEndpointRouteBuilder MapDevices(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/devices", HandleAsync).WithName("Devices").WithTags("Server");
        return app;
    }

    private static async Task HandleAsync(HttpContext http, IOptions<EngineOptions> options, IOptions<MicroAI.Backends.Onnx.OnnxRuntimeOptions> onnx, ILoggerFactory logs)
    {
        MicroAI.Backends.Onnx.OnnxRuntimeEnvironment? ort = null;
        string? ortProblem = null;
        try
        {
            ort = MicroAI.Backends.Onnx.OnnxRuntimeEnvironment.Shared(onnx.Value.NativeDirectory, logs);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or MicroAI.Backends.Onnx.OnnxRuntimeException)
        {
            ortProblem = ex.Message;
        }
        string? problem = null;
        try
        {
            LlamaRuntime.EnsureInitialised(options.Value.NativeDirectory, logs);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            problem = ex.Message;
        }
        http.Response.ContentType = "application/json";
        using (var w = JsonOutput.CreateWriter(http.Response.BodyWriter))
        {
            w.WriteStartObject();
            w.WriteStartArray("engines");
            w.WriteStartObject();
            w.WriteString("name", "llama.cpp");
            w.WriteString("version", LlamaRuntime.Version);
            w.WriteString("natives", LlamaRuntime.NativeDirectory);
            if (problem is not null)
                w.WriteString("error", problem);
            w.WriteStartArray("devices");
            foreach (var d in LlamaRuntime.Devices)
            {
                w.WriteStartObject();
                w.WriteString("name", d.Name);
                w.WriteString("description", d.Description);
                w.WriteString("type", d.Type);
                w.WriteNumber("memory_total", d.TotalBytes);
                w.WriteNumber("memory_free", d.FreeBytes);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();

            w.WriteStartObject();
            w.WriteString("name", "onnxruntime");
            w.WriteString("version", ort?.Version);
            w.WriteString("execution_provider", onnx.Value.ExecutionProvider);
            if (ortProblem is not null)
                w.WriteString("error", ortProblem);
            w.WriteStartArray("providers");
            foreach (var provider in ort?.DescribeProviders() ?? [])
            {
                w.WriteStartObject();
                w.WriteString("name", provider.Provider);
                w.WriteBoolean("available", provider.Used);
                if (provider.Reason is not null)
                    w.WriteString("reason", provider.Reason);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
    }
}
