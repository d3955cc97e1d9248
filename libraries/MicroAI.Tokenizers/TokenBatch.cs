namespace MicroAI.Tokenizers;

/// <summary>Pads encodings into the flat tensors ONNX models take.</summary>
public static class TokenBatch
{
    /// <summary>
    /// Pads every encoding on the right to the longest one. Rows shorter than the longest get
    /// <paramref name="padId"/>, attention 0 and <paramref name="padTypeId"/>.
    /// </summary>
    /// <param name="items">The encodings; may be empty (gives a 0×0 batch).</param>
    /// <param name="padId">The pad token id (see <see cref="ITokenizer.PadTokenId"/>).</param>
    /// <param name="padTypeId">The type id of padding (Hugging Face's <c>pad_token_type_id</c>, normally 0).</param>
    public static PaddedBatch Pad(IReadOnlyList<TokenizedText> items, int padId, int padTypeId = 0)
    {
        ArgumentNullException.ThrowIfNull(items);
        var seqLen = 0;
        for (var i = 0; i < items.Count; i++)
            seqLen = Math.Max(seqLen, items[i].Ids.Length);

        var total = checked(items.Count * seqLen);
        var ids = new long[total];
        var mask = new long[total];
        var types = new long[total];
        for (var row = 0; row < items.Count; row++)
        {
            var item = items[row];
            var offset = row * seqLen;
            var n = item.Ids.Length;
            for (var j = 0; j < n; j++)
            {
                ids[offset + j] = item.Ids[j];
                mask[offset + j] = 1;
                types[offset + j] = item.TypeIds[j];
            }
            if (n < seqLen)
            {
                ids.AsSpan(offset + n, seqLen - n).Fill(padId);
                if (padTypeId != 0)
                    types.AsSpan(offset + n, seqLen - n).Fill(padTypeId);
            }
        }
        return new PaddedBatch(ids, mask, types, items.Count, seqLen);
    }

    /// <summary>Pads with the tokenizer's pad token, or id 0 when it has none (the attention mask hides it anyway).</summary>
    public static PaddedBatch Pad(IReadOnlyList<TokenizedText> items, ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return Pad(items, tokenizer.PadTokenId ?? 0);
    }
}
