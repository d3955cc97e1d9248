using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroAI.Server.Fleet;

/// <summary>
/// What a followed model has done, kept in DataDirectory/follow/ID.json so a restart, `microai
/// rollback` and GET /api/models/ID see the same thing: the versions applied (newest last), the
/// one serving, the last check and the last error.
/// </summary>
internal sealed record FollowState
{
    [JsonPropertyName("reference")] public string Reference { get; init; } = "";
    [JsonPropertyName("current_digest")] public string? CurrentDigest { get; init; }
    [JsonPropertyName("versions")] public List<FollowVersion> Versions { get; init; } = [];
    [JsonPropertyName("last_check")] public DateTimeOffset? LastCheck { get; init; }
    [JsonPropertyName("last_error")] public string? LastError { get; init; }
    [JsonPropertyName("last_error_at")] public DateTimeOffset? LastErrorAt { get; init; }
    /// <summary>A digest whose version failed to load or its smoke test: not pulled again until the tag moves.</summary>
    [JsonPropertyName("failed_digest")] public string? FailedDigest { get; init; }
    /// <summary>A digest rolled back from: not applied again until the followed tag moves elsewhere.</summary>
    [JsonPropertyName("rolled_back_from")] public string? RolledBackFrom { get; init; }

    public static string PathOf(string dataDirectory, string id) => Path.Combine(dataDirectory, "follow", id.Replace('/', '_') + ".json");

    public static FollowState? Load(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), FleetJsonContext.Default.FollowState) : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null; // a damaged state file: the next check rebuilds it from the registry
        }
    }

    /// <summary>Written whole and renamed into place, so a reader never sees half a file.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(this, FleetJsonContext.Default.FollowState));
        File.Move(temp, path, overwrite: true);
    }
}

/// <param name="Tag">The registry name it is kept under (ID:sha256-HEX12), which rollback retags as ID:latest.</param>
internal sealed record FollowVersion(
    [property: JsonPropertyName("digest")] string Digest,
    [property: JsonPropertyName("tag")] string Tag,
    [property: JsonPropertyName("applied")] DateTimeOffset Applied);

[JsonSerializable(typeof(FollowState))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class FleetJsonContext : JsonSerializerContext;
