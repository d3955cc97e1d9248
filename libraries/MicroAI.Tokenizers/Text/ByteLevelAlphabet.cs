namespace MicroAI.Tokenizers.Text;

/// <summary>
/// GPT-2's reversible byte ↔ character table: printable Latin-1 bytes map to themselves, the other 68 bytes to
/// U+0100 upward (space becomes 'Ġ', newline 'Ċ'). Byte-level BPE vocabularies are written in these characters.
/// </summary>
internal static class ByteLevelAlphabet
{
    /// <summary>Character for each byte.</summary>
    public static readonly char[] ByteToChar = BuildByteToChar();

    /// <summary>Byte for each character up to U+0143, or -1.</summary>
    public static readonly short[] CharToByte = BuildCharToByte();

    public static bool TryGetByte(char c, out byte value)
    {
        if (c < CharToByte.Length && CharToByte[c] >= 0)
        {
            value = (byte)CharToByte[c];
            return true;
        }
        value = 0;
        return false;
    }

    private static char[] BuildByteToChar()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is (>= 33 and <= 126) or (>= 161 and <= 172) or (>= 174 and <= 255);
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }

    private static short[] BuildCharToByte()
    {
        var table = new short[0x144];
        Array.Fill(table, (short)-1);
        for (var b = 0; b < 256; b++)
            table[ByteToChar[b]] = (short)b;
        return table;
    }
}
