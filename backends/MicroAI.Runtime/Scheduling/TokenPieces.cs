using MicroAI.Engines.Abstractions;

namespace MicroAI.Runtime.Scheduling;

/// <summary>A token's text bytes from the decoder, through one reused buffer (scheduler thread only).</summary>
internal sealed class TokenPieces
{
    private readonly IBatchDecoder _decoder;
    private readonly byte[] _buffer = new byte[256];

    public TokenPieces(IBatchDecoder decoder)
    {
        _decoder = decoder;
        PieceOf = Of;
    }

    /// <summary><see cref="Of"/> as one delegate made once, not one per logprob.</summary>
    public LogprobCalculator.PieceOf PieceOf { get; }

    /// <summary>Valid until the next call; only a piece longer than 256 bytes allocates.</summary>
    public ReadOnlySpan<byte> Of(int token)
    {
        var n = _decoder.TokenToPiece(token, _buffer);
        if (n >= 0)
            return _buffer.AsSpan(0, n);
        var big = new byte[-n];
        n = _decoder.TokenToPiece(token, big);
        return big.AsSpan(0, Math.Max(n, 0));
    }
}
