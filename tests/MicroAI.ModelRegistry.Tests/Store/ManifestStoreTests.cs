using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Tests.Store;

public sealed class ManifestStoreTests : IDisposable
{
    private readonly TempModelsDirectory _dir = new();
    private readonly ManifestStore _manifests;

    public ManifestStoreTests() => _manifests = new ManifestStore(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Save_then_load_round_trips_every_field()
    {
        var original = TestManifests.Full();

        _manifests.Save(original);
        var loaded = _manifests.Load(ModelName.Parse("library/full:v1"), out var error);

        Assert.Null(error);
        Assert.NotNull(loaded);
        Assert.Equal(ManifestJson.ToJson(original), ManifestJson.ToJson(loaded));
        Assert.Equal(original.Defaults, loaded.Defaults);
        Assert.Equal(original.Source, loaded.Source);
        Assert.Equal(original.CreatedUtc, loaded.CreatedUtc);
        Assert.Equal(original.Files, loaded.Files);
        Assert.Equal(["classification", "embeddings"], loaded.Capabilities);
        Assert.True(loaded.CapabilitiesOverridden);
        Assert.Equal("image-classification", loaded.Onnx!.Task);
        Assert.Equal(["cat", "dog"], loaded.Onnx.Labels!);
        Assert.True(loaded.Onnx.MultiLabel);
        Assert.Equal("NCHW", loaded.Onnx.ImageLayout);
        var input = Assert.Single(loaded.Onnx.Inputs);
        Assert.Equal(("data_0", "float16"), (input.Name, input.ElementType));
        Assert.Equal(["1", "3", "224", "224"], input.Shape);
        Assert.Equal(["batch", "1000"], Assert.Single(loaded.Onnx.Outputs).Shape);
        Assert.Equal("/somewhere/labels.txt", loaded.Files[1].ExternalPath);
        Assert.Equal(ModelManifest.CurrentSchema, loaded.SchemaVersion);
    }

    [Fact]
    public void Manifests_are_stored_under_their_lower_case_name_and_found_in_any_case()
    {
        _manifests.Save(TestManifests.For("Org/Model", "Q4", TestManifests.DigestA, 1));

        var path = Path.Combine(_manifests.Directory, "org", "model", "q4.json");
        Assert.True(File.Exists(path));
        Assert.Equal(path, _manifests.PathOf(ModelName.Parse("ORG/model:q4")));
        Assert.NotNull(_manifests.Load(ModelName.Parse("org/MODEL:Q4"), out _));
    }

    [Fact]
    public void Saving_again_replaces_the_manifest_and_leaves_no_temp_files()
    {
        _manifests.Save(TestManifests.For("m", "latest", TestManifests.DigestA, 1));
        _manifests.Save(TestManifests.For("m", "latest", TestManifests.DigestB, 2));

        var loaded = _manifests.Load(ModelName.Parse("m"), out _);

        Assert.Equal(TestManifests.DigestB, Assert.Single(loaded!.Files).Digest);
        var file = Assert.Single(Directory.GetFiles(Path.Combine(_manifests.Directory, "m")));
        Assert.Equal("latest.json", Path.GetFileName(file));
    }

    [Fact]
    public async Task A_reader_never_sees_half_a_manifest_while_it_is_rewritten()
    {
        var name = ModelName.Parse("busy");
        _manifests.Save(TestManifests.Full("busy", "latest"));
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var reads = 0;

        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var m = _manifests.Load(name, out var error);
                if (m is null)
                    failures.Add(error ?? "missing");
                Interlocked.Increment(ref reads);
            }
        });
        var saves = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((saves < 50 || Volatile.Read(ref reads) < 200) && clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            _manifests.Save(TestManifests.Full("busy", "latest") with
            {
                Defaults = new ModelDefaults { SystemPrompt = new string('x', 2000 + (saves * 997 % 50_000)) },
            });
            saves++;
        }
        await stop.CancelAsync();
        await reader;

        Assert.Empty(failures);
        Assert.True(Volatile.Read(ref reads) >= 200, $"only {reads} reads during {saves} saves");
        Assert.Single(Directory.GetFiles(_manifests.Directory, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Load_of_an_unknown_model_is_null_without_an_error()
    {
        Assert.Null(_manifests.Load(ModelName.Parse("nope"), out var error));
        Assert.Null(error);
        Assert.Empty(_manifests.List());
    }

    [Fact]
    public void Unreadable_manifests_are_skipped_and_reported()
    {
        _manifests.Save(TestManifests.For("good", "latest", TestManifests.DigestA, 1));
        var good = ManifestJson.ToJson(TestManifests.For("good", "latest", TestManifests.DigestA, 1));
        WriteRaw("corrupt/latest.json", "{ \"name\": \"corrupt\", \"tag\": ");
        WriteRaw("empty/latest.json", "");
        WriteRaw("array/latest.json", "[1, 2, 3]");
        WriteRaw("hostile/latest.json", good.Replace("\"name\": \"good\"", "\"name\": \"../../x\"", StringComparison.Ordinal));
        WriteRaw("badtag/latest.json", good.Replace("\"tag\": \"latest\"", "\"tag\": \"../../x\"", StringComparison.Ordinal));
        WriteRaw("baddigest/latest.json", good.Replace(TestManifests.DigestA, "sha256:../../../etc/passwd", StringComparison.Ordinal));
        WriteRaw("noname/latest.json", "{ \"tag\": \"latest\", \"format\": \"gguf\", \"files\": [], \"source\": { \"kind\": \"file\" } }");
        File.WriteAllBytes(Path.Combine(_manifests.Directory, "binary.json"), [0xFF, 0xFE, 0x00, 0x01]);

        var problems = new List<string>();
        var listed = _manifests.List(problems);

        Assert.Equal("good:latest", Assert.Single(listed).ModelName.ToString());
        Assert.Equal(8, problems.Count);
        foreach (var folder in new[] { "corrupt", "empty", "array", "hostile", "badtag", "baddigest", "noname" })
            Assert.Contains(problems, p => p.Contains(Path.Combine(_manifests.Directory, folder), StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("invalid digest", StringComparison.Ordinal));
        Assert.Null(_manifests.Load(ModelName.Parse("hostile"), out var hostileError));
        Assert.NotNull(hostileError);
    }

    [Theory]
    [InlineData("{ \"name\": \"nulls\", \"tag\": \"latest\", \"format\": \"gguf\", \"files\": null, \"source\": { \"kind\": \"file\" } }")]
    [InlineData("{ \"name\": \"nulls\", \"tag\": \"latest\", \"format\": \"gguf\", \"files\": [null], \"source\": { \"kind\": \"file\" } }")]
    public void A_manifest_with_null_files_is_reported_not_thrown(string json)
    {
        _manifests.Save(TestManifests.For("good", "latest", TestManifests.DigestA, 1));
        WriteRaw("nulls/latest.json", json);
        var problems = new List<string>();

        var listed = _manifests.List(problems);

        Assert.Equal("good:latest", Assert.Single(listed).ModelName.ToString());
        Assert.Single(problems);
        Assert.Null(_manifests.Load(ModelName.Parse("nulls"), out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void List_is_sorted_by_name()
    {
        foreach (var n in new[] { "zeta", "Alpha", "mid/b", "mid/a:v2", "mid/a:v1" })
        {
            var parsed = ModelName.Parse(n);
            _manifests.Save(TestManifests.For(parsed.Name, parsed.Tag, TestManifests.DigestA, 1));
        }

        var names = _manifests.List().Select(m => m.ModelName.ToString()).ToList();

        Assert.Equal(["alpha:latest", "mid/a:v1", "mid/a:v2", "mid/b:latest", "zeta:latest"], names);
    }

    [Fact]
    public void Delete_tidies_empty_folders_but_keeps_siblings_and_the_root()
    {
        _manifests.Save(TestManifests.For("a/b/c", "t", TestManifests.DigestA, 1));
        _manifests.Save(TestManifests.For("a/x", "t", TestManifests.DigestA, 1));

        Assert.True(_manifests.Delete(ModelName.Parse("a/b/c:t")));
        Assert.False(Directory.Exists(Path.Combine(_manifests.Directory, "a", "b")));
        Assert.True(File.Exists(_manifests.PathOf(ModelName.Parse("a/x:t"))));

        Assert.True(_manifests.Delete(ModelName.Parse("A/X:T")));
        Assert.False(Directory.Exists(Path.Combine(_manifests.Directory, "a")));
        Assert.True(Directory.Exists(_manifests.Directory));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_manifests.Directory));
        Assert.False(_manifests.Delete(ModelName.Parse("a/x:t")));
    }

    [Fact]
    public void Delete_of_one_tag_keeps_the_other_tags_folder()
    {
        _manifests.Save(TestManifests.For("m", "v1", TestManifests.DigestA, 1));
        _manifests.Save(TestManifests.For("m", "v2", TestManifests.DigestA, 1));

        Assert.True(_manifests.Delete(ModelName.Parse("m:v1")));

        Assert.Equal("m:v2", Assert.Single(_manifests.List()).ModelName.ToString());
    }

    private void WriteRaw(string relative, string text)
    {
        var path = Path.Combine(_manifests.Directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
