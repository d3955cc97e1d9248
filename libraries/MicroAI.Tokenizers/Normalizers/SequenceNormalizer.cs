namespace MicroAI.Tokenizers.Normalizers;

/// <summary>"Sequence": applies normalizers in order.</summary>
internal sealed class SequenceNormalizer(IReadOnlyList<INormalizer> normalizers) : INormalizer
{
    public IReadOnlyList<INormalizer> Normalizers { get; } = normalizers;

    public string Normalize(string text)
    {
        foreach (var n in Normalizers)
            text = n.Normalize(text);
        return text;
    }
}
