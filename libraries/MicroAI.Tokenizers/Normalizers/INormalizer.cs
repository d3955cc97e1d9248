namespace MicroAI.Tokenizers.Normalizers;

/// <summary>A tokenizer.json "normalizer": rewrites text before it is split (lowercasing, accents, Unicode forms…).</summary>
internal interface INormalizer
{
    /// <summary>Returns the normalized text; the same instance when nothing changes (so callers pay nothing then).</summary>
    string Normalize(string text);
}
