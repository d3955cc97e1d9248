using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Tokenizers.Tests;

/// <summary>Paths to the committed fixtures and the tokenizers they describe.</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> s_gpt2Folder = new(MakeGpt2Folder);
    private static readonly Lazy<Expectations> s_expectations = new(LoadExpectations);

    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string BpeTinyFolder => Path.Combine(Root, "bpe-tiny");

    public static string BpeSentencePieceFolder => Path.Combine(Root, "bpe-sp");

    public static string UnigramXlmrFolder => Path.Combine(Root, "unigram-xlmr");

    public static string UnigramT5Folder => Path.Combine(Root, "unigram-t5");

    /// <summary>A temp folder with the real GPT-2 vocab.json and merges.txt (decompressed) and a tokenizer_config.json like gpt2's.</summary>
    public static string Gpt2Folder => s_gpt2Folder.Value;

    public static Expectations Expectations => s_expectations.Value;

    public static string FolderOf(string suite) => suite switch
    {
        "minilm" => TestPaths.MiniLmTokenizerFolder,
        "bpe-tiny" => BpeTinyFolder,
        "bpe-sp" => BpeSentencePieceFolder,
        "gpt2" => Gpt2Folder,
        "unigram-xlmr" => UnigramXlmrFolder,
        "unigram-t5" => UnigramT5Folder,
        _ => throw new ArgumentException("unknown suite " + suite),
    };

    public static ITokenizer Load(string suite) => TokenizerFactory.FromFolder(FolderOf(suite));

    /// <summary>A new empty folder under the temp path, deleted when the test process exits.</summary>
    public static string NewTempFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "microai-tok-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // best effort: the OS cleans the temp folder eventually
            }
        };
        return dir;
    }

    /// <summary>The tokenizer of a Fixtures/variants.json entry: its base tokenizer.json with the patch applied.</summary>
    public static ITokenizer LoadVariant(string name)
    {
        var variants = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "variants.json")))!.AsArray();
        var variant = variants.Single(v => (string?)v!["name"] == name)!;
        var folder = FolderOf((string)variant["base"]!);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer.json")))!.AsObject();
        foreach (var (key, value) in variant["patch"]!.AsObject())
            json[key] = value?.DeepClone();
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer_config.json")))!.AsObject();
        if (variant["configPatch"] is JsonObject configPatch)
        {
            foreach (var (key, value) in configPatch)
                config[key] = value?.DeepClone();
        }
        return TokenizerFactory.FromTokenizerJson(json.ToJsonString(), config.ToJsonString());
    }

    public static IEnumerable<string> VariantNames() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "variants.json")))!.AsArray().Select(v => (string)v!["name"]!);

    private static string MakeGpt2Folder()
    {
        var dir = NewTempFolder();
        foreach (var name in new[] { "vocab.json", "merges.txt" })
        {
            using var input = new GZipStream(File.OpenRead(Path.Combine(Root, "gpt2", name + ".gz")), CompressionMode.Decompress);
            using var output = File.Create(Path.Combine(dir, name));
            input.CopyTo(output);
        }
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), """{"model_max_length": 1024}""");
        return dir;
    }

    private static Expectations LoadExpectations()
    {
        var json = File.ReadAllText(Path.Combine(Root, "expectations.json"));
        return JsonSerializer.Deserialize<Expectations>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
            ?? throw new InvalidDataException("empty expectations.json");
    }
}
