using System.Buffers.Binary;

namespace MicroAI.Server.Tests.Hostile;

/// <summary>A real PNG whose IHDR claims another size, with a correct CRC so decoders read on and must check the size.</summary>
internal static class HostilePng
{
    public static byte[] WithSize(byte[] png, uint width, uint height)
    {
        var copy = (byte[])png.Clone();
        // Signature (8) + IHDR length (4) + "IHDR" (4), then width and height; the CRC covers type and data (17 bytes).
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(16), width);
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(29), Crc32(copy.AsSpan(12, 17)));
        return copy;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
