using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Inference;

/// <summary>
/// The server with the shipped ONNX models (Magika, MNIST, SqueezeNet) and models the tests write
/// themselves (a BERT-shaped embedder, text classifiers, a cross-encoder) whose outputs are known
/// exactly (<see cref="OnnxTestModels"/>). A moderation mapping is configured on the sentiment classifier.
/// </summary>
public sealed class InferenceServerFixture : ServerFixture
{
    public const string Magika = "magika";
    public const string Mnist = "mnist";
    public const string SqueezeNet = "squeezenet";
    public const string Embedder = "bert-embedder";
    public const string Sentiment = "sentiment";
    public const string Topics = "topics";
    public const string Reranker = "cross-encoder";
    /// <summary>A tabular fraud classifier (<see cref="TabularTestModels.WriteFraudClassifier"/>), named columns.</summary>
    public const string Fraud = "fraud";
    /// <summary>A tabular regressor over named one-column inputs, one of them int64 (<see cref="TabularTestModels.WriteSensorRegressor"/>).</summary>
    public const string Sensor = "sensor";
    /// <summary>The tiny random llama with Qwen 2.5's real Jinja chat template.</summary>
    public const string ChatMlTiny = "qwen-tiny";

    private readonly string _root = Directory.CreateTempSubdirectory("microai-onnx-models-").FullName;

    public InferenceServerFixture()
    {
        EmbedderModel = OnnxTestModels.BertEmbedder(Path.Combine(_root, Embedder));
        SentimentModel = OnnxTestModels.TextClassifier(Path.Combine(_root, Sentiment), ["negative", "positive"]);
        TopicsModel = OnnxTestModels.TextClassifier(Path.Combine(_root, Topics), ["animals", "geography", "film"], multiLabel: true);
        RerankModel = OnnxTestModels.CrossEncoder(Path.Combine(_root, Reranker));
        TabularTestModels.WriteFraudClassifier(Directory.CreateDirectory(Path.Combine(_root, Fraud)).FullName);
        TabularTestModels.WriteSensorRegressor(Directory.CreateDirectory(Path.Combine(_root, Sensor)).FullName);
    }

    internal OnnxTestModels.EmbedderModel EmbedderModel { get; }
    internal OnnxTestModels.ClassifierModel SentimentModel { get; }
    internal OnnxTestModels.ClassifierModel TopicsModel { get; }
    internal OnnxTestModels.CrossEncoderModel RerankModel { get; }

    protected override IEnumerable<string> ExtraArguments =>
    [
        $"--MicroAI:Models:{Magika}:Path={TestPaths.MagikaFolder}",
        $"--MicroAI:Models:{Mnist}:Path={TestPaths.MnistFolder}",
        $"--MicroAI:Models:{SqueezeNet}:Path={TestPaths.SqueezeNetFolder}",
        $"--MicroAI:Models:{Embedder}:Path={EmbedderModel.Folder}",
        $"--MicroAI:Models:{Sentiment}:Path={SentimentModel.Folder}",
        $"--MicroAI:Models:{Topics}:Path={TopicsModel.Folder}",
        $"--MicroAI:Models:{Reranker}:Path={RerankModel.Folder}",
        $"--MicroAI:Models:{Fraud}:Path={Path.Combine(_root, Fraud)}",
        $"--MicroAI:Models:{Sensor}:Path={Path.Combine(_root, Sensor)}",
        "--MicroAI:Onnx:IntraOpThreads=1",
        $"--MicroAI:Models:{ChatMlTiny}:Path={TestPaths.TinyRandomLlama}",
        $"--MicroAI:Models:{ChatMlTiny}:ChatTemplate={Path.Combine(TestPaths.SharedModels, "..", "chat-templates", "Qwen-Qwen2.5-7B-Instruct.jinja")}",
        $"--MicroAI:Moderation:Model={Sentiment}",
        "--MicroAI:Moderation:Categories:negative=harassment",
        "--MicroAI:Moderation:Threshold=0.6",
    ];

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
public sealed class InferenceCollection : ICollectionFixture<InferenceServerFixture>
{
    public const string Name = "inference server";
}
