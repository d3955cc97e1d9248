using System.Net;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// How MicroAI talks to OCI registries: which may be reached over plain HTTP, where credentials
/// are found, and how blobs are uploaded.
/// </summary>
public sealed class OciSettings
{
    /// <summary>Registries (host[:port]) reached over plain HTTP although not on loopback (MicroAI:Registry:Insecure).</summary>
    public IReadOnlyList<string> Insecure { get; init; } = [];

    /// <summary>Where `microai login` keeps credentials (its own file, Docker's shape); looked at first.</summary>
    public required DockerConfigFile Logins { get; init; }

    /// <summary>Docker's config.json, looked at when MicroAI has no login for a registry.</summary>
    public DockerConfigFile? DockerConfig { get; init; }

    /// <summary>
    /// Blobs larger than this go up in PATCH requests of this size, smaller ones in one PUT. 16 MiB
    /// keeps a failed request cheap to repeat on a thin link and stays under the ~20-100 MiB body
    /// limits some proxies in front of registries set, while a push of 4 MiB chunks needs none.
    /// </summary>
    public long UploadChunkBytes { get; init; } = 16L << 20;

    /// <summary>Which pulls must be signed, and by which keys (MicroAI:Trust); null: none must.</summary>
    public Signing.TrustPolicy? Trust { get; init; }

    /// <summary>MicroAI's login file inside its data folder.</summary>
    public static string LoginsPath(string dataDirectory) => Path.Combine(dataDirectory, "registry-auth.json");

    public RegistryCredential? FindCredential(string registry) => Logins.Find(registry) ?? DockerConfig?.Find(registry);

    /// <summary>https, or http for a loopback registry or one listed as insecure.</summary>
    public Uri BaseUri(string registry)
    {
        var host = DockerConfigFile.NormalizeHost(registry);
        var plain = IsLoopback(host) || Insecure.Any(i => DockerConfigFile.NormalizeHost(i).Equals(host, StringComparison.OrdinalIgnoreCase));
        return new Uri((plain ? "http://" : "https://") + host + "/");
    }

    private static bool IsLoopback(string hostAndPort)
    {
        var host = hostAndPort.StartsWith('[') ? hostAndPort[1..hostAndPort.IndexOf(']')]
            : hostAndPort.LastIndexOf(':') is var c and >= 0 ? hostAndPort[..c] : hostAndPort;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }
}
