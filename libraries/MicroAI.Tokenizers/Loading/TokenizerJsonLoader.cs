using System.Text.Json;
using MicroAI.Tokenizers.AddedTokens;
using MicroAI.Tokenizers.Normalizers;
using MicroAI.Tokenizers.Pipeline;

namespace MicroAI.Tokenizers.Loading;

/// <summary>Loads a Hugging Face tokenizer.json (with the transformers-level settings of tokenizer_config.json).</summary>
internal static class TokenizerJsonLoader
{
    public static PipelineTokenizer Load(string json, string label, TokenizerConfig config)
    {
        var context = new LoadContext(label);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw context.Fail("invalid JSON: " + e.Message, e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw context.Fail("expected a JSON object");
            try
            {
                return Build(root, context, config);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException or IndexOutOfRangeException)
            {
                // JsonElement accessors throw InvalidOperationException on a value of the wrong kind.
                throw context.Fail("unexpected structure: " + e.Message, e);
            }
        }
    }

    private static PipelineTokenizer Build(JsonElement root, LoadContext context, TokenizerConfig config)
    {
        var reader = new ComponentReader(context);
        var model = reader.Model(root.Prop("model"));

        var added = new List<AddedToken>();
        if (root.Prop("added_tokens") is { ValueKind: JsonValueKind.Array } list)
        {
            foreach (var t in list.EnumerateArray())
            {
                var id = t.Int("id") ?? throw context.Fail("added token without an id");
                var content = t.Str("content") ?? throw context.Fail($"added token {id} without content");
                var special = t.Bool("special") ?? false;
                added.Add(new AddedToken(id, content, t.Bool("single_word") ?? false, t.Bool("lstrip") ?? false,
                    t.Bool("rstrip") ?? false, t.Bool("normalized") ?? !special, special));
            }
        }

        int? TokenToId(string token) => added.Find(a => a.Content == token)?.Id ?? model.Vocabulary.GetId(token);

        // Special tokens named only in tokenizer_config.json are added as transformers does (if the vocabulary has them).
        foreach (var spec in config.SpecialTokens.Values.Concat(config.AdditionalSpecialTokens))
        {
            if (!added.Exists(a => a.Content == spec.Content) && model.Vocabulary.GetId(spec.Content) is { } id)
                added.Add(new AddedToken(id, spec.Content, spec.SingleWord, spec.LStrip, spec.RStrip, spec.Normalized, true));
        }

        var normalizer = ApplyBertOverrides(root.Prop("normalizer"), config) ?? reader.Normalizer(root.Prop("normalizer"));
        var pre = reader.PreTokenizer(root.Prop("pre_tokenizer"));
        var post = reader.PostProcessor(root.Prop("post_processor"), TokenToId);
        var decoder = reader.Decoder(root.Prop("decoder"));

        var pad = (config.Role("pad_token") is { } padSpec ? TokenToId(padSpec.Content) : null)
            ?? root.Prop("padding")?.Int("pad_id");

        return new PipelineTokenizer(new TokenizerParts(
            model, normalizer, pre, post, decoder, added,
            config.CleanUpTokenizationSpaces ?? false, pad, config.ModelMaxLength));
    }

    /// <summary>
    /// transformers' BERT-family fast tokenizers rebuild the BertNormalizer when tokenizer_config.json sets
    /// do_lower_case / strip_accents / tokenize_chinese_chars differently; we honour the keys the config sets.
    /// </summary>
    private static BertNormalizer? ApplyBertOverrides(JsonElement? normalizer, TokenizerConfig config)
    {
        if (normalizer is not { ValueKind: JsonValueKind.Object } e || e.Str("type") != "BertNormalizer")
            return null;
        if (config.DoLowerCase is null && !config.HasStripAccents && config.TokenizeChineseChars is null)
            return null;
        return new BertNormalizer(
            e.Bool("clean_text") ?? true,
            config.TokenizeChineseChars ?? e.Bool("handle_chinese_chars") ?? true,
            config.HasStripAccents ? config.StripAccents : e.Bool("strip_accents"),
            config.DoLowerCase ?? e.Bool("lowercase") ?? true);
    }
}
