using System.Buffers.Binary;
using System.Text;

namespace MicroAI.ModelRegistry.Gguf;

/// <summary>
/// Reads the header of a GGUF file (llama.cpp's model format) in pure C#: version, metadata and tensor
/// infos, never the tensor data. Bad input never throws: the result carries an error that says what is
/// wrong and at which byte offset. Every count and length is checked against the bytes left in the file
/// before anything is allocated or looped over, so a small corrupt or hostile file fails in microseconds.
/// </summary>
/// <remarks>
/// Layout (little-endian): "GGUF", uint32 version, uint64 tensor count, uint64 key/value count; then per
/// key/value a string key, a uint32 <see cref="GgufValueType"/> and the value (strings are a uint64 byte
/// length + UTF-8 without NUL; arrays a uint32 element type + uint64 count + elements); then per tensor a
/// string name, uint32 n_dims, n_dims × uint64 sizes, uint32 ggml type, uint64 data offset; then padding
/// to general.alignment and the tensor data.
/// </remarks>
public static class GgufReader
{
    public static GgufResult Read(string path, GgufReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= GgufReadOptions.Default;
        options.Validate();
        try
        {
            // bufferSize 0: no FileStream buffer, the parser keeps its own (sized to the file, at most 64 KiB).
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            return Read(stream, stream.Length, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            // Missing, unreadable, a directory, or not a valid path at all.
            return GgufResult.Failure($"cannot read '{path}': {e.Message}");
        }
    }

    /// <summary>
    /// Reads a GGUF that starts at the stream's current position and is <paramref name="length"/> bytes
    /// long; offsets in errors and in the result are relative to that start. A seekable stream lets
    /// skipped arrays be seeked over; any readable stream works.
    /// </summary>
    public static GgufResult Read(Stream stream, long length, GgufReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (!stream.CanRead)
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        options ??= GgufReadOptions.Default;
        options.Validate();

        var parser = new Parser(stream, length, options);
        try
        {
            return GgufResult.Success(parser.Parse());
        }
        catch (GgufFormatError e)
        {
            return GgufResult.Failure(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return GgufResult.Failure($"I/O error at offset {parser.Position}: {e.Message}");
        }
    }

    /// <summary>Bad input, caught by <see cref="Read(Stream, long, GgufReadOptions?)"/> and turned into an error result.</summary>
    private sealed class GgufFormatError(string message) : Exception(message);

    private sealed class Parser
    {
        // "GGUF" as a little-endian uint32; the magic is written byte by byte, so big-endian files have it too.
        private const uint Magic = 0x46554747;
        private const uint MagicByteSwapped = 0x47475546; // "FUGG": a writer that byte-swapped the magic as well
        private const int MaxDims = 4;                     // GGML_MAX_DIMS
        private const int MaxTensorNameBytes = 63;         // GGML_MAX_NAME is 64 including the NUL

        // The fewest bytes one entry can take, to reject counts that cannot fit before looping over them.
        private const int MinKeyValueBytes = 8 + 4 + 1;    // key length, value type, a 1-byte value
        private const int MinTensorInfoBytes = 8 + 4 + 4 + 8; // name length, n_dims, ggml type, offset

        // 64 KiB: the metadata of a 32k-vocabulary model (llama-2-tiny-random: 724,398 bytes before its
        // tensor data) then takes 12 reads; a small file gets a buffer of its own size instead.
        private const int MaxBufferSize = 64 * 1024;

        private readonly Stream _stream;
        private readonly long _length;
        private readonly GgufReadOptions _options;
        private readonly byte[] _buffer;
        private readonly List<long> _elementPath = [];
        private int _bufferStart;
        private int _bufferEnd;
        private long _position;
        private string _context = "in header";

        public Parser(Stream stream, long length, GgufReadOptions options)
        {
            _stream = stream;
            _length = length;
            _options = options;
            _buffer = new byte[(int)Math.Clamp(length, 16, MaxBufferSize)];
        }

        /// <summary>Offset of the next unread byte, from the start of the GGUF.</summary>
        public long Position => _position;

        private long Remaining => _length - _position;

        public GgufFile Parse()
        {
            var version = ReadHeader();

            var countsAt = _position;
            var tensorCount = ReadCount("tensor", "tensors", _options.MaxTensors, nameof(GgufReadOptions.MaxTensors), MinTensorInfoBytes);
            var kvCount = ReadCount("key/value", "key/values", _options.MaxKeyValues, nameof(GgufReadOptions.MaxKeyValues), MinKeyValueBytes);
            // Each count fits on its own (checked above, so neither product overflows or exceeds Remaining); both together must too.
            if (tensorCount * MinTensorInfoBytes > Remaining - kvCount * MinKeyValueBytes)
                throw Fail("too many tensors and key/values", countsAt,
                    $"{tensorCount} tensor infos and {kvCount} key/values need at least {tensorCount * MinTensorInfoBytes + kvCount * MinKeyValueBytes} bytes, but only {Remaining} are left in the file");

            var (metadata, alignment) = ReadMetadata(kvCount);
            var (tensors, infoOffsets) = ReadTensorInfos(tensorCount);

            _context = "after the tensor infos";
            var infosEnd = _position;
            var dataOffset = (infosEnd + alignment - 1) / alignment * alignment;
            if (tensors.Count > 0)
                CheckTensorData(tensors, infoOffsets, infosEnd, dataOffset, alignment);

            return new GgufFile((int)version, metadata, tensors, alignment, dataOffset);
        }

        private uint ReadHeader()
        {
            var magic = ReadUInt32("magic \"GGUF\"");
            if (magic == MagicByteSwapped)
                throw Fail("big-endian file", 0, "the magic is byte-swapped ('FUGG'); only little-endian GGUF is supported");
            if (magic != Magic)
            {
                var legacy = magic switch
                {
                    0x67676d6c => "GGML", // unversioned ggml, before May 2023
                    0x67676d66 => "GGMF",
                    0x67676a74 => "GGJT",
                    0x67676c61 => "GGLA", // old LoRA adapters
                    _ => null,
                };
                throw legacy is null
                    ? Fail("not a GGUF file", 0, $"the magic is {Printable(magic)} (0x{magic:X8}), expected 'GGUF'")
                    : Fail("not a GGUF file", 0, $"this is a legacy {legacy} file from before GGUF (August 2023); convert the model again with a current llama.cpp");
            }

            var version = ReadUInt32("version");
            // As llama.cpp does: a version whose low 16 bits are 0 is a small number byte-swapped (3 reads as 0x03000000).
            if (version != 0 && (version & 0xFFFF) == 0)
                throw Fail("big-endian file", 4,
                    $"the version reads as 0x{version:X8}, i.e. {BinaryPrimitives.ReverseEndianness(version)} byte-swapped; only little-endian GGUF is supported");
            if (version == 1)
                throw Fail("unsupported GGUF version", 4, "version 1 (32-bit counts and lengths) is no longer supported; convert the model again with a current llama.cpp");
            if (version is not (2 or 3))
                throw Fail("unsupported GGUF version", 4, $"version {version}; this reader supports versions 2 and 3");
            return version;
        }

        private long ReadCount(string what, string plural, long max, string optionName, int minBytesEach)
        {
            var at = _position;
            var count = ReadUInt64(what + " count");
            if (count > (ulong)(Remaining / minBytesEach))
                throw Fail($"too many {plural}", at, $"{count} would need at least {minBytesEach} bytes each, but only {Remaining} bytes are left in the file");
            if (count > (ulong)max)
                throw Fail($"too many {plural}", at, $"{count} exceeds the limit of {max} (GgufReadOptions.{optionName})");
            return (long)count;
        }

        private (List<KeyValuePair<string, GgufValue>> Metadata, int Alignment) ReadMetadata(long count)
        {
            var metadata = new List<KeyValuePair<string, GgufValue>>((int)Math.Min(count, 1024));
            var keys = new HashSet<string>(StringComparer.Ordinal);
            var alignment = GgufFile.DefaultAlignment;
            for (long i = 0; i < count; i++)
            {
                _context = $"in metadata key {i}";
                var at = _position;
                var key = DecodeString(ReadStringLength("key"));
                if (key.Length == 0)
                    throw Fail("empty key", at);
                _context = $"in metadata key {i} ({Quote(key)})";
                if (!keys.Add(key))
                    throw Fail("duplicate key", at);

                var type = ReadValueType("value type");
                var value = ReadValue(type, depth: 0);
                if (key == "general.alignment")
                    alignment = CheckAlignment(value, at);
                metadata.Add(new(key, value));
            }

            return (metadata, alignment);
        }

        private int CheckAlignment(GgufValue value, long at)
        {
            // llama.cpp insists on uint32 and a power of two; anything else would misplace every tensor.
            if (value.Scalar is not uint a)
                throw Fail("bad general.alignment", at, $"it must be a UInt32, not {(value.IsArray ? "an array" : value.Type.ToString())}");
            if (a == 0 || (a & (a - 1)) != 0)
                throw Fail("bad general.alignment", at, $"{a} is not a power of two");
            if (a > int.MaxValue)
                throw Fail("bad general.alignment", at, $"{a} is larger than 2^30");
            return (int)a;
        }

        private GgufValue ReadValue(GgufValueType type, int depth) => type switch
        {
            GgufValueType.UInt8 => GgufValue.FromUInt8(Take(1, "value")[0]),
            GgufValueType.Int8 => GgufValue.FromInt8((sbyte)Take(1, "value")[0]),
            GgufValueType.UInt16 => GgufValue.FromUInt16(BinaryPrimitives.ReadUInt16LittleEndian(Take(2, "value"))),
            GgufValueType.Int16 => GgufValue.FromInt16(BinaryPrimitives.ReadInt16LittleEndian(Take(2, "value"))),
            GgufValueType.UInt32 => GgufValue.FromUInt32(BinaryPrimitives.ReadUInt32LittleEndian(Take(4, "value"))),
            GgufValueType.Int32 => GgufValue.FromInt32(BinaryPrimitives.ReadInt32LittleEndian(Take(4, "value"))),
            GgufValueType.Float32 => GgufValue.FromFloat32(BinaryPrimitives.ReadSingleLittleEndian(Take(4, "value"))),
            // Any non-zero byte is true, as in llama.cpp.
            GgufValueType.Bool => GgufValue.FromBool(Take(1, "value")[0] != 0),
            GgufValueType.String => GgufValue.FromString(DecodeString(ReadStringLength("string"))),
            GgufValueType.UInt64 => GgufValue.FromUInt64(BinaryPrimitives.ReadUInt64LittleEndian(Take(8, "value"))),
            GgufValueType.Int64 => GgufValue.FromInt64(BinaryPrimitives.ReadInt64LittleEndian(Take(8, "value"))),
            GgufValueType.Float64 => GgufValue.FromFloat64(BinaryPrimitives.ReadDoubleLittleEndian(Take(8, "value"))),
            GgufValueType.Array => ReadArray(depth + 1, store: true)!,
            _ => throw new InvalidOperationException($"Unvalidated value type {type}."),
        };

        /// <summary>
        /// An array at nesting level <paramref name="depth"/> (1 = not inside another array). Returns the
        /// stored array, or one holding only type and length when it is longer than MaxStoredArrayElements;
        /// null when <paramref name="store"/> is false (an element of an array that is being skipped).
        /// </summary>
        private GgufValue? ReadArray(int depth, bool store)
        {
            var at = _position;
            if (depth > _options.MaxArrayDepth)
                throw Fail("arrays nested too deep", at, $"more than {_options.MaxArrayDepth} levels (GgufReadOptions.MaxArrayDepth)");
            var elementType = ReadValueType("array element type");
            var countAt = _position;
            var rawCount = ReadUInt64("array length");
            var minSize = MinEncodedSize(elementType);
            if (rawCount > (ulong)(Remaining / minSize))
                throw Fail("array too long", countAt, $"{rawCount} {elementType} elements need at least {minSize} bytes each, but only {Remaining} bytes are left in the file");
            if (rawCount > (ulong)_options.MaxArrayElements)
                throw Fail("array too long", countAt, $"{rawCount} elements exceed the limit of {_options.MaxArrayElements} (GgufReadOptions.MaxArrayElements)");
            var count = (long)rawCount;

            var keep = store && count <= _options.MaxStoredArrayElements;
            var fixedSize = FixedSize(elementType);
            if (!keep && fixedSize > 0)
            {
                Skip(count * fixedSize, "array elements"); // fits: checked against Remaining above
                return store ? GgufValue.SkippedArray(elementType, count) : null;
            }

            var elements = keep ? new GgufValue[count] : null;
            _elementPath.Add(0);
            for (long j = 0; j < count; j++)
            {
                _elementPath[^1] = j;
                if (elements is not null)
                    elements[j] = ReadValue(elementType, depth);
                else if (elementType == GgufValueType.String)
                    Skip(ReadStringLength("string"), "string");
                else
                    ReadArray(depth + 1, store: false);
            }

            _elementPath.RemoveAt(_elementPath.Count - 1);
            if (elements is not null)
                return GgufValue.StoredArray(elementType, elements);
            return store ? GgufValue.SkippedArray(elementType, count) : null;
        }

        private (List<GgufTensorInfo> Tensors, List<long> InfoOffsets) ReadTensorInfos(long count)
        {
            var tensors = new List<GgufTensorInfo>((int)Math.Min(count, 1024));
            var infoOffsets = new List<long>(tensors.Capacity);
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (long i = 0; i < count; i++)
            {
                _context = $"in tensor info {i}";
                var at = _position;
                var nameBytes = ReadStringLength("tensor name");
                if (nameBytes > MaxTensorNameBytes)
                    throw Fail("tensor name too long", at, $"{nameBytes} bytes; ggml allows at most {MaxTensorNameBytes} (GGML_MAX_NAME)");
                var name = DecodeString(nameBytes);
                _context = $"in tensor info {i} ({Quote(name)})";
                if (!names.Add(name))
                    throw Fail("duplicate tensor name", at);

                var dimsAt = _position;
                var dimCount = ReadUInt32("dimension count");
                if (dimCount > MaxDims)
                    throw Fail("too many dimensions", dimsAt, $"{dimCount}; ggml allows at most {MaxDims} (GGML_MAX_DIMS)");
                var dims = new long[dimCount];
                for (var j = 0; j < dims.Length; j++)
                {
                    var dimAt = _position;
                    var d = ReadUInt64("dimension");
                    if (d > long.MaxValue)
                        throw Fail("bad dimension", dimAt, $"dimension {j} is {d}, more than an int64 holds");
                    dims[j] = (long)d;
                }

                if (!dims.Contains(0))
                {
                    long product = 1;
                    foreach (var d in dims)
                    {
                        if (product > long.MaxValue / d)
                            throw Fail("too many elements", dimsAt, $"the shape [{string.Join(", ", dims)}] has more elements than an int64 holds");
                        product *= d;
                    }
                }

                var typeAt = _position;
                var rawType = ReadUInt32("ggml type");
                if (rawType > int.MaxValue)
                    throw Fail("bad ggml type", typeAt, $"{rawType}");
                var ggmlType = (int)rawType;
                if (GgmlTypes.IsRemoved(ggmlType))
                    throw Fail("unsupported ggml type", typeAt, $"type {ggmlType} was removed from ggml and is refused in GGUF files; quantize the model again");
                // Types newer than this code are accepted: the header is still readable, only the size check is skipped.
                var rowLength = dims.Length > 0 ? dims[0] : 1;
                if (GgmlTypes.TryGet(ggmlType, out var layout) && rowLength % layout.BlockSize != 0)
                    throw Fail("partial block", dimsAt, $"a row of {rowLength} elements is not a whole number of {layout.Name} blocks of {layout.BlockSize}");

                var offsetAt = _position;
                var offset = ReadUInt64("data offset");
                if (offset > long.MaxValue)
                    throw Fail("bad data offset", offsetAt, $"{offset} is more than an int64 holds");

                tensors.Add(new GgufTensorInfo(name, dims, ggmlType, (long)offset));
                infoOffsets.Add(at);
            }

            return (tensors, infoOffsets);
        }

        private void CheckTensorData(List<GgufTensorInfo> tensors, List<long> infoOffsets, long infosEnd, long dataOffset, int alignment)
        {
            // llama.cpp requires the padding before the data whenever there are tensors (a file with none may end early).
            if (dataOffset > _length)
                throw Fail("truncated", infosEnd, $"the tensor data should start at offset {dataOffset}, but the file is {_length} bytes");
            var dataLength = _length - dataOffset;
            for (var i = 0; i < tensors.Count; i++)
            {
                var t = tensors[i];
                _context = $"in tensor info {i} ({Quote(t.Name)})";
                if (t.Offset % alignment != 0)
                    throw Fail("misaligned tensor data", infoOffsets[i], $"data offset {t.Offset} is not a multiple of the alignment {alignment}");
                if (!GgmlTypes.TryGet(t.GgmlType, out _))
                {
                    if (t.Offset > dataLength)
                        throw Fail("truncated tensor data", infoOffsets[i], $"data offset {t.Offset} is past the end of the {dataLength}-byte data section");
                    continue;
                }

                // A whole number of blocks per row was checked above, so only an overflow leaves ByteSize null.
                var size = t.ByteSize ?? throw Fail("tensor too large", infoOffsets[i], "its size in bytes does not fit in an int64");
                if (t.Offset > dataLength || size > dataLength - t.Offset)
                    throw Fail("truncated tensor data", infoOffsets[i],
                        $"{size} bytes at data offset {t.Offset} run past the end of the file (the data section holds {dataLength} bytes from offset {dataOffset})");
            }
            CheckNoOverlap(tensors, infoOffsets);
        }

        /// <summary>
        /// Two tensors sharing bytes is corruption or an attack (writes through one would change the other);
        /// llama.cpp's loader goes further and wants them packed in order. Sorting costs n log n on a few
        /// thousand tensors at most.
        /// </summary>
        private void CheckNoOverlap(List<GgufTensorInfo> tensors, List<long> infoOffsets)
        {
            var order = Enumerable.Range(0, tensors.Count).Where(i => tensors[i].ByteSize is > 0).OrderBy(i => tensors[i].Offset).ToList();
            for (var k = 1; k < order.Count; k++)
            {
                var (previous, next) = (tensors[order[k - 1]], tensors[order[k]]);
                var previousEnd = previous.Offset + previous.ByteSize!.Value;
                if (next.Offset < previousEnd)
                {
                    _context = $"in tensor info {order[k]} ({Quote(next.Name)})";
                    throw Fail("overlapping tensor data", infoOffsets[order[k]],
                        $"data offset {next.Offset} lies inside tensor {Quote(previous.Name)} (data bytes {previous.Offset} to {previousEnd})");
                }
            }
        }

        // ---- primitives -------------------------------------------------------------------------

        private GgufValueType ReadValueType(string what)
        {
            var at = _position;
            var raw = ReadUInt32(what);
            if (raw > (uint)GgufValueType.Float64)
                throw Fail($"unknown {what}", at, $"{raw}; GGUF defines 0–12");
            return (GgufValueType)raw;
        }

        private static int MinEncodedSize(GgufValueType type) => type switch
        {
            GgufValueType.String => 8,       // the length, for an empty string
            GgufValueType.Array => 4 + 8,    // element type and length, for an empty array
            _ => FixedSize(type),
        };

        private static int FixedSize(GgufValueType type) => type switch
        {
            GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
            GgufValueType.UInt16 or GgufValueType.Int16 => 2,
            GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
            GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
            _ => 0,
        };

        private uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

        private ulong ReadUInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

        /// <summary>A string's uint64 byte length, checked against the bytes left and MaxStringBytes.</summary>
        private int ReadStringLength(string what)
        {
            var at = _position;
            var length = ReadUInt64(LengthLabel(what));
            if (length > (ulong)Remaining)
                throw Fail($"{what} too long", at, $"its length is {length}, but only {Remaining} bytes are left in the file");
            if (length > (ulong)_options.MaxStringBytes)
                throw Fail($"{what} too long", at, $"its length {length} exceeds the limit of {_options.MaxStringBytes} bytes (GgufReadOptions.MaxStringBytes)");
            return (int)length; // MaxStringBytes ≤ 1 GiB
        }

        // Constant labels: a concatenation per string would allocate for each of a vocabulary's 32,000+ tokens.
        private static string LengthLabel(string what) => what switch
        {
            "key" => "key length",
            "string" => "string length",
            "tensor name" => "tensor name length",
            _ => what + " length",
        };

        /// <summary>
        /// The next <paramref name="byteCount"/> bytes as UTF-8 (already checked to be in the file).
        /// Invalid sequences become U+FFFD, as llama.cpp does not validate them either.
        /// </summary>
        private string DecodeString(int byteCount)
        {
            if (byteCount <= _buffer.Length)
                return Encoding.UTF8.GetString(Take(byteCount, "string"));

            // Longer than the buffer (only strings over 64 KiB): read it whole; its length fits in the file.
            var bytes = new byte[byteCount];
            var buffered = _bufferEnd - _bufferStart;
            _buffer.AsSpan(_bufferStart, buffered).CopyTo(bytes);
            _bufferStart = _bufferEnd = 0;
            var filled = buffered;
            while (filled < byteCount)
            {
                var got = _stream.Read(bytes, filled, byteCount - filled);
                if (got <= 0)
                    throw StreamEnded(_position + filled);
                filled += got;
            }

            _position += byteCount;
            return Encoding.UTF8.GetString(bytes);
        }

        private ReadOnlySpan<byte> Take(int count, string what)
        {
            if (Remaining < count)
                throw Fail("truncated", _position, $"needs {count} bytes for the {what}, {Remaining} left");
            if (_bufferEnd - _bufferStart < count)
                Fill(count);
            var span = _buffer.AsSpan(_bufferStart, count);
            _bufferStart += count;
            _position += count;
            return span;
        }

        /// <summary>Makes at least <paramref name="count"/> bytes (≤ buffer size, ≤ Remaining) available.</summary>
        private void Fill(int count)
        {
            var kept = _bufferEnd - _bufferStart;
            if (kept > 0 && _bufferStart > 0)
                Buffer.BlockCopy(_buffer, _bufferStart, _buffer, 0, kept);
            _bufferStart = 0;
            _bufferEnd = kept;
            while (_bufferEnd < count)
            {
                // Never read past the declared length: the GGUF may be embedded in a longer stream.
                var room = (int)Math.Min(_buffer.Length - _bufferEnd, _length - _position - _bufferEnd);
                var got = _stream.Read(_buffer, _bufferEnd, room);
                if (got <= 0)
                    throw StreamEnded(_position + _bufferEnd);
                _bufferEnd += got;
            }
        }

        /// <summary>Moves past <paramref name="count"/> bytes already checked to be in the file.</summary>
        private void Skip(long count, string what)
        {
            if (Remaining < count)
                throw Fail("truncated", _position, $"needs {count} bytes for the {what}, {Remaining} left");
            var buffered = _bufferEnd - _bufferStart;
            if (count <= buffered)
            {
                _bufferStart += (int)count;
                _position += count;
                return;
            }

            var rest = count - buffered;
            _position += buffered;
            _bufferStart = _bufferEnd = 0;
            if (_stream.CanSeek)
            {
                _stream.Seek(rest, SeekOrigin.Current);
                _position += rest;
                return;
            }

            while (rest > 0)
            {
                var got = _stream.Read(_buffer, 0, (int)Math.Min(rest, _buffer.Length));
                if (got <= 0)
                    throw StreamEnded(_position);
                rest -= got;
                _position += got;
            }
        }

        // ---- errors -----------------------------------------------------------------------------

        /// <summary>"{problem} {where} at offset {offset}: {detail}", e.g. "truncated in metadata key 12 ('tokenizer.ggml.tokens') at offset 3456: …".</summary>
        private GgufFormatError Fail(string problem, long offset, string? detail = null)
        {
            var where = _context;
            if (_elementPath.Count > 0)
                where += " element " + string.Concat(_elementPath.Select(i => $"[{i}]"));
            return new GgufFormatError(detail is null ? $"{problem} {where} at offset {offset}" : $"{problem} {where} at offset {offset}: {detail}");
        }

        private GgufFormatError StreamEnded(long offset) =>
            Fail("truncated", offset, $"the stream ended before the {_length} bytes it was said to hold");

        private static string Quote(string s)
        {
            const int shown = 64;
            var text = s.Length > shown ? s[..shown] + "…" : s;
            return "'" + new string([.. text.Select(c => char.IsControl(c) ? '?' : c)]) + "'";
        }

        private static string Printable(uint magic)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, magic);
            var chars = new char[4];
            for (var i = 0; i < 4; i++)
                chars[i] = bytes[i] is >= 0x20 and < 0x7f ? (char)bytes[i] : '?';
            return "'" + new string(chars) + "'";
        }
    }
}
