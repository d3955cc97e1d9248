using System.Text;

namespace MicroAI.TextFormats.Text;

/// <summary>
/// Turns the byte pieces of successive tokens into text without ever splitting a multi-byte
/// character: bytes of an incomplete sequence wait for the next piece. Byte-fallback tokenizers
/// (SentencePiece, byte-level BPE) routinely cut an emoji or a CJK character across 2–4 tokens.
/// </summary>
public sealed class Utf8Assembler
{
    // Strict decoder state machine; invalid bytes become U+FFFD like every other UTF-8 consumer.
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private char[] _chars = new char[64];

    /// <summary>Appends bytes; returns the text completed by them (possibly empty).</summary>
    public string Append(ReadOnlySpan<byte> bytes) => Decode(bytes, flush: false);

    /// <summary>Ends the stream: an unfinished sequence becomes U+FFFD.</summary>
    public string Flush() => Decode([], flush: true);

    public void Reset() => _decoder.Reset();

    private string Decode(ReadOnlySpan<byte> bytes, bool flush)
    {
        var needed = _decoder.GetCharCount(bytes, flush);
        if (needed == 0)
        {
            if (!bytes.IsEmpty || flush)
                _decoder.GetChars(bytes, Span<char>.Empty, flush); // advance state
            return string.Empty;
        }
        if (_chars.Length < needed)
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        var written = _decoder.GetChars(bytes, _chars, flush);
        return new string(_chars, 0, written);
    }
}
