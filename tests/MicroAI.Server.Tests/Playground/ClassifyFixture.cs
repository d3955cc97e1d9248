using MicroAI.ModelRegistry;
using MicroAI.ModelRegistry.Store;
using MicroAI.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace MicroAI.Server.Tests.Playground;

/// <summary>
/// The playground's server with three classifiers imported into its registry, so GET /api/model-files
/// offers them to the browser and /api/blobs serves their files by digest: Magika (content types),
/// SqueezeNet fp16 (ImageNet) and a WordPiece text classifier the tests write (<see cref="OnnxTestModels.TextClassifier"/>).
/// </summary>
public sealed class ClassifyFixture : PlaygroundFixture
{
    private readonly string _root = Directory.CreateTempSubdirectory("microai-classify-models-").FullName;

    public string Magika { get; private set; } = "";
    public string SqueezeNet { get; private set; } = "";
    public string Sentiment { get; private set; } = "";

    protected override IEnumerable<string> ExtraArguments => ["--MicroAI:Onnx:IntraOpThreads=1"];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var sentiment = OnnxTestModels.TextClassifier(Path.Combine(_root, "sentiment"), ["negative", "positive"]);
        var store = Services.GetRequiredService<IModelCatalog>().Store;
        async Task<string> ImportAsync(string folder, string name)
        {
            var imported = await store.ImportAsync(new ImportRequest(folder, name), null, CancellationToken.None);
            return imported.Success ? imported.Manifest!.ModelName.ToString() : throw new InvalidOperationException($"import {folder}: {imported.Error}");
        }
        Magika = await ImportAsync(TestPaths.MagikaFolder, "magika");
        SqueezeNet = await ImportAsync(TestPaths.SqueezeNetFolder, "squeezenet");
        Sentiment = await ImportAsync(sentiment.Folder, "sentiment");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClassifyCollection : ICollectionFixture<ClassifyFixture>
{
    public const string Name = "Playground classify";
}
