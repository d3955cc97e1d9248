using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Tokenizers.Tests;

/// <summary>Folder and JSON loading: the legacy file formats, tokenizer_config.json, and clear errors.</summary>
public sealed class LoadingTests
{
    [Fact]
    public void Vocab_txt_alone_encodes_like_tokenizer_json()
    {
        var folder = Fixtures.NewTempFolder();
        foreach (var name in new[] { "vocab.txt", "tokenizer_config.json", "special_tokens_map.json" })
            File.Copy(Path.Combine(TestPaths.MiniLmTokenizerFolder, name), Path.Combine(folder, name));

        var legacy = TokenizerFactory.FromFolder(folder);
        ReferenceExpectationTests.AssertSuite(legacy, Fixtures.Expectations.Suite("minilm"), checkDecode: true);
        Assert.Equal(30522, legacy.VocabularySize);
        Assert.Equal(0, legacy.PadTokenId);
        Assert.Equal(512, legacy.ModelMaxLength);
    }

    [Fact]
    public void Vocab_txt_without_any_config_uses_bert_defaults()
    {
        var folder = Fixtures.NewTempFolder();
        File.Copy(Path.Combine(TestPaths.MiniLmTokenizerFolder, "vocab.txt"), Path.Combine(folder, "vocab.txt"));
        var tokenizer = TokenizerFactory.FromFolder(folder);
        var reference = TokenizerFactory.FromFolder(TestPaths.MiniLmTokenizerFolder);
        var text = "Crème Brûlée [MASK] 中文, don't!";
        Assert.Equal(reference.Encode(text).Ids, tokenizer.Encode(text).Ids);
        Assert.Null(tokenizer.ModelMaxLength);
    }

    [Fact]
    public void Do_lower_case_false_keeps_case_and_accents()
    {
        var folder = Fixtures.NewTempFolder();
        File.Copy(Path.Combine(TestPaths.MiniLmTokenizerFolder, "vocab.txt"), Path.Combine(folder, "vocab.txt"));
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{"do_lower_case": false, "model_max_length": 128}""");
        var tokenizer = TokenizerFactory.FromFolder(folder);
        // The uncased vocabulary has no "Hello"; with lowercasing off it is split into pieces.
        Assert.NotEqual(["[CLS]", "hello", "[SEP]"], tokenizer.Encode("Hello").Tokens);
        Assert.Equal(["[CLS]", "hello", "[SEP]"], tokenizer.Encode("hello").Tokens);
        Assert.Equal(128, tokenizer.ModelMaxLength);
    }

    [Fact]
    public void Vocab_json_and_merges_txt_encode_like_tokenizer_json()
    {
        // bpe-tiny's tokenizer.json rewritten as the legacy RoBERTa files.
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.BpeTinyFolder, "tokenizer.json")))!;
        var folder = Fixtures.NewTempFolder();
        File.WriteAllText(Path.Combine(folder, "vocab.json"), json["model"]!["vocab"]!.ToJsonString());
        File.WriteAllLines(Path.Combine(folder, "merges.txt"), ["#version: 0.2", .. json["model"]!["merges"]!.AsArray().Select(m => (string)m!)]);
        File.Copy(Path.Combine(Fixtures.BpeTinyFolder, "tokenizer_config.json"), Path.Combine(folder, "tokenizer_config.json"));
        File.Copy(Path.Combine(Fixtures.BpeTinyFolder, "special_tokens_map.json"), Path.Combine(folder, "special_tokens_map.json"));

        var legacy = TokenizerFactory.FromFolder(folder);
        ReferenceExpectationTests.AssertSuite(legacy, Fixtures.Expectations.Suite("bpe-tiny"), checkDecode: true);
        Assert.Equal(1, legacy.PadTokenId);
    }

    [Fact]
    public void Gpt2_as_tokenizer_json_matches_the_reference()
    {
        // The same real GPT-2 vocabulary, wrapped in the tokenizer.json Hugging Face publishes for gpt2, with merges
        // in the newer [left, right] form.
        var vocab = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.Gpt2Folder, "vocab.json")))!;
        var merges = new JsonArray();
        foreach (var line in File.ReadLines(Path.Combine(Fixtures.Gpt2Folder, "merges.txt")))
        {
            if (line.Length == 0 || line.StartsWith("#version", StringComparison.Ordinal))
                continue;
            var parts = line.Split(' ');
            merges.Add(new JsonArray(parts[0], parts[1]));
        }
        var tokenizerJson = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(new JsonObject
            {
                ["id"] = 50256, ["content"] = "<|endoftext|>", ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = true, ["special"] = true,
            }),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["post_processor"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = false, ["use_regex"] = true },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = "",
                ["end_of_word_suffix"] = "", ["fuse_unk"] = false, ["vocab"] = vocab.DeepClone(), ["merges"] = merges,
            },
        };
        var tokenizer = TokenizerFactory.FromTokenizerJson(tokenizerJson.ToJsonString(), """{"model_max_length": 1024}""");
        ReferenceExpectationTests.AssertSuite(tokenizer, Fixtures.Expectations.Suite("gpt2"), checkDecode: true);
        Assert.Equal(1024, tokenizer.ModelMaxLength);
    }

    [Fact]
    public void Bpe_merges_as_pairs_or_strings_are_equivalent()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.BpeTinyFolder, "tokenizer.json")))!;
        var merges = json["model"]!["merges"]!.AsArray();
        var pairs = new JsonArray();
        foreach (var m in merges)
        {
            var parts = ((string)m!).Split(' ');
            pairs.Add(new JsonArray(parts[0], parts[1]));
        }
        json["model"]!["merges"] = pairs;
        var tokenizer = TokenizerFactory.FromTokenizerJson(json.ToJsonString(), File.ReadAllText(Path.Combine(Fixtures.BpeTinyFolder, "tokenizer_config.json")));
        ReferenceExpectationTests.AssertSuite(tokenizer, Fixtures.Expectations.Suite("bpe-tiny"), checkDecode: true);
    }

    [Theory]
    [InlineData("minilm", 30522, 0, 512)]
    [InlineData("bpe-tiny", 581, 1, 512)]
    [InlineData("bpe-sp", 574, null, null)] // model_max_length 1e30 means "no limit"; pad_token null
    [InlineData("gpt2", 50257, null, 1024)]
    public void Reports_vocabulary_pad_and_max_length(string suite, int vocabularySize, int? pad, int? maxLength)
    {
        var tokenizer = Fixtures.Load(suite);
        Assert.Equal(vocabularySize, tokenizer.VocabularySize);
        Assert.Equal(pad, tokenizer.PadTokenId);
        Assert.Equal(maxLength, tokenizer.ModelMaxLength);
    }

    [Fact]
    public void Token_and_id_lookups_cover_model_and_added_tokens()
    {
        var minilm = Fixtures.Load("minilm");
        Assert.Equal(101, minilm.TokenToId("[CLS]"));
        Assert.Equal(7592, minilm.TokenToId("hello"));
        Assert.Equal("##s", minilm.IdToToken(2015));
        Assert.Null(minilm.TokenToId("definitely-not-a-token"));
        Assert.Null(minilm.IdToToken(-1));
        Assert.Null(minilm.IdToToken(1_000_000));

        var bpe = Fixtures.Load("bpe-tiny");
        Assert.Equal(580, bpe.TokenToId("<mask>"));
        Assert.Equal("<mask>", bpe.IdToToken(580));
        Assert.Equal("Ġ", bpe.IdToToken(bpe.TokenToId("Ġ")!.Value));
    }

    [Fact]
    public void Missing_folder_is_a_load_error()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-tokenizer-" + Guid.NewGuid());
        var e = Assert.Throws<TokenizerLoadException>(() => TokenizerFactory.FromFolder(path));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void Folder_without_tokenizer_files_is_a_load_error()
    {
        var folder = Fixtures.NewTempFolder();
        File.WriteAllText(Path.Combine(folder, "config.json"), "{}");
        var e = Assert.Throws<TokenizerLoadException>(() => TokenizerFactory.FromFolder(folder));
        Assert.Contains("no tokenizer files", e.Reason);
    }

    [Fact]
    public void SentencePiece_model_file_is_reported_as_unsupported()
    {
        var folder = Fixtures.NewTempFolder();
        File.WriteAllBytes(Path.Combine(folder, "spiece.model"), [0x0A, 0x01, 0x02]);
        var e = Assert.Throws<TokenizerLoadException>(() => TokenizerFactory.FromFolder(folder));
        Assert.EndsWith("spiece.model", e.FilePath);
        Assert.Contains("SentencePiece", e.Reason);
        Assert.Contains("not supported yet", e.Reason);
    }

    [Fact]
    public void Unigram_tokenizer_json_loads_from_a_folder()
    {
        // An empty charsmap is SentencePiece's identity normalization.
        var folder = Fixtures.NewTempFolder();
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"),
            """{"version":"1.0","added_tokens":[],"normalizer":{"type":"Precompiled","precompiled_charsmap":""},"pre_tokenizer":{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true},"post_processor":null,"decoder":null,"model":{"type":"Unigram","unk_id":0,"vocab":[["<unk>",0.0],["▁a",-1.5]]}}""");
        var tokenizer = TokenizerFactory.FromFolder(folder);
        Assert.Equal([1, 1, 0], tokenizer.Encode("a a b").Ids);
    }

    [Theory]
    [InlineData("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[UNK]\": 0}", "invalid JSON")]
    [InlineData("[1, 2, 3]", "expected a JSON object")]
    [InlineData("{\"version\": \"1.0\"}", "no 'model' object")]
    [InlineData("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0}}}", "unk_token '[UNK]' is not in the WordPiece vocabulary")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [\"a b\"]}}", "the result 'ab' is not in the vocabulary")]
    [InlineData("{\"model\": {\"type\": \"Fancy\", \"vocab\": {}}}", "model type 'Fancy' is not supported")]
    [InlineData("{\"normalizer\": {\"type\": \"Precompiled\"}, \"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": 0}}}", "Precompiled")]
    [InlineData("{\"pre_tokenizer\": {\"type\": \"UnicodeScripts\"}, \"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": 0}}}", "pre_tokenizer type 'UnicodeScripts' is not supported")]
    [InlineData("{\"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"Regex\": \"a++(\"}, \"behavior\": \"Isolated\"}, \"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": 0}}}", "not supported by .NET's regex engine")]
    [InlineData("{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": \"zero\"}}}", "vocab entry 'a' has no valid id")]
    [InlineData("{\"model\": {\"type\": \"Unigram\", \"unk_id\": 0, \"vocab\": [[\"a\", \"x\"]]}}", "Unigram vocab entry 0 is not [piece, score]")]
    [InlineData("{\"model\": {\"type\": \"Unigram\", \"unk_id\": 5, \"vocab\": [[\"a\", -1.0]]}}", "unk_id 5 is outside the vocabulary")]
    [InlineData("{\"model\": {\"type\": \"Unigram\", \"vocab\": {\"a\": 0}}}", "must be an array of [piece, score]")]
    public void Corrupt_or_unsupported_tokenizer_json_is_a_clear_load_error(string json, string reason)
    {
        var e = Assert.Throws<TokenizerLoadException>(() => TokenizerFactory.FromTokenizerJson(json));
        Assert.Contains(reason, e.Reason);
        Assert.Equal("tokenizer.json", e.FilePath);
    }

    [Fact]
    public void Corrupt_tokenizer_config_names_the_file()
    {
        var folder = Fixtures.NewTempFolder();
        File.Copy(Path.Combine(TestPaths.MiniLmTokenizerFolder, "vocab.txt"), Path.Combine(folder, "vocab.txt"));
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), "{ not json");
        var e = Assert.Throws<TokenizerLoadException>(() => TokenizerFactory.FromFolder(folder));
        Assert.EndsWith("tokenizer_config.json", e.FilePath);
    }

    [Fact]
    public void Corrupt_merges_txt_names_the_file()
    {
        var folder = Fixtures.NewTempFolder();
        File.WriteAllText(Path.Combine(folder, "vocab.json"), """{"a": 0, "b": 1}""");
        File.WriteAllText(Path.Combine(folder, "merges.txt"), "#version: 0.2\na b\n");
        var e = Assert.Throws<TokenizerLoadException>(() => TokenizerFactory.FromFolder(folder));
        Assert.EndsWith("merges.txt", e.FilePath);
        Assert.Contains("'ab' is not in the vocabulary", e.Reason);
    }

    [Fact]
    public void Model_type_is_inferred_when_missing()
    {
        var tokenizer = TokenizerFactory.FromTokenizerJson(
            """{"model": {"vocab": {"[UNK]": 0, "un": 1, "##able": 2}, "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100}, "pre_tokenizer": {"type": "WhitespaceSplit"}}""");
        Assert.Equal([1, 2, 0], tokenizer.Encode("unable zzz").Ids);
    }
}
