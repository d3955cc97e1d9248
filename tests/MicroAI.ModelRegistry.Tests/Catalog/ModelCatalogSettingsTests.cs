using MicroAI.ModelRegistry.Store;
using MicroAI.ModelRegistry.Tests.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MicroAI.ModelRegistry.Tests.Catalog;

/// <summary>Settings: configuration Models:{id} wins over a manifest's defaults, field by field.</summary>
public sealed class ModelCatalogSettingsTests : IDisposable
{
    private readonly CatalogTestContext _c = new();

    public void Dispose() => _c.Dispose();

    [Fact]
    public async Task Configuration_wins_over_registry_manifest_defaults_field_by_field()
    {
        await SaveWithDefaultsAsync("tiny", new ModelDefaults
        {
            ContextSize = 512,
            GpuLayers = 3,
            Temperature = 0.2f,
            TopP = 0.8f,
            TopK = 20,
            MinP = 0.01f,
            RepeatPenalty = 1.2f,
            ChatTemplate = "chatml",
            SystemPrompt = "From the manifest.",
        });

        var catalog = _c.Create(configure: o => o.Models["tiny:latest"] = new ModelSettings
        {
            Temperature = 0.9f,
            SystemPrompt = "From configuration.",
            ParallelSlots = 4,
        });

        var s = catalog.Find("tiny")!.Settings;
        Assert.Equal(0.9f, s.Temperature);
        Assert.Equal("From configuration.", s.SystemPrompt);
        Assert.Equal(4, s.ParallelSlots);
        Assert.Equal(512, s.ContextSize);
        Assert.Equal(3, s.GpuLayers);
        Assert.Equal(0.8f, s.TopP);
        Assert.Equal(20, s.TopK);
        Assert.Equal(0.01f, s.MinP);
        Assert.Equal(1.2f, s.RepeatPenalty);
        Assert.Equal("chatml", s.ChatTemplate);
        Assert.Null(s.Path);
        Assert.Equal(0.9f, Assert.Single(catalog.List()).Settings.Temperature);
    }

    [Fact]
    public async Task Without_configuration_the_manifest_defaults_apply()
    {
        await SaveWithDefaultsAsync("tiny", new ModelDefaults { Temperature = 0.3f, ContextSize = 256 });

        var s = _c.Create().Find("tiny:latest")!.Settings;

        Assert.Equal(0.3f, s.Temperature);
        Assert.Equal(256, s.ContextSize);
        Assert.Null(s.TopK);
        Assert.Null(s.SystemPrompt);
    }

    [Fact]
    public void Configuration_wins_over_ollama_params()
    {
        using var ollama = OllamaFixture.CreateStandard();

        var catalog = _c.Create(ollama.Root, o => o.Models["tiny:latest"] = new ModelSettings { Temperature = 0.7f, ContextSize = 4096 });

        var s = catalog.Find("tiny")!.Settings;
        Assert.Equal(0.7f, s.Temperature);
        Assert.Equal(4096, s.ContextSize);
        Assert.Equal(20, s.TopK);
        Assert.Equal("You are terse.", s.SystemPrompt);
    }

    [Fact]
    public void Settings_of_a_model_in_the_models_directory_come_from_configuration()
    {
        _c.AddToModelsDirectory("loose.gguf");

        var catalog = _c.Create(configure: o => o.Models["LOOSE"] = new ModelSettings { TopK = 5 });

        Assert.Equal(5, catalog.Find("loose")!.Settings.TopK);
    }

    /// <summary>
    /// The server binds ModelRegistryOptions from IConfiguration, where ':' separates sections, so
    /// "Models:tiny:latest:Temperature" can never reach a key "tiny:latest". The settings a user
    /// writes for a registry model ("Models": { "tiny": { ... } }) must still apply to tiny:latest.
    /// </summary>
    [Fact]
    public async Task Per_model_settings_bound_from_configuration_reach_a_registry_model()
    {
        await SaveWithDefaultsAsync("tiny", new ModelDefaults { Temperature = 0.2f });
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["MicroAI:DataDirectory"] = _c.DataDirectory,
                ["MicroAI:OllamaModelsDirectory"] = "none",
                ["MicroAI:Models:tiny:Temperature"] = "0.9",
            })
            .Build();
        var options = configuration.GetSection("MicroAI").Get<ModelRegistryOptions>()!;

        var catalog = new ModelCatalog(Options.Create(options));

        Assert.Equal(0.9f, catalog.Find("tiny")!.Settings.Temperature);
    }

    [Fact]
    public void A_key_with_a_colon_cannot_be_bound_from_configuration()
    {
        // Documents why the test above uses "tiny": configuration splits "tiny:latest" into two sections.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["MicroAI:Models:tiny:latest:Temperature"] = "0.9" })
            .Build();

        var options = configuration.GetSection("MicroAI").Get<ModelRegistryOptions>()!;

        Assert.False(options.Models.ContainsKey("tiny:latest"));
    }

    private async Task SaveWithDefaultsAsync(string name, ModelDefaults defaults)
    {
        var manifest = await _c.ImportAsync(name);
        var saved = await _c.OtherStore().SaveAsync(manifest with { Defaults = defaults }, CancellationToken.None);
        Assert.True(saved.Success, saved.Error);
    }
}
