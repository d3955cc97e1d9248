namespace MicroAI.Tokenizers.PostProcessors;

/// <summary>One element of a template: a special token (possibly several ids) or the A/B sequence, with its type id.</summary>
internal sealed record TemplatePiece(int TypeId, int[]? SpecialIds = null, bool IsSecondSequence = false)
{
    public bool IsSequence => SpecialIds is null;

    public static TemplatePiece Special(int id, int typeId) => new(typeId, [id]);

    public static TemplatePiece SequenceA(int typeId) => new(typeId);

    public static TemplatePiece SequenceB(int typeId) => new(typeId, null, true);
}
