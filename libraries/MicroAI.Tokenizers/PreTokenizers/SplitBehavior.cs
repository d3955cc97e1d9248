namespace MicroAI.Tokenizers.PreTokenizers;

/// <summary>What a splitting pre-tokenizer does with the delimiters it finds (Hugging Face's SplitDelimiterBehavior).</summary>
internal enum SplitBehavior
{
    /// <summary>Delimiters are dropped.</summary>
    Removed,

    /// <summary>Each delimiter is a piece of its own.</summary>
    Isolated,

    /// <summary>A delimiter is appended to the piece before it.</summary>
    MergedWithPrevious,

    /// <summary>A delimiter is prepended to the piece after it.</summary>
    MergedWithNext,

    /// <summary>Runs of consecutive delimiters form one piece.</summary>
    Contiguous,
}
