namespace MicroAI.Engines.Onnx.Pipelines.Magika;

/// <summary>
/// Magika's documented byte features: the first <c>beg_size</c> bytes of the content's first
/// block after stripping leading whitespace (padded at the end with the padding token), then the
/// last <c>end_size</c> bytes of its last block after stripping trailing whitespace (padded at the
/// start). Whitespace is ASCII space, \t, \n, \r, \v, \f — what Python's bytes.strip() removes.
/// </summary>
internal static class MagikaFeatures
{
    /// <summary>Writes the features of <paramref name="content"/> into <paramref name="features"/> (length beg + end); false when the content is too short for the model.</summary>
    public static bool TryExtract(ReadOnlySpan<byte> content, MagikaConfig config, Span<int> features)
    {
        if (features.Length != config.FeatureLength)
            throw new ArgumentException($"features must hold {config.FeatureLength} values", nameof(features));
        features.Fill(config.PaddingToken);
        if (content.Length < config.MinFileSizeForDl)
            return false;

        var firstBlock = content[..Math.Min(config.BlockSize, content.Length)];
        var beg = TrimStart(firstBlock);
        beg = beg[..Math.Min(config.BegSize, beg.Length)];
        for (var i = 0; i < beg.Length; i++)
            features[i] = beg[i];

        var lastBlock = content[Math.Max(0, content.Length - config.BlockSize)..];
        var end = TrimEnd(lastBlock);
        end = end[Math.Max(0, end.Length - config.EndSize)..];
        var endFeatures = features.Slice(config.BegSize, config.EndSize);
        var offset = config.EndSize - end.Length;
        for (var i = 0; i < end.Length; i++)
            endFeatures[offset + i] = end[i];

        // Magika's rule: too little left once whitespace is stripped → no model verdict.
        return features[config.MinFileSizeForDl - 1] != config.PaddingToken;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0b or 0x0c;

    private static ReadOnlySpan<byte> TrimStart(ReadOnlySpan<byte> s)
    {
        var i = 0;
        while (i < s.Length && IsWhitespace(s[i]))
            i++;
        return s[i..];
    }

    private static ReadOnlySpan<byte> TrimEnd(ReadOnlySpan<byte> s)
    {
        var n = s.Length;
        while (n > 0 && IsWhitespace(s[n - 1]))
            n--;
        return s[..n];
    }
}
