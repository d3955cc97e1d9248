namespace MicroAI.Tokenizers.Decoders;

/// <summary>"Metaspace": the replacement character becomes a space; the first token's leading space is dropped unless the prepend scheme is "never".</summary>
internal sealed class MetaspaceDecoder(char replacement, bool stripLeadingSpace) : ITokenDecoder
{
    public void DecodeChain(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i].Replace(replacement, ' ');
            if (i == 0 && stripLeadingSpace && t.StartsWith(' '))
                t = t[1..];
            tokens[i] = t;
        }
    }
}
