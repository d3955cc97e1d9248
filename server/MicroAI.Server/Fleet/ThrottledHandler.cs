namespace MicroAI.Server.Fleet;

/// <summary>
/// Counts the bytes read from responses (an update's download size, for the metrics and the log)
/// and, with <paramref name="bytesPerSecond"/> above 0, caps their rate (FollowBandwidth), so a
/// background update on a thin link leaves room for the box's own traffic. One budget for every
/// response of the client: a token bucket holding at most one second of bytes.
/// </summary>
internal sealed class ThrottledHandler(long bytesPerSecond, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private long _bytesRead;

    /// <summary>Bytes read from response bodies so far.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    private readonly object _gate = new();
    private double _tokens = bytesPerSecond;
    private long _last = System.Diagnostics.Stopwatch.GetTimestamp();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var original = response.Content;
        var stream = await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var throttled = new StreamContent(new ThrottledStream(stream, this));
        foreach (var header in original.Headers)
            throttled.Headers.TryAddWithoutValidation(header.Key, header.Value);
        response.Content = throttled;
        return response;
    }

    /// <summary>Waits until <paramref name="wanted"/> bytes (at most a second's worth) may be read; returns how many.</summary>
    internal async ValueTask<int> TakeAsync(int wanted, CancellationToken ct)
    {
        if (bytesPerSecond <= 0)
            return wanted;
        wanted = (int)Math.Min(wanted, bytesPerSecond);
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = System.Diagnostics.Stopwatch.GetTimestamp();
                _tokens = Math.Min(bytesPerSecond, _tokens + System.Diagnostics.Stopwatch.GetElapsedTime(_last, now).TotalSeconds * bytesPerSecond);
                _last = now;
                if (_tokens >= 1)
                {
                    var take = (int)Math.Min(wanted, _tokens);
                    _tokens -= take;
                    return take;
                }
                wait = TimeSpan.FromSeconds((1 - _tokens) / bytesPerSecond);
            }
            await Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, ct).ConfigureAwait(false);
        }
    }

    private sealed class ThrottledStream(Stream inner, ThrottledHandler owner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var allowed = await owner.TakeAsync(buffer.Length, cancellationToken).ConfigureAwait(false);
            var read = await inner.ReadAsync(buffer[..allowed], cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref owner._bytesRead, read);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
