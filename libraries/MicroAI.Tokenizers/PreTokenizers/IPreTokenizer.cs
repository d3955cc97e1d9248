namespace MicroAI.Tokenizers.PreTokenizers;

/// <summary>
/// A tokenizer.json "pre_tokenizer": splits normalized text into words for the model. Pieces are slices of the
/// input (no copies) unless the pre-tokenizer rewrites characters (ByteLevel, Metaspace).
/// </summary>
internal interface IPreTokenizer
{
    /// <summary>Appends the pieces of <paramref name="text"/> to <paramref name="output"/>; empty pieces are never added.</summary>
    /// <param name="text">One section of normalized text (sections are separated by added tokens).</param>
    /// <param name="isFirstSection">True for the section at the very start of the input (Metaspace's prepend_scheme "first").</param>
    /// <param name="output">Where pieces go.</param>
    void PreTokenize(ReadOnlyMemory<char> text, bool isFirstSection, List<ReadOnlyMemory<char>> output);
}
