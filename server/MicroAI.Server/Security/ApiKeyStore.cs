using System.Security.Cryptography;
using MicroAI.ModelRegistry;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Security;

/// <summary>
/// The keys the server accepts: those in configuration plus those in the key file. The file is
/// checked (one stat, ~2 µs) on every authentication, so a key created or revoked with
/// <c>microai keys</c> counts from the next request, without a restart and without a watcher that
/// some file systems (network mounts, container volumes) never notify.
/// </summary>
public sealed class ApiKeyStore
{
    private readonly IReadOnlyList<ApiKey> _configured;
    private readonly bool? _require;
    private readonly ILogger<ApiKeyStore> _log;
    private readonly Lock _reload = new();
    private volatile Snapshot _snapshot;
    private volatile bool _everKeyed;

    public ApiKeyStore(IOptions<SecurityOptions> options, IOptions<ModelRegistryOptions> registry, ILogger<ApiKeyStore> log)
    {
        _log = log;
        var o = options.Value;
        _require = o.RequireApiKey;
        KeyFilePath = Path.GetFullPath(o.KeyFile ?? ApiKeyFile.DefaultPath(registry.Value.ResolveDataDirectory()));
        _configured = o.ApiKeys.Select((k, i) => new ApiKey(
            "config_" + i, k.Name ?? "config_" + i, ApiKeyHash.Parse(k.Hash) ?? throw new InvalidOperationException($"Invalid configuration: MicroAI:Security:ApiKeys:{i}:Hash"),
            k.Scopes, null, null, k.RequestsPerMinute, k.TokensPerMinute, "configuration", k.LocalOnly)).ToList();
        _snapshot = Load(FileStamp.Of(KeyFilePath), previous: null);
    }

    public string KeyFilePath { get; }

    /// <summary>
    /// Whether a request needs a key. Once true it stays true for the life of the process, so that
    /// revoking the last key closes the server instead of opening it.
    /// </summary>
    public bool AuthenticationRequired
    {
        get
        {
            Refresh();
            if (_require is { } forced)
                return forced;
            if (_snapshot.Keys.Count > 0 || _snapshot.FileExists)
                _everKeyed = true;
            return _everKeyed;
        }
    }

    public IReadOnlyList<ApiKey> Keys
    {
        get
        {
            Refresh();
            return _snapshot.Keys;
        }
    }

    /// <summary>
    /// The key whose hash matches, or null. Every stored hash is compared, in constant time each, so
    /// timing tells nothing about which or how many bytes matched. Uses the keys as of the last
    /// <see cref="AuthenticationRequired"/> check, which the middleware makes first on every request
    /// (one stat of the key file per request, not two).
    /// </summary>
    public ApiKey? Authenticate(ReadOnlySpan<char> presented)
    {
        if (presented.IsEmpty || presented.Length > 512)
            return null;
        Span<byte> utf8 = stackalloc byte[presented.Length * 3];
        var length = System.Text.Encoding.UTF8.GetBytes(presented, utf8);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(utf8[..length], digest);
        ApiKey? match = null;
        foreach (var key in _snapshot.Keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, key.Digest))
                match = key;
        }
        return match;
    }

    private void Refresh()
    {
        var stamp = FileStamp.Of(KeyFilePath);
        if (stamp == _snapshot.Stamp)
            return;
        lock (_reload)
        {
            if (stamp != _snapshot.Stamp)
                _snapshot = Load(stamp, _snapshot);
        }
    }

    private Snapshot Load(FileStamp stamp, Snapshot? previous)
    {
        try
        {
            var fromFile = ApiKeyFile.Read(KeyFilePath);
            if (previous is not null)
                _log.LogInformation("Key file {Path} changed: {Count} keys", KeyFilePath, fromFile.Count);
            return new Snapshot(stamp, [.. _configured, .. fromFile], stamp.Exists);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or FormatException)
        {
            // Fail closed: a key file we cannot read keeps the keys we had (and keys stay required).
            _log.LogError("The key file {Path} could not be read ({Message}); keeping the previous keys.", KeyFilePath, ex.Message);
            return new Snapshot(stamp, previous?.Keys ?? _configured, FileExists: true);
        }
    }

    private sealed record Snapshot(FileStamp Stamp, IReadOnlyList<ApiKey> Keys, bool FileExists);

    private readonly record struct FileStamp(bool Exists, DateTime Modified, long Length)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(true, info.LastWriteTimeUtc, info.Length) : default;
        }
    }
}
