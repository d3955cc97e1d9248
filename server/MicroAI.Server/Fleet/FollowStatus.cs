using System.Text.Json;
using MicroAI.ModelRegistry;

namespace MicroAI.Server.Fleet;

/// <summary>The "follow" object of GET /api/models/{name}: what the model follows and how its updates went.</summary>
internal static class FollowStatus
{
    public static (ModelSettings Settings, FollowState? State)? Find(ModelRegistryOptions options, string name)
    {
        var id = name.EndsWith(":latest", StringComparison.OrdinalIgnoreCase) ? name[..^":latest".Length] : name;
        if (!options.Models.TryGetValue(id, out var settings) || string.IsNullOrWhiteSpace(settings.Follow))
            return null;
        return (settings, FollowState.Load(FollowState.PathOf(options.ResolveDataDirectory(), id.ToLowerInvariant())));
    }

    public static void Write(Utf8JsonWriter w, ModelSettings settings, FollowState? state)
    {
        w.WriteStartObject("follow");
        w.WriteString("reference", settings.Follow);
        w.WriteString("interval", settings.FollowInterval ?? "5m");
        w.WriteString("current_digest", state?.CurrentDigest);
        if (state?.LastCheck is { } check)
            w.WriteString("last_check", check);
        else
            w.WriteNull("last_check");
        w.WriteString("last_error", state?.LastError);
        if (state?.LastErrorAt is { } at)
            w.WriteString("last_error_at", at);
        if (state?.RolledBackFrom is { } rolledBack)
            w.WriteString("rolled_back_from", rolledBack);
        w.WriteStartArray("versions");
        foreach (var v in state?.Versions ?? [])
        {
            w.WriteStartObject();
            w.WriteString("digest", v.Digest);
            w.WriteString("name", v.Tag);
            w.WriteString("applied", v.Applied);
            w.WriteBoolean("serving", v.Digest == state!.CurrentDigest);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
