namespace MicroAI.Tokenizers.PostProcessors;

/// <summary>A tokenizer.json "post_processor": adds special tokens and type ids around the content.</summary>
internal interface IPostProcessor
{
    /// <summary>How many special tokens <see cref="Process"/> adds (truncation leaves room for them).</summary>
    int AddedTokenCount(bool isPair);

    /// <summary>Writes the final encoding of <paramref name="first"/> and, for pairs, <paramref name="second"/>.</summary>
    void Process(ReadOnlySpan<int> first, ReadOnlySpan<int> second, bool isPair, EncodingWriter writer);
}
