using Microsoft.Extensions.Options;

namespace MicroAI.ModelRegistry.Tests;

public sealed class ModelCatalogTests : IDisposable
{
    private readonly TempModelsDirectory _models = new();
    private readonly TempModelsDirectory _elsewhere = new();
    private readonly TempModelsDirectory _data = new();

    public void Dispose()
    {
        _models.Dispose();
        _elsewhere.Dispose();
        _data.Dispose();
    }

    [Fact]
    public void Default_model_given_as_a_path_is_served_under_its_file_name()
    {
        var path = _elsewhere.Write("stories260K.gguf", size: 1234);

        var catalog = Create(new ModelRegistryOptions { DefaultModel = path });

        Assert.Equal("stories260K", catalog.DefaultModelId);
        var entry = Assert.Single(catalog.List());
        Assert.Equal("stories260K", entry.Id);
        Assert.Equal(path, entry.Path);
        Assert.Equal(ModelFormat.Gguf, entry.Format);
        Assert.Equal(1234, entry.SizeBytes);
        Assert.Equal("default", entry.Source);
        Assert.Empty(catalog.Warnings);
        Assert.Same(entry, catalog.Find("stories260K"));
    }

    [Fact]
    public void Default_model_given_as_a_relative_path_is_made_absolute()
    {
        var path = _elsewhere.Write("rel.gguf");
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);

        var catalog = Create(new ModelRegistryOptions { DefaultModel = relative });

        Assert.Equal("rel", catalog.DefaultModelId);
        Assert.Equal(path, catalog.Find("rel")?.Path);
    }

    [Fact]
    public void Default_model_given_as_an_id_is_found_in_the_models_directory()
    {
        _models.Write("tiny-llama.gguf");

        var catalog = Create(new ModelRegistryOptions { DefaultModel = "TINY-llama" });

        Assert.Equal("tiny-llama", catalog.DefaultModelId);
        Assert.Empty(catalog.Warnings);
    }

    [Fact]
    public void Default_model_given_as_a_bare_file_name_is_found_in_the_models_directory()
    {
        var path = _models.Write("only-here-" + Guid.NewGuid().ToString("N") + ".gguf");

        var catalog = Create(new ModelRegistryOptions { DefaultModel = System.IO.Path.GetFileName(path) });

        Assert.Equal(System.IO.Path.GetFileNameWithoutExtension(path), catalog.DefaultModelId);
        Assert.Equal(path, catalog.Find(catalog.DefaultModelId!)?.Path);
        Assert.Empty(catalog.Warnings);
    }

    [Fact]
    public void Nested_layouts_are_found_and_split_files_are_served_through_their_first_part()
    {
        _models.Write(Path.Combine("lmstudio-community", "Some-Repo-GGUF", "some-model-Q4_K_M.gguf"));
        _models.Write(Path.Combine("models--org--repo", "snapshots", "abc123", "cached.gguf"));
        _models.Write(Path.Combine("split", "big-00001-of-00002.gguf"));
        _models.Write(Path.Combine("split", "big-00002-of-00002.gguf"));

        var catalog = Create(new ModelRegistryOptions());
        var ids = catalog.List().Select(e => e.Id).ToList();

        Assert.Contains("some-model-Q4_K_M", ids);
        Assert.Contains("cached", ids);
        Assert.Contains("big-00001-of-00002", ids);
        Assert.DoesNotContain("big-00002-of-00002", ids);
        Assert.NotNull(catalog.Find("cached"));
    }

    [Fact]
    public void Default_model_given_as_a_configured_id_is_found()
    {
        var path = _elsewhere.Write("weights.gguf");

        var catalog = Create(new ModelRegistryOptions
        {
            DefaultModel = "my-model",
            Models = { ["my-model"] = new ModelSettings { Path = path } },
        });

        Assert.Equal("my-model", catalog.DefaultModelId);
    }

    [Fact]
    public void Missing_default_model_file_is_a_warning_not_a_crash()
    {
        var missing = Path.Combine(_elsewhere.Path, "nope.gguf");

        var catalog = Create(new ModelRegistryOptions { DefaultModel = missing });

        Assert.Null(catalog.DefaultModelId);
        var warning = Assert.Single(catalog.Warnings);
        Assert.Contains("DefaultModel", warning, StringComparison.Ordinal);
        Assert.Contains(missing, warning, StringComparison.Ordinal);
        Assert.Empty(catalog.List());
    }

    [Fact]
    public void Unknown_default_model_id_is_a_warning()
    {
        var catalog = Create(new ModelRegistryOptions { DefaultModel = "llama3" });

        Assert.Null(catalog.DefaultModelId);
        Assert.Contains("'llama3'", Assert.Single(catalog.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_configured_model_file_is_a_warning()
    {
        var catalog = Create(new ModelRegistryOptions
        {
            Models = { ["gone"] = new ModelSettings { Path = Path.Combine(_elsewhere.Path, "gone.gguf") } },
        });

        Assert.Contains("does not exist", Assert.Single(catalog.Warnings), StringComparison.Ordinal);
        Assert.Null(catalog.Find("gone"));
    }

    [Fact]
    public void Gguf_files_in_the_models_directory_are_listed_in_name_order()
    {
        _models.Write("b-model.gguf");
        _models.Write("a-model.gguf");
        _models.Write("notes.txt");
        _models.Write("weights.bin");
        _models.Write(Path.Combine("nested", "deep.gguf"));

        var catalog = Create(new ModelRegistryOptions());

        Assert.Equal(["a-model", "b-model", "deep"], catalog.List().Select(e => e.Id)); // nested folders too (LM Studio, HF cache layouts)
        Assert.All(catalog.List(), e => Assert.Equal("models-directory", e.Source));
        Assert.Null(catalog.Find("notes"));
        Assert.Null(catalog.DefaultModelId);
    }

    [Fact]
    public void Files_added_to_the_models_directory_later_appear_without_a_new_catalog()
    {
        var catalog = Create(new ModelRegistryOptions());
        Assert.Empty(catalog.List());

        _models.Write("late.gguf");

        Assert.Equal("late", Assert.Single(catalog.List()).Id);
        Assert.NotNull(catalog.Find("LATE"));

        File.Delete(Path.Combine(_models.Path, "late.gguf"));
        Assert.Empty(catalog.List());
        Assert.Null(catalog.Find("late"));
    }

    [Fact]
    public void Missing_models_directory_lists_nothing()
    {
        var catalog = Create(new ModelRegistryOptions { ModelsDirectory = Path.Combine(_elsewhere.Path, "absent") });

        Assert.Empty(catalog.List());
        Assert.Null(catalog.Find("x"));
        Assert.Empty(catalog.Warnings);
    }

    [Fact]
    public void Configured_path_adds_a_model_under_its_key()
    {
        var path = _elsewhere.Write("qwen2.5-0.5b-instruct-q4_k_m.gguf");

        var catalog = Create(new ModelRegistryOptions { Models = { ["qwen"] = new ModelSettings { Path = path } } });

        var entry = Assert.Single(catalog.List());
        Assert.Equal("qwen", entry.Id);
        Assert.Equal(path, entry.Path);
        Assert.Equal("configuration", entry.Source);
        Assert.Null(catalog.Find("qwen2.5-0.5b-instruct-q4_k_m"));
    }

    [Fact]
    public void Configured_chat_template_is_attached_to_the_entry()
    {
        var path = _elsewhere.Write("chat.gguf");
        _models.Write("scanned.gguf");

        var catalog = Create(new ModelRegistryOptions
        {
            Models =
            {
                ["chat"] = new ModelSettings { Path = path, ChatTemplate = "chatml", ContextSize = 1024 },
                ["SCANNED"] = new ModelSettings { ChatTemplate = "llama3", ParallelSlots = 1 },
            },
        });

        var chat = catalog.Find("chat")!;
        Assert.Equal("chatml", chat.Settings.ChatTemplate);
        Assert.Equal(1024, chat.Settings.ContextSize);
        var scanned = catalog.Find("scanned")!;
        Assert.Equal("llama3", scanned.Settings.ChatTemplate);
        Assert.Equal(1, scanned.Settings.ParallelSlots);
    }

    [Fact]
    public void Settings_without_a_path_do_not_add_a_model()
    {
        var catalog = Create(new ModelRegistryOptions { Models = { ["ghost"] = new ModelSettings { ChatTemplate = "chatml" } } });

        Assert.Empty(catalog.List());
        Assert.Empty(catalog.Warnings);
    }

    [Fact]
    public void Default_model_path_gets_the_settings_of_its_id()
    {
        var path = _elsewhere.Write("phi.gguf");

        var catalog = Create(new ModelRegistryOptions
        {
            DefaultModel = path,
            Models = { ["phi"] = new ModelSettings { ChatTemplate = "phi3" } },
        });

        Assert.Equal("phi3", catalog.Find("phi")!.Settings.ChatTemplate);
    }

    [Fact]
    public void Lookup_is_case_insensitive_and_returns_the_canonical_id()
    {
        var path = _elsewhere.Write("MixedCase.gguf");
        _models.Write("Other.gguf");

        var catalog = Create(new ModelRegistryOptions { DefaultModel = path });

        Assert.Equal("MixedCase", catalog.Find("mixedcase")?.Id);
        Assert.Equal("MixedCase", catalog.Find("MIXEDCASE")?.Id);
        Assert.Equal("Other", catalog.Find("other")?.Id);
        Assert.Null(catalog.Find(string.Empty));
    }

    [Fact]
    public void Configured_entry_hides_a_directory_file_with_the_same_id()
    {
        var configured = _elsewhere.Write("custom.gguf");
        _models.Write("Tiny.gguf");

        var catalog = Create(new ModelRegistryOptions { Models = { ["tiny"] = new ModelSettings { Path = configured } } });

        var entry = Assert.Single(catalog.List());
        Assert.Equal(configured, entry.Path);
        Assert.Equal(configured, catalog.Find("TINY")?.Path);
    }

    [Fact]
    public void Default_model_path_replaces_a_configured_entry_with_the_same_id()
    {
        var configured = _elsewhere.Write(Path.Combine("a", "dup.gguf"));
        var byDefault = _elsewhere.Write(Path.Combine("b", "dup.gguf"));

        var catalog = Create(new ModelRegistryOptions
        {
            DefaultModel = byDefault,
            Models = { ["DUP"] = new ModelSettings { Path = configured } },
        });

        var entry = Assert.Single(catalog.List());
        Assert.Equal(byDefault, entry.Path);
        Assert.Equal("dup", catalog.DefaultModelId);
    }

    [Theory]
    [InlineData("model.bin")]
    [InlineData("model.safetensors")]
    [InlineData("README.txt")]
    public void Non_model_extensions_are_rejected_with_a_warning(string fileName)
    {
        var path = _elsewhere.Write(fileName);

        var catalog = Create(new ModelRegistryOptions { DefaultModel = path, Models = { ["m"] = new ModelSettings { Path = path } } });

        Assert.Empty(catalog.List());
        Assert.Null(catalog.DefaultModelId);
        Assert.Equal(2, catalog.Warnings.Count);
        Assert.All(catalog.Warnings, w => Assert.Contains("is not a .gguf or .onnx file", w, StringComparison.Ordinal));
    }

    [Fact]
    public void Onnx_models_can_be_configured_by_path()
    {
        var path = _elsewhere.Write("classifier.ONNX");

        var catalog = Create(new ModelRegistryOptions { Models = { ["magika"] = new ModelSettings { Path = path } } });

        Assert.Equal(ModelFormat.Onnx, catalog.Find("magika")?.Format);
    }

    [Fact]
    public void Models_directory_defaults_to_the_data_directory()
    {
        var options = new ModelRegistryOptions { DataDirectory = _elsewhere.Path, OllamaModelsDirectory = "none" };

        Assert.Equal(Path.Combine(_elsewhere.Path, "models"), options.ResolveModelsDirectory());
        _elsewhere.Write(Path.Combine("models", "found.gguf"));
        Assert.NotNull(new ModelCatalog(Options.Create(options)).Find("found"));
    }

    private ModelCatalog Create(ModelRegistryOptions options)
    {
        options.ModelsDirectory ??= _models.Path;
        // The registry (DataDirectory/registry) and the Ollama store default to the user's own:
        // a catalog over them lists whatever models that machine holds.
        options.DataDirectory ??= _data.Path;
        options.OllamaModelsDirectory ??= "none";
        return new ModelCatalog(Options.Create(options));
    }
}
