using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAI.Server.Security;

/// <summary>
/// keys.json under the data directory: what <c>microai keys</c> writes and the server re-reads.
/// Written to a temporary file and renamed over the old one, so a reader sees the old or the new
/// list, never half of one; the file is readable by its owner only (0600) on Unix.
/// </summary>
public static class ApiKeyFile
{
    public static string DefaultPath(string dataDirectory) => Path.Combine(dataDirectory, "keys.json");

    /// <summary>The keys in the file; an empty list when it does not exist. Throws <see cref="InvalidDataException"/> when it is malformed.</summary>
    public static List<ApiKey> Read(string path)
    {
        if (!File.Exists(path))
            return [];
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The key file {path} is not valid JSON: {ex.Message}", ex);
        }
        var keys = new List<ApiKey>();
        if (root?["keys"] is not JsonArray array)
            throw new InvalidDataException($"The key file {path} has no \"keys\" array.");
        foreach (var node in array)
        {
            var id = (string?)node?["id"];
            var digest = ApiKeyHash.Parse((string?)node?["hash"]);
            if (node is null || id is null || digest is null)
                throw new InvalidDataException($"The key file {path} has an entry without a valid id and hash.");
            var scopes = (node["scopes"] as JsonArray)?.Select(s => (string?)s).OfType<string>().ToList() ?? [ApiScopes.Inference];
            keys.Add(new ApiKey(
                id,
                (string?)node["name"] ?? id,
                digest,
                scopes,
                node["created"] is { } c ? DateTimeOffset.Parse((string)c!, System.Globalization.CultureInfo.InvariantCulture) : null,
                (string?)node["prefix"],
                (int?)node["requests_per_minute"],
                (int?)node["tokens_per_minute"],
                LocalOnly: ReadLocalOnly(node["local_only"], path)));
        }
        return keys;
    }

    /// <summary>
    /// Absent (files from before the flag) is false; anything but a JSON boolean makes the file
    /// malformed rather than quietly false, so a hand-edited <c>"local_only": "yes"</c> keeps the
    /// server's previous keys instead of letting that key's requests leave the box.
    /// </summary>
    private static bool ReadLocalOnly(JsonNode? value, string path) => value switch
    {
        null => false,
        JsonValue v when v.TryGetValue<bool>(out var localOnly) => localOnly,
        _ => throw new InvalidDataException($"The key file {path} has a \"local_only\" that is not true or false."),
    };

    public static void Write(string path, IEnumerable<ApiKey> keys)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var array = new JsonArray();
        foreach (var k in keys)
        {
            var node = new JsonObject
            {
                ["id"] = k.Id,
                ["name"] = k.Name,
                ["hash"] = ApiKeyHash.Prefix + Convert.ToHexStringLower(k.Digest),
                ["scopes"] = new JsonArray(k.Scopes.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
                ["created"] = k.Created?.ToString("O"),
                ["prefix"] = k.Prefix,
            };
            if (k.RequestsPerMinute is { } rpm)
                node["requests_per_minute"] = rpm;
            if (k.TokensPerMinute is { } tpm)
                node["tokens_per_minute"] = tpm;
            // Only when set: an ordinary key's entry stays exactly what it was before the flag existed.
            if (k.LocalOnly)
                node["local_only"] = true;
            array.Add(node);
        }
        var text = new JsonObject { ["keys"] = array }.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var temp = path + ".tmp-" + Environment.ProcessId;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>A short id to name a key in lists, logs and <c>keys revoke</c>.</summary>
    public static string NewId() => "key_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(5));
}
