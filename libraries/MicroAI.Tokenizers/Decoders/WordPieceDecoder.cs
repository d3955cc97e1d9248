namespace MicroAI.Tokenizers.Decoders;

/// <summary>"WordPiece": tokens after the first get a space unless they start with the prefix ("##"), which is removed.</summary>
internal sealed class WordPieceDecoder(string prefix, bool cleanup) : ITokenDecoder
{
    public void DecodeChain(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (i != 0)
                t = prefix.Length > 0 && t.StartsWith(prefix, StringComparison.Ordinal) ? t[prefix.Length..] : " " + t;
            if (cleanup)
                t = TokenizationCleanup.Apply(t);
            tokens[i] = t;
        }
    }
}
