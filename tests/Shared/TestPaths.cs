namespace MicroAI.Tests.Shared;

/// <summary>Locates the repository and the shared test models (../shared/models beside the checkout).</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SharedModels => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "models"));

    public static string Stories260K => Require(Path.Combine(SharedModels, "gguf", "stories260K.gguf"));

    public static string TinyRandomLlama => Require(Path.Combine(SharedModels, "gguf", "llama-2-tiny-random.gguf"));

    public static string OnnxModels => Path.Combine(SharedModels, "onnx");

    public static string MagikaFolder => RequireDir(Path.Combine(OnnxModels, "magika-standard_v3_3"));

    public static string MnistFolder => RequireDir(Path.Combine(OnnxModels, "mnist"));

    public static string SqueezeNetFolder => RequireDir(Path.Combine(OnnxModels, "squeezenet1.0-fp16-imagenet"));

    public static string MiniLmTokenizerFolder => RequireDir(Path.Combine(SharedModels, "tokenizers", "all-MiniLM-L6-v2"));

    /// <summary>The greedy continuation of "Once upon a time" recorded in ../shared/models/README.md (40 tokens).</summary>
    public const string OnceUponATimeGreedy = ", there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball.";

    private static string Require(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"Test model not found at {path}; the tests expect ../shared/models beside the repository.", path);

    private static string RequireDir(string path) =>
        Directory.Exists(path) ? path : throw new DirectoryNotFoundException($"Test model folder not found at {path}; the tests expect ../shared/models beside the repository.");

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MicroAI.Server.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Could not find MicroAI.Server.sln above " + AppContext.BaseDirectory);
    }
}
