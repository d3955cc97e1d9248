namespace MicroAI.Tokenizers.Models;

/// <summary>"WordLevel": each word is one vocabulary entry, or the unk token.</summary>
internal sealed class WordLevelModel(Vocabulary vocabulary, int? unkId) : ITokenModel
{
    public Vocabulary Vocabulary { get; } = vocabulary;

    public void Tokenize(ReadOnlySpan<char> word, List<int> ids)
    {
        if (word.IsEmpty)
            return;
        if (Vocabulary.TryGetId(word, out var id))
            ids.Add(id);
        else if (unkId is { } unk)
            ids.Add(unk);
    }
}
