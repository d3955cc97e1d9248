using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// Credentials in Docker's config.json shape: <c>{"auths":{"host:port":{"auth":"base64(user:pass)"}}}</c>
/// (or "username"/"password" in an entry). Keys may be written as URLs
/// ("https://registry.local:5000/v1/"); they are matched by host and port. Credential helpers
/// (credsStore, credHelpers) are not run: MicroAI never executes programs named in a config file.
/// </summary>
public sealed class DockerConfigFile(string path)
{
    public string Path { get; } = path;

    /// <summary>$DOCKER_CONFIG/config.json, else ~/.docker/config.json.</summary>
    public static DockerConfigFile Default()
    {
        var dir = Environment.GetEnvironmentVariable("DOCKER_CONFIG");
        if (string.IsNullOrWhiteSpace(dir))
            dir = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        return new DockerConfigFile(System.IO.Path.Combine(dir, "config.json"));
    }

    /// <summary>The credential for <paramref name="registry"/>, or null (no file, no entry, or an unreadable one).</summary>
    public RegistryCredential? Find(string registry)
    {
        var auths = ReadAuths();
        if (auths is null)
            return null;
        var wanted = NormalizeHost(registry);
        foreach (var (key, value) in auths)
        {
            if (value is not JsonObject entry || !NormalizeHost(key).Equals(wanted, StringComparison.OrdinalIgnoreCase))
                continue;
            if (RegistryCredential.FromBasic(entry["auth"]?.GetValue<string>()) is { } fromAuth)
                return fromAuth;
            if (entry["username"]?.GetValue<string>() is { Length: > 0 } user && entry["password"]?.GetValue<string>() is { } password)
                return new RegistryCredential(user, password);
        }
        return null;
    }

    /// <summary>Adds or replaces the entry for <paramref name="registry"/>; the file is readable by its owner only (mode 600).</summary>
    public void Save(string registry, RegistryCredential credential)
    {
        var root = ReadRoot() ?? new JsonObject();
        if (root["auths"] is not JsonObject auths)
            root["auths"] = auths = new JsonObject();
        foreach (var key in auths.Select(p => p.Key).Where(k => NormalizeHost(k).Equals(NormalizeHost(registry), StringComparison.OrdinalIgnoreCase)).ToList())
            auths.Remove(key);
        auths[NormalizeHost(registry)] = new JsonObject { ["auth"] = credential.ToBasic() };

        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        Directory.CreateDirectory(dir);
        var temp = Path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(temp, options))
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                root.WriteTo(writer);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, Path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>"https://Registry.Local:5000/v2/" → "registry.local:5000".</summary>
    public static string NormalizeHost(string key)
    {
        var k = key.Trim();
        var scheme = k.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
            k = k[(scheme + 3)..];
        var slash = k.IndexOf('/');
        if (slash >= 0)
            k = k[..slash];
        return k.ToLowerInvariant();
    }

    private JsonObject? ReadAuths() => ReadRoot()?["auths"] as JsonObject;

    private JsonObject? ReadRoot()
    {
        try
        {
            if (!File.Exists(Path) || new FileInfo(Path).Length > 1 << 20)
                return null;
            return JsonNode.Parse(File.ReadAllBytes(Path)) as JsonObject;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return null;
        }
    }
}
