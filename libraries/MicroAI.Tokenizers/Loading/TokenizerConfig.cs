using System.Globalization;
using System.Text.Json;

namespace MicroAI.Tokenizers.Loading;

/// <summary>
/// What we use from tokenizer_config.json (and special_tokens_map.json, which fills roles the config leaves out):
/// transformers-level settings that tokenizer.json does not carry.
/// </summary>
internal sealed class TokenizerConfig
{
    /// <summary>
    /// Above this, model_max_length is taken as "no limit": transformers writes int(1e30) for that, and no real
    /// model has a context of 100M tokens.
    /// </summary>
    internal const double SaneModelMaxLength = 100_000_000;

    internal static readonly string[] Roles = ["unk_token", "sep_token", "pad_token", "cls_token", "mask_token", "bos_token", "eos_token"];

    public static TokenizerConfig Empty { get; } = new();

    public int? ModelMaxLength { get; private init; }

    public bool? CleanUpTokenizationSpaces { get; private init; }

    public bool? DoLowerCase { get; private init; }

    /// <summary>True when the file has a strip_accents key (its value may be null: "follow lowercase").</summary>
    public bool HasStripAccents { get; private init; }

    public bool? StripAccents { get; private init; }

    public bool? TokenizeChineseChars { get; private init; }

    public bool? AddPrefixSpace { get; private init; }

    public string? TokenizerClass { get; private init; }

    /// <summary>Special tokens by role ("unk_token", "pad_token", …).</summary>
    public IReadOnlyDictionary<string, SpecialTokenSpec> SpecialTokens { get; private init; } = new Dictionary<string, SpecialTokenSpec>();

    public IReadOnlyList<SpecialTokenSpec> AdditionalSpecialTokens { get; private init; } = [];

    /// <summary>tokenizer_config.json "added_tokens_decoder": id → token.</summary>
    public IReadOnlyDictionary<int, SpecialTokenSpec> AddedTokensDecoder { get; private init; } = new Dictionary<int, SpecialTokenSpec>();

    public SpecialTokenSpec? Role(string role) => SpecialTokens.GetValueOrDefault(role);

    /// <summary>Parses the two files' JSON (either may be null).</summary>
    public static TokenizerConfig Parse(string? configJson, string? specialTokensMapJson, string configLabel, string mapLabel)
    {
        using var config = ParseDocument(configJson, configLabel);
        using var map = ParseDocument(specialTokensMapJson, mapLabel);
        var root = config?.RootElement ?? default;
        var mapRoot = map?.RootElement ?? default;

        var specials = new Dictionary<string, SpecialTokenSpec>();
        foreach (var role in Roles)
        {
            if ((SpecialTokenSpec.Read(root.Prop(role)) ?? SpecialTokenSpec.Read(mapRoot.Prop(role))) is { } spec)
                specials[role] = spec;
        }
        var additional = new List<SpecialTokenSpec>();
        foreach (var source in new[] { root.Prop("additional_special_tokens"), mapRoot.Prop("additional_special_tokens") })
        {
            if (source is { ValueKind: JsonValueKind.Array } array)
            {
                foreach (var item in array.EnumerateArray())
                {
                    if (SpecialTokenSpec.Read(item) is { } spec && !additional.Exists(s => s.Content == spec.Content))
                        additional.Add(spec);
                }
            }
        }
        var decoder = new Dictionary<int, SpecialTokenSpec>();
        if (root.Prop("added_tokens_decoder") is { ValueKind: JsonValueKind.Object } atd)
        {
            foreach (var p in atd.EnumerateObject())
            {
                if (int.TryParse(p.Name, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) && SpecialTokenSpec.Read(p.Value) is { } spec)
                    decoder[id] = spec;
            }
        }

        int? maxLength = null;
        if (root.Number("model_max_length") is { } m && m > 0 && m <= SaneModelMaxLength)
            maxLength = (int)m;

        return new TokenizerConfig
        {
            ModelMaxLength = maxLength,
            CleanUpTokenizationSpaces = root.Bool("clean_up_tokenization_spaces"),
            DoLowerCase = root.Bool("do_lower_case"),
            HasStripAccents = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("strip_accents", out _),
            StripAccents = root.Bool("strip_accents"),
            TokenizeChineseChars = root.Bool("tokenize_chinese_chars"),
            AddPrefixSpace = root.Bool("add_prefix_space"),
            TokenizerClass = root.Str("tokenizer_class"),
            SpecialTokens = specials,
            AdditionalSpecialTokens = additional,
            AddedTokensDecoder = decoder,
        };
    }

    private static JsonDocument? ParseDocument(string? json, string label)
    {
        if (string.IsNullOrWhiteSpace(json))
            return null;
        try
        {
            var doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw new TokenizerLoadException(label, "expected a JSON object");
            }
            return doc;
        }
        catch (JsonException e)
        {
            throw new TokenizerLoadException(label, "invalid JSON: " + e.Message, e);
        }
    }
}
