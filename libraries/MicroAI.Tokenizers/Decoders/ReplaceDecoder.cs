namespace MicroAI.Tokenizers.Decoders;

/// <summary>"Replace": replaces a literal string in every token (e.g. "▁" → " ").</summary>
internal sealed class ReplaceDecoder(string pattern, string content) : ITokenDecoder
{
    public void DecodeChain(List<string> tokens)
    {
        if (pattern.Length == 0)
            return;
        for (var i = 0; i < tokens.Count; i++)
            tokens[i] = tokens[i].Replace(pattern, content, StringComparison.Ordinal);
    }
}
