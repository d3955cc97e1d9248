namespace MicroAI.Tokenizers.Decoders;

/// <summary>"BPEDecoder": the end-of-word suffix (e.g. "&lt;/w&gt;") becomes a space, except on the last token.</summary>
internal sealed class BpeSuffixDecoder(string suffix) : ITokenDecoder
{
    public void DecodeChain(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
            tokens[i] = tokens[i].Replace(suffix, i == tokens.Count - 1 ? "" : " ", StringComparison.Ordinal);
    }
}
