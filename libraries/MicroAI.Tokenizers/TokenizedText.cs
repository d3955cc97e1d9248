namespace MicroAI.Tokenizers;

/// <summary>The result of encoding one sequence or a pair.</summary>
/// <param name="Ids">Token ids, special tokens included.</param>
/// <param name="TypeIds">Segment ids (<c>token_type_ids</c>): 0 for the first sequence, usually 1 for the second.</param>
/// <param name="SpecialTokensMask">1 where the post-processor added a special token, else 0.</param>
/// <param name="Tokens">The token strings, parallel to <paramref name="Ids"/> (shared vocabulary strings, no copies).</param>
/// <param name="Truncated">True when <c>maxLength</c> cut some content tokens.</param>
public sealed record TokenizedText(int[] Ids, int[] TypeIds, int[] SpecialTokensMask, string[] Tokens, bool Truncated)
{
    /// <summary>Number of tokens.</summary>
    public int Length => Ids.Length;
}
