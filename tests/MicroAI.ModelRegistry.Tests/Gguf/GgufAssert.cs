using MicroAI.ModelRegistry.Gguf;

namespace MicroAI.ModelRegistry.Tests.Gguf;

internal static class GgufAssert
{
    public static GgufFile Reads(byte[] bytes, GgufReadOptions? options = null, bool seekable = true)
    {
        var result = GgufReader.Read(seekable ? new MemoryStream(bytes) : new NonSeekableStream(bytes), bytes.Length, options);
        Assert.True(result.IsSuccess, result.Error);
        Assert.Null(result.Error);
        return result.File;
    }

    /// <summary>The read fails with an error containing <paramref name="fragment"/>, without allocating more than 1 MiB.</summary>
    public static string FailsCheaply(byte[] bytes, string fragment, GgufReadOptions? options = null)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = GgufReader.Read(new MemoryStream(bytes), bytes.Length, options);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.False(result.IsSuccess);
        Assert.Null(result.File);
        Assert.NotNull(result.Error);
        Assert.Contains(fragment, result.Error);
        Assert.Contains(" at offset ", result.Error);
        Assert.True(allocated < 1024 * 1024, $"reading {bytes.Length} bytes allocated {allocated} bytes");
        return result.Error;
    }

    /// <summary>Same type, same bits (so NaN and -0.0 count), same elements, recursively.</summary>
    public static void Same(GgufValue expected, GgufValue actual)
    {
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.ArrayElementType, actual.ArrayElementType);
        Assert.Equal(expected.ArrayLength, actual.ArrayLength);
        if (expected.IsArray)
        {
            Assert.NotNull(actual.ArrayElements);
            Assert.Equal(expected.ArrayElements!.Count, actual.ArrayElements.Count);
            for (var i = 0; i < expected.ArrayElements.Count; i++)
                Same(expected.ArrayElements[i], actual.ArrayElements[i]);
            return;
        }

        switch (expected.Scalar)
        {
            case float f:
                Assert.Equal(BitConverter.SingleToInt32Bits(f), BitConverter.SingleToInt32Bits(Assert.IsType<float>(actual.Scalar)));
                break;
            case double d:
                Assert.Equal(BitConverter.DoubleToInt64Bits(d), BitConverter.DoubleToInt64Bits(Assert.IsType<double>(actual.Scalar)));
                break;
            default:
                Assert.Equal(expected.Scalar, actual.Scalar);
                Assert.Equal(expected.Scalar!.GetType(), actual.Scalar!.GetType());
                break;
        }
    }
}
