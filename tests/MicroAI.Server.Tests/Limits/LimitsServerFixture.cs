using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Limits;

/// <summary>
/// The server with every <c>MicroAI:Limits</c> value set small, so each test can send a request
/// exactly at a limit and one just over it. MNIST classifies images; MaxImageBytes and
/// MaxImagePixels are set to exactly its 28×28 sample PNG.
/// </summary>
public sealed class LimitsServerFixture : ServerFixture
{
    public const string Mnist = "mnist";
    public const string Templated = "qwen-tiny";

    public const int MaxRequestBodyBytes = 16384;
    public const int MaxJsonDepth = 16;
    public const int MaxMessages = 3;
    public const int MaxInputs = 3;
    public const int MaxTokens = 8;
    public const int MaxChoices = 2;
    public const int MaxStopSequences = 2;
    public const int MaxTools = 2;
    public const int MaxLogitBias = 2;
    public const int MaxSchemaBytes = 256;
    public const int MaxSchemaDepth = 4;
    public const int MaxPromptCharacters = 100;
    public const int MaxImagePixels = 28 * 28;

    public static string MnistPng => Path.Combine(TestPaths.MnistFolder, "mnist_28.png");
    public static int MaxImageBytes => (int)new FileInfo(MnistPng).Length;

    protected override IEnumerable<string> ExtraArguments =>
    [
        $"--MicroAI:Models:{Mnist}:Path={TestPaths.MnistFolder}",
        "--MicroAI:Onnx:IntraOpThreads=1",
        $"--MicroAI:Models:{Templated}:Path={TestPaths.TinyRandomLlama}",
        $"--MicroAI:Models:{Templated}:ChatTemplate={Path.Combine(TestPaths.SharedModels, "..", "chat-templates", "Qwen-Qwen2.5-7B-Instruct.jinja")}",
        $"--MicroAI:Limits:MaxRequestBodyBytes={MaxRequestBodyBytes}",
        $"--MicroAI:Limits:MaxJsonDepth={MaxJsonDepth}",
        $"--MicroAI:Limits:MaxMessages={MaxMessages}",
        $"--MicroAI:Limits:MaxInputs={MaxInputs}",
        $"--MicroAI:Limits:MaxTokens={MaxTokens}",
        $"--MicroAI:Limits:MaxChoices={MaxChoices}",
        $"--MicroAI:Limits:MaxStopSequences={MaxStopSequences}",
        $"--MicroAI:Limits:MaxTools={MaxTools}",
        $"--MicroAI:Limits:MaxLogitBias={MaxLogitBias}",
        $"--MicroAI:Limits:MaxSchemaBytes={MaxSchemaBytes}",
        $"--MicroAI:Limits:MaxSchemaDepth={MaxSchemaDepth}",
        $"--MicroAI:Limits:MaxPromptCharacters={MaxPromptCharacters}",
        $"--MicroAI:Limits:MaxImageBytes={MaxImageBytes}",
        $"--MicroAI:Limits:MaxImagePixels={MaxImagePixels}",
    ];
}

[CollectionDefinition(Name)]
public sealed class LimitsServerCollection : ICollectionFixture<LimitsServerFixture>
{
    public const string Name = "Limits server";
}
