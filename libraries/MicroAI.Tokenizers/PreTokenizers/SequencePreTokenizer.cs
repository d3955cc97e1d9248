namespace MicroAI.Tokenizers.PreTokenizers;

/// <summary>"Sequence": each pre-tokenizer splits every piece the previous one produced.</summary>
internal sealed class SequencePreTokenizer(IReadOnlyList<IPreTokenizer> steps) : IPreTokenizer
{
    public IReadOnlyList<IPreTokenizer> Steps { get; } = steps;

    public void PreTokenize(ReadOnlyMemory<char> text, bool isFirstSection, List<ReadOnlyMemory<char>> output)
    {
        if (Steps.Count == 0)
        {
            if (!text.IsEmpty)
                output.Add(text);
            return;
        }
        var current = new List<ReadOnlyMemory<char>> { text };
        var next = new List<ReadOnlyMemory<char>>();
        for (var s = 0; s < Steps.Count; s++)
        {
            var target = s == Steps.Count - 1 ? output : next;
            for (var i = 0; i < current.Count; i++)
                Steps[s].PreTokenize(current[i], isFirstSection && i == 0, target);
            if (target == next)
                (current, next) = (next, current);
            next.Clear();
        }
    }
}
