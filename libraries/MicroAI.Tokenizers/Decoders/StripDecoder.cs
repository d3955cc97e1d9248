namespace MicroAI.Tokenizers.Decoders;

/// <summary>"Strip": removes up to <c>start</c> leading and <c>stop</c> trailing occurrences of a character from each token.</summary>
internal sealed class StripDecoder(char content, int start, int stop) : ITokenDecoder
{
    public void DecodeChain(List<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            var from = 0;
            while (from < t.Length && from < start && t[from] == content)
                from++;
            var to = t.Length;
            while (to > from && t.Length - to < stop && t[to - 1] == content)
                to--;
            tokens[i] = t[from..to];
        }
    }
}
