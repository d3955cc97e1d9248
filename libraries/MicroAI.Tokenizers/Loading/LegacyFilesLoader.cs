using System.Text.Json;
using MicroAI.Tokenizers.AddedTokens;
using MicroAI.Tokenizers.Decoders;
using MicroAI.Tokenizers.Models;
using MicroAI.Tokenizers.Normalizers;
using MicroAI.Tokenizers.PostProcessors;
using MicroAI.Tokenizers.PreTokenizers;
using MicroAI.Tokenizers.Pipeline;

namespace MicroAI.Tokenizers.Loading;

/// <summary>
/// Folders without tokenizer.json: BERT's vocab.txt (WordPiece with BERT's defaults) and GPT-2/RoBERTa's
/// vocab.json + merges.txt (byte-level BPE), configured from tokenizer_config.json as transformers' slow→fast
/// conversion would.
/// </summary>
internal static class LegacyFilesLoader
{
    private static readonly string[] s_robertaFamily = ["Roberta", "Bart", "Longformer", "Led", "Camembert", "Blenderbot", "Mvp", "Markuplm", "Luke"];

    public static PipelineTokenizer LoadWordPiece(string vocabPath, TokenizerConfig config)
    {
        var context = new LoadContext(vocabPath);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var index = 0;
        foreach (var line in ReadLines(vocabPath, context))
            ids[line.TrimEnd('\r')] = index++; // like transformers: a repeated token keeps its last line
        if (ids.Count == 0)
            throw context.Fail("the vocabulary is empty");
        var vocab = new Vocabulary(ids);

        string RoleOr(string role, string fallback) => config.Role(role)?.Content ?? fallback;
        var unk = RoleOr("unk_token", "[UNK]");
        var cls = RoleOr("cls_token", "[CLS]");
        var sep = RoleOr("sep_token", "[SEP]");
        var pad = RoleOr("pad_token", "[PAD]");
        var mask = RoleOr("mask_token", "[MASK]");

        if (vocab.GetId(unk) is null)
            throw context.Fail($"the unknown token '{unk}' is not in the vocabulary");
        var clsId = vocab.GetId(cls) ?? throw context.Fail($"the classifier token '{cls}' is not in the vocabulary");
        var sepId = vocab.GetId(sep) ?? throw context.Fail($"the separator token '{sep}' is not in the vocabulary");

        var added = SpecialTokens(config, vocab, [unk, sep, pad, cls, mask]);
        var lowercase = config.DoLowerCase ?? true;
        return new PipelineTokenizer(new TokenizerParts(
            new WordPieceModel(vocab, unk, "##", 100),
            new BertNormalizer(true, config.TokenizeChineseChars ?? true, config.StripAccents, lowercase),
            new BertPreTokenizer(),
            TemplateProcessor.Bert(clsId, sepId),
            new WordPieceDecoder("##", cleanup: true),
            added,
            config.CleanUpTokenizationSpaces ?? true, // BertTokenizer's default
            vocab.GetId(pad),
            config.ModelMaxLength));
    }

    public static PipelineTokenizer LoadByteLevelBpe(string vocabPath, string mergesPath, TokenizerConfig config)
    {
        var vocabContext = new LoadContext(vocabPath);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            using var stream = File.OpenRead(vocabPath);
            using var doc = JsonDocument.Parse(stream);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw vocabContext.Fail("expected a JSON object of token → id");
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (!p.Value.TryGetInt32(out var id) || id < 0)
                    throw vocabContext.Fail($"entry '{p.Name}' has no valid id");
                ids[p.Name] = id;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            throw vocabContext.Fail(e.Message, e);
        }
        var vocab = new Vocabulary(ids);

        var mergesContext = new LoadContext(mergesPath);
        var merges = new List<(string, string)>();
        foreach (var raw in ReadLines(mergesPath, mergesContext))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith("#version", StringComparison.Ordinal))
                continue;
            var space = line.IndexOf(' ', 1);
            if (space < 0)
                throw mergesContext.Fail($"line '{line}' is not two space-separated tokens");
            merges.Add((line[..space], line[(space + 1)..]));
        }

        BpeModel model;
        try
        {
            model = new BpeModel(vocab, merges, new BpeOptions());
        }
        catch (FormatException e)
        {
            throw mergesContext.Fail(e.Message, e);
        }

        // RoBERTa-family classes (or, without a class, a vocabulary with <s> and </s>) wrap text in <s> … </s>;
        // GPT-2 adds nothing.
        var cls = config.TokenizerClass;
        var roberta = cls is not null
            ? s_robertaFamily.Any(f => cls.StartsWith(f, StringComparison.OrdinalIgnoreCase))
            : vocab.GetId("<s>") is not null && vocab.GetId("</s>") is not null;
        string[] defaults = roberta ? ["<s>", "</s>", "<unk>", "<pad>", "<mask>"] : ["<|endoftext|>"];
        var added = SpecialTokens(config, vocab, defaults);
        if (roberta && config.Role("mask_token") is null && added.FindIndex(a => a.Content == "<mask>") is var m and >= 0)
            added[m] = added[m] with { LStrip = true }; // RobertaTokenizer's mask token swallows the space before it

        TemplateProcessor? post = null;
        if (roberta)
        {
            var bos = vocab.GetId(config.Role("cls_token")?.Content ?? config.Role("bos_token")?.Content ?? "<s>");
            var eos = vocab.GetId(config.Role("sep_token")?.Content ?? config.Role("eos_token")?.Content ?? "</s>");
            if (bos is null || eos is null)
                throw vocabContext.Fail("RoBERTa-style tokenizer without <s>/</s> in the vocabulary");
            post = TemplateProcessor.Roberta(bos.Value, eos.Value);
        }

        var padToken = config.Role("pad_token")?.Content ?? (roberta ? "<pad>" : null);
        return new PipelineTokenizer(new TokenizerParts(
            model,
            null,
            new ByteLevelPreTokenizer(config.AddPrefixSpace ?? false, useRegex: true),
            post,
            new ByteLevelDecoder(),
            added,
            config.CleanUpTokenizationSpaces ?? false,
            padToken is null ? null : vocab.GetId(padToken),
            config.ModelMaxLength));
    }

    // Special tokens: the config's roles and extras, added_tokens_decoder, and the given defaults — each only if
    // the vocabulary has it (the legacy files cannot add ids).
    private static List<AddedToken> SpecialTokens(TokenizerConfig config, Vocabulary vocab, IEnumerable<string> defaults)
    {
        var result = new List<AddedToken>();
        void Add(SpecialTokenSpec spec, int? id = null)
        {
            if (result.Exists(a => a.Content == spec.Content))
                return;
            if ((id ?? vocab.GetId(spec.Content)) is { } tokenId)
                result.Add(new AddedToken(tokenId, spec.Content, spec.SingleWord, spec.LStrip, spec.RStrip, spec.Normalized, spec.Special));
        }
        foreach (var (id, spec) in config.AddedTokensDecoder)
            Add(spec, id);
        foreach (var spec in config.SpecialTokens.Values.Concat(config.AdditionalSpecialTokens))
            Add(spec);
        foreach (var content in defaults)
            Add(new SpecialTokenSpec(content));
        return result;
    }

    private static string[] ReadLines(string path, LoadContext context)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw context.Fail("cannot read: " + e.Message, e);
        }
    }
}
