using MicroAI.ModelRegistry;
using MicroAI.Runtime.Models;
using MicroAI.Server.Generation;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Ollama;

/// <summary>
/// Ollama's documented load and unload: /api/generate with no prompt, or /api/chat with no messages,
/// loads the model (and sets its keep_alive); with keep_alive 0 it unloads it. The answer is the
/// usual last line with done_reason "load" or "unload".
/// </summary>
internal static class OllamaResidency
{
    public static async Task<ApiError?> LoadOrUnloadAsync(HttpContext http, IModelHost host, IModelCatalog catalog, string model, TimeSpan? keepAlive, bool chat)
    {
        if (catalog.Find(model) is not { } entry)
            return OllamaErrors.ModelNotFound(model);
        string reason;
        if (keepAlive == TimeSpan.Zero)
        {
            reason = "unload";
            foreach (var loaded in host.Loaded.Where(m => m is LoadedTextModel && string.Equals(m.Entry.Id, entry.Id, StringComparison.OrdinalIgnoreCase)))
            {
                // A busy model is not cut off: it goes once its requests end (the keep-alive sweep runs every second).
                loaded.KeepAliveFor = TimeSpan.Zero;
                if (loaded.CanUnload)
                    await host.UnloadAsync(entry.Id);
            }
        }
        else
        {
            reason = "load";
            var lookup = await host.GetTextModelAsync(entry.Id, keepAlive, http.RequestAborted);
            using var lease = lookup.Lease;
            if (lookup.Model is null)
                return OllamaGenerationWriter.ToError(RunFailure.Of(lookup), model);
        }
        await JsonOutput.WriteResponseAsync(http, w =>
        {
            w.WriteStartObject();
            w.WriteString("model", entry.Id);
            w.WriteString("created_at", DateTime.UtcNow);
            if (chat)
            {
                w.WriteStartObject("message");
                w.WriteString("role", "assistant");
                w.WriteString("content", "");
                w.WriteEndObject();
            }
            else
            {
                w.WriteString("response", "");
            }
            w.WriteBoolean("done", true);
            w.WriteString("done_reason", reason);
            w.WriteEndObject();
        });
        return null;
    }
}
