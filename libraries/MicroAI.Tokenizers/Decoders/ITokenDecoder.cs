namespace MicroAI.Tokenizers.Decoders;

/// <summary>
/// A tokenizer.json "decoder". Like Hugging Face's decode chain, each decoder rewrites the list of token strings
/// in place; the decoded text is their concatenation.
/// </summary>
internal interface ITokenDecoder
{
    void DecodeChain(List<string> tokens);
}
