namespace MicroAI.Tokenizers.PostProcessors;

/// <summary>Fills the final id, type id and special-token arrays of an encoding, whose length is known up front.</summary>
internal sealed class EncodingWriter(int length)
{
    public int[] Ids { get; } = new int[length];

    public int[] TypeIds { get; } = new int[length];

    public int[] SpecialTokensMask { get; } = new int[length];

    public int Position { get; private set; }

    public void AddSpecial(int id, int typeId)
    {
        Ids[Position] = id;
        TypeIds[Position] = typeId;
        SpecialTokensMask[Position] = 1;
        Position++;
    }

    public void AddContent(ReadOnlySpan<int> ids, int typeId)
    {
        ids.CopyTo(Ids.AsSpan(Position));
        if (typeId != 0)
            TypeIds.AsSpan(Position, ids.Length).Fill(typeId);
        Position += ids.Length;
    }
}
