using System.Security.Cryptography;
using System.Text.Json;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Store;

/// <summary>
/// An Ollama models directory in a temp folder: manifests/&lt;host&gt;/&lt;namespace&gt;/&lt;model&gt;/&lt;tag&gt;
/// naming layers stored as blobs/sha256-HEX. <see cref="CreateStandard"/> builds the mix the tests use.
/// </summary>
internal sealed class OllamaFixture : IDisposable
{
    public const string ModelLayer = "application/vnd.ollama.image.model";
    public const string ParamsLayer = "application/vnd.ollama.image.params";
    public const string SystemLayer = "application/vnd.ollama.image.system";
    public const string MissingDigest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    public OllamaFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "microai-ollama-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Root, "blobs"));
        Directory.CreateDirectory(Path.Combine(Root, "manifests"));
    }

    public string Root { get; }

    /// <summary>The digest of the stories260K copy in blobs/ (set by <see cref="CreateStandard"/>).</summary>
    public string ModelDigest { get; private set; } = "";

    public string BlobPath(string digest) => Path.Combine(Root, "blobs", "sha256-" + digest["sha256:".Length..]);

    public string ManifestPath(string relative) => Path.Combine(Root, "manifests", relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>
    /// tiny:latest (model, params, system), someone/x:v1, hf.co/org/repo:q4, plus a model whose blob
    /// is missing, a garbage manifest and a folder name that is not a valid model name.
    /// </summary>
    public static OllamaFixture CreateStandard()
    {
        var f = new OllamaFixture();
        f.ModelDigest = f.AddBlob(File.ReadAllBytes(TestPaths.Stories260K));
        var parameters = f.AddBlob("{\"temperature\":0.2,\"num_ctx\":1024,\"top_k\":20,\"stop\":[\"<|end|>\"]}"u8.ToArray());
        var system = f.AddBlob("You are terse."u8.ToArray());
        f.AddManifest("registry.ollama.ai/library/tiny/latest", (ModelLayer, f.ModelDigest), (ParamsLayer, parameters), (SystemLayer, system));
        f.AddManifest("registry.ollama.ai/someone/x/v1", (ModelLayer, f.ModelDigest));
        f.AddManifest("hf.co/org/repo/q4", (ModelLayer, f.ModelDigest));
        f.AddManifest("registry.ollama.ai/library/missing/latest", (ModelLayer, MissingDigest), (SystemLayer, system));
        f.WriteManifest("registry.ollama.ai/library/garbage/latest", "{ this is not json");
        f.AddManifest("registry.ollama.ai/library/-hostile name/latest", (ModelLayer, f.ModelDigest));
        f.WriteManifest("registry.ollama.ai/stray-file", "{}"); // not host/namespace/model/tag: ignored
        return f;
    }

    public string AddBlob(byte[] bytes)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        File.WriteAllBytes(BlobPath(digest), bytes);
        return digest;
    }

    public void AddManifest(string relative, params (string MediaType, string Digest)[] layers)
    {
        var json = new
        {
            schemaVersion = 2,
            mediaType = "application/vnd.docker.distribution.manifest.v2+json",
            config = new { mediaType = "application/vnd.docker.container.image.v1+json", digest = MissingDigest, size = 0 },
            layers = layers.Select(l => new
            {
                mediaType = l.MediaType,
                digest = l.Digest,
                size = File.Exists(BlobPath(l.Digest)) ? new FileInfo(BlobPath(l.Digest)).Length : 0,
            }),
        };
        WriteManifest(relative, JsonSerializer.Serialize(json));
    }

    public void WriteManifest(string relative, string text)
    {
        var path = ManifestPath(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text); // UTF-8 without a BOM, as Ollama writes it
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
