using MicroAI.Tests.Shared;
using Microsoft.Extensions.Options;

namespace MicroAI.ModelRegistry.Tests;

/// <summary>
/// tests/Shared/HermeticEnvironment.cs is a net only while it holds: a catalog left on every default
/// must land in the decoy home and list its three decoys, never the user's data directory or Ollama store.
/// </summary>
public sealed class HermeticEnvironmentTests
{
    [LinuxFact]
    public void A_catalog_left_on_its_defaults_lists_the_decoys_of_the_test_home()
    {
        var options = new ModelRegistryOptions();

        Assert.StartsWith(HermeticEnvironment.Root + Path.DirectorySeparatorChar, options.ResolveDataDirectory(), StringComparison.Ordinal);
        Assert.StartsWith(HermeticEnvironment.Root + Path.DirectorySeparatorChar, options.ResolveOllamaDirectory(), StringComparison.Ordinal);
        var catalog = new ModelCatalog(Options.Create(options));
        var sources = catalog.List().Where(e => e.Id.StartsWith(HermeticEnvironment.DecoyModel, StringComparison.Ordinal)).Select(e => e.Source).Order();
        Assert.Equal(["models-directory", "ollama", "registry"], sources);
    }

    [LinuxFact]
    public void No_MicroAI_variable_of_the_shell_reaches_the_tests()
    {
        Assert.DoesNotContain(Environment.GetEnvironmentVariables().Keys.Cast<string>(),
            k => k.StartsWith("MicroAI__", StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>Only Linux lets the environment redirect .NET's LocalApplicationData (XDG_DATA_HOME).</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
            Skip = "LocalApplicationData follows XDG_DATA_HOME only on Linux.";
    }
}
