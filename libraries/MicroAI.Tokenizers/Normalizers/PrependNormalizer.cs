namespace MicroAI.Tokenizers.Normalizers;

/// <summary>"Prepend": puts a string in front of non-empty text (e.g. "▁" for SentencePiece-style BPE).</summary>
internal sealed class PrependNormalizer(string prefix) : INormalizer
{
    public string Normalize(string text) => text.Length == 0 ? text : prefix + text;
}
