using MicroAI.ModelRegistry;
using MicroAI.ModelRegistry.Oci;

namespace MicroAI.Server.Management;

/// <summary>
/// MicroAI:Registry: registries reached over plain HTTP (Insecure:{i}, host[:port]) and the upload
/// chunk size; logins live in the data folder, Docker's config.json is read as Docker reads it.
/// Shared by the CLI and the HTTP API.
/// </summary>
internal static class OciConfiguration
{
    public static OciSettings From(IConfiguration configuration, ModelRegistryOptions registry)
    {
        var section = configuration.GetSection("MicroAI:Registry");
        var defaults = new OciSettings { Logins = new DockerConfigFile(OciSettings.LoginsPath(registry.ResolveDataDirectory())) };
        return new OciSettings
        {
            Insecure = section.GetSection("Insecure").Get<string[]>() ?? [],
            Logins = defaults.Logins,
            DockerConfig = DockerConfigFile.Default(),
            UploadChunkBytes = section.GetValue<long?>("UploadChunkBytes") is > 0 and var chunk ? chunk : defaults.UploadChunkBytes,
            Trust = TrustFrom(configuration),
        };
    }

    /// <summary>The trust policy when MicroAI:Trust says anything; a bad entry throws naming it (the server refuses to start on it first).</summary>
    private static MicroAI.ModelRegistry.Signing.TrustPolicy? TrustFrom(IConfiguration configuration)
    {
        var options = configuration.GetSection(MicroAI.ModelRegistry.Signing.TrustOptions.SectionName).Get<MicroAI.ModelRegistry.Signing.TrustOptions>();
        return options is null ? null : new MicroAI.ModelRegistry.Signing.TrustPolicy(options);
    }
}
