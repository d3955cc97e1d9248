using MicroAI.Tokenizers.Loading;

namespace MicroAI.Tokenizers;

/// <summary>Loads Hugging Face tokenizers.</summary>
public static class TokenizerFactory
{
    /// <summary>
    /// Loads the tokenizer in a model folder: tokenizer.json if present, else vocab.txt (BERT WordPiece), else
    /// vocab.json + merges.txt (GPT-2/RoBERTa byte-level BPE); tokenizer_config.json and special_tokens_map.json
    /// add model_max_length, special tokens and the BERT options.
    /// </summary>
    /// <exception cref="TokenizerLoadException">No usable files, a corrupt file, or an unsupported tokenizer type.</exception>
    public static ITokenizer FromFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
            throw new TokenizerLoadException(folder, "the folder does not exist");

        var configPath = Path.Combine(folder, "tokenizer_config.json");
        var mapPath = Path.Combine(folder, "special_tokens_map.json");
        var config = TokenizerConfig.Parse(ReadIfExists(configPath), ReadIfExists(mapPath), configPath, mapPath);

        var jsonPath = Path.Combine(folder, "tokenizer.json");
        if (File.Exists(jsonPath))
            return TokenizerJsonLoader.Load(Read(jsonPath), jsonPath, config);

        var vocabTxt = Path.Combine(folder, "vocab.txt");
        if (File.Exists(vocabTxt))
            return LegacyFilesLoader.LoadWordPiece(vocabTxt, config);

        var vocabJson = Path.Combine(folder, "vocab.json");
        var merges = Path.Combine(folder, "merges.txt");
        if (File.Exists(vocabJson) && File.Exists(merges))
            return LegacyFilesLoader.LoadByteLevelBpe(vocabJson, merges, config);

        foreach (var sp in new[] { "tokenizer.model", "spiece.model", "sentencepiece.bpe.model" })
        {
            var path = Path.Combine(folder, sp);
            if (File.Exists(path))
                throw new TokenizerLoadException(path, "SentencePiece model files are not supported yet (a tokenizer.json with a Unigram, BPE or WordPiece model is; transformers writes one with save_pretrained)");
        }
        throw new TokenizerLoadException(folder, "no tokenizer files found (expected tokenizer.json, vocab.txt, or vocab.json with merges.txt)");
    }

    /// <summary>Loads a tokenizer from the text of a tokenizer.json (and optionally of its tokenizer_config.json).</summary>
    /// <exception cref="TokenizerLoadException">The JSON is corrupt or uses an unsupported tokenizer type.</exception>
    public static ITokenizer FromTokenizerJson(string json, string? tokenizerConfigJson = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        var config = TokenizerConfig.Parse(tokenizerConfigJson, null, "tokenizer_config.json", "special_tokens_map.json");
        return TokenizerJsonLoader.Load(json, "tokenizer.json", config);
    }

    private static string? ReadIfExists(string path) => File.Exists(path) ? Read(path) : null;

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TokenizerLoadException(path, "cannot read: " + e.Message, e);
        }
    }
}
