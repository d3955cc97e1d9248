namespace MicroAI.Tokenizers.PostProcessors;

/// <summary>
/// "TemplateProcessing" (and "BertProcessing"/"RobertaProcessing", which are fixed templates): the single and pair
/// templates list special tokens and the sequences, each with a type id.
/// </summary>
internal sealed class TemplateProcessor : IPostProcessor
{
    private readonly TemplatePiece[] _single;
    private readonly TemplatePiece[] _pair;
    private readonly int _singleAdded;
    private readonly int _pairAdded;

    public TemplateProcessor(IReadOnlyList<TemplatePiece> single, IReadOnlyList<TemplatePiece> pair)
    {
        _single = [.. single];
        _pair = [.. pair];
        _singleAdded = _single.Sum(p => p.SpecialIds?.Length ?? 0);
        _pairAdded = _pair.Sum(p => p.SpecialIds?.Length ?? 0);
    }

    /// <summary>BERT: <c>[CLS] A [SEP]</c> and <c>[CLS] A [SEP] B [SEP]</c>, B and its [SEP] with type id 1.</summary>
    public static TemplateProcessor Bert(int clsId, int sepId) => new(
        [TemplatePiece.Special(clsId, 0), TemplatePiece.SequenceA(0), TemplatePiece.Special(sepId, 0)],
        [TemplatePiece.Special(clsId, 0), TemplatePiece.SequenceA(0), TemplatePiece.Special(sepId, 0), TemplatePiece.SequenceB(1), TemplatePiece.Special(sepId, 1)]);

    /// <summary>RoBERTa: <c>&lt;s&gt; A &lt;/s&gt;</c> and <c>&lt;s&gt; A &lt;/s&gt; &lt;/s&gt; B &lt;/s&gt;</c>; the second part has type id 1 (RoBERTa models ignore type ids).</summary>
    public static TemplateProcessor Roberta(int clsId, int sepId) => new(
        [TemplatePiece.Special(clsId, 0), TemplatePiece.SequenceA(0), TemplatePiece.Special(sepId, 0)],
        [TemplatePiece.Special(clsId, 0), TemplatePiece.SequenceA(0), TemplatePiece.Special(sepId, 0), TemplatePiece.Special(sepId, 1), TemplatePiece.SequenceB(1), TemplatePiece.Special(sepId, 1)]);

    public int AddedTokenCount(bool isPair) => isPair ? _pairAdded : _singleAdded;

    public void Process(ReadOnlySpan<int> first, ReadOnlySpan<int> second, bool isPair, EncodingWriter writer)
    {
        foreach (var piece in isPair ? _pair : _single)
        {
            if (piece.SpecialIds is { } ids)
            {
                foreach (var id in ids)
                    writer.AddSpecial(id, piece.TypeId);
            }
            else
            {
                writer.AddContent(piece.IsSecondSequence ? second : first, piece.TypeId);
            }
        }
    }
}
