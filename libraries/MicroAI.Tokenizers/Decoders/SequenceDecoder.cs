namespace MicroAI.Tokenizers.Decoders;

/// <summary>"Sequence": runs decoders one after another on the token list.</summary>
internal sealed class SequenceDecoder(IReadOnlyList<ITokenDecoder> decoders) : ITokenDecoder
{
    public void DecodeChain(List<string> tokens)
    {
        foreach (var d in decoders)
            d.DecodeChain(tokens);
    }
}
