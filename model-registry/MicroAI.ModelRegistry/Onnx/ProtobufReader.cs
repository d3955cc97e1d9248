using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace MicroAI.ModelRegistry.Onnx;

/// <summary>
/// A minimal protobuf wire-format reader over a byte span or a stream. Over a stream it keeps one
/// pooled window of at most <see cref="StreamWindowSize"/> bytes and skips length-delimited fields
/// by seeking (or by reading and discarding when the stream cannot seek), so a model with hundreds
/// of megabytes of weights is walked without reading them.
/// <para>
/// Everything is bounds-checked: a length beyond what is left of the enclosing message (or of the
/// input) is an error, varints longer than ten bytes are an error, and nesting is capped at
/// <see cref="MaxDepth"/>. Strings are only allocated for bytes that exist: over a span or a
/// seekable stream the length is checked first, over other streams the buffer grows with the
/// bytes actually read. Problems throw <see cref="ProtobufException"/>.
/// </para>
/// <para>
/// Usage: loop on <see cref="TryReadTag"/> until it returns false (end of the current message),
/// read the fields you know and <see cref="SkipField"/> the rest; enter a length-delimited
/// sub-message with <see cref="BeginMessage"/> and leave it with <see cref="EndMessage"/>.
/// </para>
/// </summary>
internal ref struct ProtobufReader
{
    /// <summary>Deepest nesting of sub-messages and groups accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>Longest string read into memory (a single metadata value, say).</summary>
    public const int MaxStringBytes = 256 * 1024 * 1024;

    /// <summary>Size of the read window over a stream.</summary>
    public const int StreamWindowSize = 32 * 1024;

    private readonly Stream? _stream;
    private readonly bool _seekable;
    private readonly long _streamOrigin;
    private readonly long _end;
    private byte[]? _rented;
    private ReadOnlySpan<byte> _window;
    private long _windowStart;
    private int _offset;
    private long _limit;
    private int _depth;

    /// <summary>Reads a message held in memory; nothing is copied.</summary>
    public ProtobufReader(ReadOnlySpan<byte> data)
    {
        _window = data;
        _end = data.Length;
        _limit = _end;
    }

    /// <summary>
    /// Reads a message from the stream's current position to its end. The stream is not disposed;
    /// dispose the reader to return its window to the pool.
    /// </summary>
    public ProtobufReader(Stream stream)
    {
        _stream = stream;
        _seekable = stream.CanSeek;
        if (_seekable)
        {
            _streamOrigin = stream.Position;
            _end = Math.Max(0, stream.Length - _streamOrigin);
        }
        else
        {
            _end = long.MaxValue;
        }
        _limit = _end;
        _rented = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(_end, 16, StreamWindowSize));
        _window = default;
    }

    /// <summary>Offset from the start of the input.</summary>
    public readonly long Position => _windowStart + _offset;

    /// <summary>Bytes left in the current message (huge for a top-level non-seekable stream).</summary>
    public readonly long Remaining => _limit - Position;

    /// <summary>Current nesting depth.</summary>
    public readonly int Depth => _depth;

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }
        _window = default;
    }

    /// <summary>
    /// Reads the next field tag; false at the end of the current message (or of the input at top level).
    /// </summary>
    public bool TryReadTag(out int fieldNumber, out ProtobufWireType wireType)
    {
        fieldNumber = 0;
        wireType = default;
        if (Position >= _limit)
            return false;
        if (!Ensure(1))
        {
            if (_limit == long.MaxValue)
                return false; // a non-seekable stream ended between fields: the message is complete
            throw Truncated();
        }

        var at = Position;
        var tag = ReadVarint();
        var field = tag >> 3;
        var wire = (int)(tag & 7);
        if (field == 0 || field > 536_870_911)
            throw new ProtobufException($"invalid field number {field} at offset {at}");
        if (wire > 5)
            throw new ProtobufException($"invalid wire type {wire} at offset {at}");
        fieldNumber = (int)field;
        wireType = (ProtobufWireType)wire;
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = ReadRawByte();
            if (shift == 63 && b > 1)
                throw new ProtobufException($"varint overflows 64 bits at offset {Position - 1}");
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return result;
        }
        throw new ProtobufException($"varint longer than 10 bytes at offset {Position}");
    }

    public long ReadInt64() => (long)ReadVarint();

    /// <summary>An int32/enum field: protobuf writes negative values sign-extended to 64 bits.</summary>
    public int ReadInt32() => unchecked((int)ReadVarint());

    public ulong ReadFixed64()
    {
        RequireRaw(8);
        var value = BinaryPrimitives.ReadUInt64LittleEndian(_window.Slice(_offset, 8));
        _offset += 8;
        return value;
    }

    public uint ReadFixed32()
    {
        RequireRaw(4);
        var value = BinaryPrimitives.ReadUInt32LittleEndian(_window.Slice(_offset, 4));
        _offset += 4;
        return value;
    }

    /// <summary>Reads the length of a length-delimited field and checks it against what is left.</summary>
    public long ReadLength()
    {
        var at = Position;
        var length = ReadVarint();
        var remaining = Remaining;
        if (length > (ulong)remaining)
            throw new ProtobufException($"length {length} at offset {at} exceeds the {remaining} bytes left");
        return (long)length;
    }

    /// <summary>Reads a length-delimited UTF-8 string (invalid sequences become U+FFFD).</summary>
    public string ReadString()
    {
        var at = Position;
        var length = ReadLength();
        if (length == 0)
            return string.Empty;
        if (length > MaxStringBytes)
            throw new ProtobufException($"string of {length} bytes at offset {at} is longer than {MaxStringBytes}");

        var n = (int)length;
        if (_window.Length - _offset < n && _rented is not null && n <= _rented.Length && !Refill(n))
            throw Truncated();
        if (_window.Length - _offset >= n)
        {
            var s = Encoding.UTF8.GetString(_window.Slice(_offset, n));
            _offset += n;
            return s;
        }
        if (_stream is null)
            throw Truncated();
        return ReadLongString(n);
    }

    /// <summary>Enters a length-delimited sub-message; pass the result to <see cref="EndMessage"/>.</summary>
    public long BeginMessage()
    {
        var length = ReadLength();
        if (_depth >= MaxDepth)
            throw new ProtobufException($"messages nested deeper than {MaxDepth} at offset {Position}");
        _depth++;
        var outer = _limit;
        _limit = Position + length;
        return outer;
    }

    /// <summary>Skips whatever is left of the current sub-message and returns to the enclosing one.</summary>
    public void EndMessage(long outerLimit)
    {
        if (Position < _limit)
            SkipBytes(_limit - Position);
        _limit = outerLimit;
        _depth--;
    }

    /// <summary>Skips the value of a field whose tag was just read.</summary>
    public void SkipField(int fieldNumber, ProtobufWireType wireType)
    {
        switch (wireType)
        {
            case ProtobufWireType.Varint:
                ReadVarint();
                break;
            case ProtobufWireType.Fixed64:
                RequireRaw(8);
                _offset += 8;
                break;
            case ProtobufWireType.Fixed32:
                RequireRaw(4);
                _offset += 4;
                break;
            case ProtobufWireType.LengthDelimited:
                SkipBytes(ReadLength());
                break;
            case ProtobufWireType.StartGroup:
                SkipGroup(fieldNumber);
                break;
            default:
                throw new ProtobufException($"unexpected end of group {fieldNumber} at offset {Position}");
        }
    }

    private void SkipGroup(int fieldNumber)
    {
        // Groups are deprecated (and unused by ONNX) but legal; skip them iteratively, depth-capped.
        var nested = 1;
        if (_depth + nested > MaxDepth)
            throw new ProtobufException($"groups nested deeper than {MaxDepth} at offset {Position}");
        while (true)
        {
            if (!TryReadTag(out var field, out var wire))
                throw new ProtobufException($"group {fieldNumber} is not terminated");
            switch (wire)
            {
                case ProtobufWireType.StartGroup:
                    if (_depth + ++nested > MaxDepth)
                        throw new ProtobufException($"groups nested deeper than {MaxDepth} at offset {Position}");
                    break;
                case ProtobufWireType.EndGroup:
                    if (--nested == 0)
                    {
                        if (field != fieldNumber)
                            throw new ProtobufException($"group {fieldNumber} ended by end-group {field}");
                        return;
                    }
                    break;
                default:
                    SkipField(field, wire);
                    break;
            }
        }
    }

    /// <summary>Skips bytes already checked against the current message's limit.</summary>
    private void SkipBytes(long count)
    {
        var inWindow = _window.Length - _offset;
        if (count <= inWindow)
        {
            _offset += (int)count;
            return;
        }
        if (_stream is null)
            throw Truncated();

        if (_seekable)
        {
            var target = Position + count;
            if (target > _end)
                throw Truncated();
            _stream.Seek(_streamOrigin + target, SeekOrigin.Begin);
            _windowStart = target;
        }
        else
        {
            count -= inWindow;
            _windowStart += _window.Length;
            var buffer = _rented!;
            while (count > 0)
            {
                var read = _stream.Read(buffer, 0, (int)Math.Min(count, buffer.Length));
                if (read <= 0)
                {
                    _window = default;
                    _offset = 0;
                    throw Truncated();
                }
                count -= read;
                _windowStart += read;
            }
        }
        _window = default;
        _offset = 0;
    }

    private string ReadLongString(int length)
    {
        // Only over a stream, for strings longer than the window. Grow with the bytes actually
        // read so a lying length on a non-seekable stream cannot make us allocate it up front.
        var bytes = new byte[Math.Min(length, 1024 * 1024)];
        var have = _window.Length - _offset;
        _window[_offset..].CopyTo(bytes);
        _windowStart += _window.Length;
        _window = default;
        _offset = 0;
        while (have < length)
        {
            if (have == bytes.Length)
                Array.Resize(ref bytes, (int)Math.Min(length, (long)bytes.Length * 2));
            var read = _stream!.Read(bytes, have, bytes.Length - have);
            if (read <= 0)
                throw Truncated();
            have += read;
            _windowStart += read;
        }
        return Encoding.UTF8.GetString(bytes, 0, length);
    }

    private byte ReadRawByte()
    {
        if (Position >= _limit || (_offset >= _window.Length && !Ensure(1)))
            throw Truncated();
        return _window[_offset++];
    }

    private void RequireRaw(int count)
    {
        if (Remaining < count || !Ensure(count))
            throw Truncated();
    }

    private bool Ensure(int count) => _window.Length - _offset >= count || (_stream is not null && Refill(count));

    /// <summary>Moves the unread bytes to the front of the window and reads more after them.</summary>
    private bool Refill(int count)
    {
        var buffer = _rented!;
        var have = _window.Length - _offset;
        _window[_offset..].CopyTo(buffer);
        _windowStart += _offset;
        _offset = 0;
        while (have < count)
        {
            var read = _stream!.Read(buffer, have, buffer.Length - have);
            if (read <= 0)
                break;
            have += read;
        }
        _window = buffer.AsSpan(0, have);
        return have >= count;
    }

    private readonly ProtobufException Truncated() =>
        new($"input is truncated at offset {Position}");
}
