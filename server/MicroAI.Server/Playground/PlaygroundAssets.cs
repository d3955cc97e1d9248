using System.Collections.Frozen;
using System.Security.Cryptography;

namespace MicroAI.Server.Playground;

/// <summary>
/// The page's files, embedded in this assembly by Playground.targets (resources named
/// <c>playground/&lt;path&gt;</c>), each with its Brotli twin when the build made one. Read once at
/// first use: ~17 MB, most of it ONNX Runtime Web's wasm, which is only sent when a page asks.
/// </summary>
internal sealed class PlaygroundAssets
{
    private const string Prefix = "playground/";
    private readonly FrozenDictionary<string, Asset> _assets;

    public PlaygroundAssets()
    {
        var assembly = typeof(PlaygroundAssets).Assembly;
        var raw = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
                continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            raw[name[Prefix.Length..].Replace('\\', '/')] = bytes;
        }
        _assets = raw.Where(kv => !kv.Key.EndsWith(".br", StringComparison.Ordinal))
            .ToFrozenDictionary(kv => kv.Key, kv => new Asset(kv.Value, raw.GetValueOrDefault(kv.Key + ".br"), ContentType(kv.Key),
                "\"" + Convert.ToHexStringLower(SHA256.HashData(kv.Value).AsSpan(0, 12)) + "\""), StringComparer.Ordinal);
    }

    public Asset? Find(string path) => _assets.GetValueOrDefault(path);

    public int Count => _assets.Count;

    private static string ContentType(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".wasm" => "application/wasm",
        ".json" => "application/json",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}

/// <param name="Brotli">The same bytes Brotli-compressed (the build's), or null for small files.</param>
internal sealed record Asset(byte[] Bytes, byte[]? Brotli, string ContentType, string ETag);
