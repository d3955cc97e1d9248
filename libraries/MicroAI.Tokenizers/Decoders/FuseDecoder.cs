namespace MicroAI.Tokenizers.Decoders;

/// <summary>"Fuse": joins all tokens into one.</summary>
internal sealed class FuseDecoder : ITokenDecoder
{
    public void DecodeChain(List<string> tokens)
    {
        var joined = string.Concat(tokens);
        tokens.Clear();
        tokens.Add(joined);
    }
}
