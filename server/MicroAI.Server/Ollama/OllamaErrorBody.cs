using System.Text.Json;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Ollama;

/// <summary>
/// Ollama's error body, <c>{"error":"…"}</c>: its clients (OllamaSharp, ollama-python/js) read only the
/// message and the status, so the OpenAI type, param and code have nowhere to go.
/// </summary>
internal static class OllamaErrorBody
{
    public static void Write(Utf8JsonWriter w, ApiError error)
    {
        w.WriteStartObject();
        w.WriteString("error", error.Message);
        w.WriteEndObject();
    }
}
