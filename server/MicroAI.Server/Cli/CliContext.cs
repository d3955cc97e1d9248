using MicroAI.ModelRegistry;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Cli;

/// <summary>
/// What a CLI command works on: the same configuration the server reads (appsettings.json beside
/// the binary, MicroAI__* environment variables, --MicroAI:Key=value arguments), so the CLI and a
/// running server share one registry.
/// </summary>
internal sealed class CliContext
{
    public CliContext(IEnumerable<string> configurationArguments)
    {
        Configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(configurationArguments.ToArray())
            .Build();
        Options = Configuration.GetSection("MicroAI").Get<ModelRegistryOptions>() ?? new ModelRegistryOptions();
        Catalog = new ModelCatalog(Microsoft.Extensions.Options.Options.Create(Options));
    }

    public IConfiguration Configuration { get; }
    public ModelRegistryOptions Options { get; }
    public ModelCatalog Catalog { get; }
    public ModelRegistry.Store.ModelStore Store => Catalog.Store;
}
