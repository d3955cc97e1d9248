namespace MicroAI.ModelRegistry.Tests.Onnx;

/// <summary>Wraps a stream, hides seeking if asked, and counts the bytes read through it.</summary>
internal sealed class TestStream(Stream inner, bool seekable) : Stream
{
    public long BytesRead { get; private set; }

    public int Seeks { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => seekable;

    public override bool CanWrite => false;

    public override long Length => seekable ? inner.Length : throw new NotSupportedException();

    public override long Position
    {
        get => seekable ? inner.Position : throw new NotSupportedException();
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        BytesRead += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        if (!seekable)
            throw new NotSupportedException();
        Seeks++;
        return inner.Seek(offset, origin);
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
