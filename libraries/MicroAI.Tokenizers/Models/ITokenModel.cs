namespace MicroAI.Tokenizers.Models;

/// <summary>A tokenizer.json "model": turns one pre-tokenized word into token ids.</summary>
internal interface ITokenModel
{
    /// <summary>The model's vocabulary.</summary>
    Vocabulary Vocabulary { get; }

    /// <summary>Appends the ids for <paramref name="word"/> (never throws; unknown input becomes the unk token or nothing).</summary>
    void Tokenize(ReadOnlySpan<char> word, List<int> ids);
}
