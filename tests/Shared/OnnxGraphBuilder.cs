using System.Buffers.Binary;
using System.Text;

namespace MicroAI.Tests.Shared;

/// <summary>ONNX TensorProto.DataType values used by <see cref="OnnxGraphBuilder"/>.</summary>
internal enum OnnxGraphDataType
{
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
}

/// <summary>
/// One dimension of a graph input or output: a fixed size (<c>4</c>), a symbolic name
/// (<c>"batch"</c>) or <see cref="Unknown"/> (neither). Converts implicitly from <see cref="long"/>,
/// <see cref="int"/> and <see cref="string"/>, so shapes read <c>Input("x", Float, "batch", 4)</c>.
/// </summary>
internal readonly record struct OnnxGraphDim(long? Value, string? Param)
{
    public static OnnxGraphDim Unknown => default;

    public static implicit operator OnnxGraphDim(long value) => new(value, null);

    public static implicit operator OnnxGraphDim(int value) => new(value, null);

    public static implicit operator OnnxGraphDim(string param) => new(null, param ?? throw new ArgumentNullException(nameof(param)));

    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Param ?? "?";
}

/// <summary>A tensor (an initializer, or the value of a tensor attribute) stored as little-endian raw_data.</summary>
internal sealed record OnnxGraphTensor(string Name, OnnxGraphDataType DataType, IReadOnlyList<long> Dims, byte[] RawData)
{
    public static OnnxGraphTensor FromFloats(string name, IReadOnlyList<float> values, params long[] dims)
    {
        CheckCount(name, values.Count, dims);
        var raw = new byte[values.Count * sizeof(float)];
        for (var i = 0; i < values.Count; i++)
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        return new OnnxGraphTensor(name, OnnxGraphDataType.Float, dims, raw);
    }

    public static OnnxGraphTensor FromInt64s(string name, IReadOnlyList<long> values, params long[] dims)
    {
        CheckCount(name, values.Count, dims);
        var raw = new byte[values.Count * sizeof(long)];
        for (var i = 0; i < values.Count; i++)
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * sizeof(long)), values[i]);
        return new OnnxGraphTensor(name, OnnxGraphDataType.Int64, dims, raw);
    }

    public static OnnxGraphTensor FromInt32s(string name, IReadOnlyList<int> values, params long[] dims)
    {
        CheckCount(name, values.Count, dims);
        var raw = new byte[values.Count * sizeof(int)];
        for (var i = 0; i < values.Count; i++)
            BinaryPrimitives.WriteInt32LittleEndian(raw.AsSpan(i * sizeof(int)), values[i]);
        return new OnnxGraphTensor(name, OnnxGraphDataType.Int32, dims, raw);
    }

    /// <summary>TensorProto: dims 1, data_type 2, name 8, raw_data 9.</summary>
    internal void WriteTo(OnnxGraphProtoWriter w)
    {
        foreach (var d in Dims)
            w.Varint(1, d);
        w.Varint(2, (int)DataType);
        w.String(8, Name);
        w.Bytes(9, RawData);
    }

    private static void CheckCount(string name, int count, long[] dims)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(dims);
        long expected = 1;
        foreach (var d in dims)
        {
            if (d < 0)
                throw new ArgumentException($"tensor '{name}': negative dimension {d}", nameof(dims));
            expected *= d;
        }
        if (expected != count)
            throw new ArgumentException($"tensor '{name}': {count} values do not fill shape [{string.Join(", ", dims)}] ({expected} values)", nameof(dims));
    }
}

/// <summary>A node attribute (AttributeProto). Make one with the static factories.</summary>
internal sealed record OnnxGraphAttribute
{
    // AttributeProto.AttributeType
    private const int TypeFloat = 1;
    private const int TypeInt = 2;
    private const int TypeString = 3;
    private const int TypeTensor = 4;
    private const int TypeFloats = 6;
    private const int TypeInts = 7;
    private const int TypeStrings = 8;

    private OnnxGraphAttribute(string name, int type)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        AttributeType = type;
    }

    public string Name { get; }

    /// <summary>AttributeProto.AttributeType (FLOAT 1, INT 2, STRING 3, TENSOR 4, FLOATS 6, INTS 7, STRINGS 8).</summary>
    public int AttributeType { get; }

    private float FloatValue { get; init; }

    private long IntValue { get; init; }

    private byte[]? StringValue { get; init; }

    private OnnxGraphTensor? TensorValue { get; init; }

    private IReadOnlyList<float>? FloatValues { get; init; }

    private IReadOnlyList<long>? IntValues { get; init; }

    private IReadOnlyList<string>? StringValues { get; init; }

    public static OnnxGraphAttribute Int(string name, long value) => new(name, TypeInt) { IntValue = value };

    public static OnnxGraphAttribute Float(string name, float value) => new(name, TypeFloat) { FloatValue = value };

    public static OnnxGraphAttribute Ints(string name, params long[] values) =>
        new(name, TypeInts) { IntValues = values ?? throw new ArgumentNullException(nameof(values)) };

    public static OnnxGraphAttribute Floats(string name, params float[] values) =>
        new(name, TypeFloats) { FloatValues = values ?? throw new ArgumentNullException(nameof(values)) };

    public static OnnxGraphAttribute String(string name, string value) =>
        new(name, TypeString) { StringValue = Encoding.UTF8.GetBytes(value ?? throw new ArgumentNullException(nameof(value))) };

    public static OnnxGraphAttribute Strings(string name, params string[] values) =>
        new(name, TypeStrings) { StringValues = values ?? throw new ArgumentNullException(nameof(values)) };

    public static OnnxGraphAttribute Tensor(string name, OnnxGraphTensor value) =>
        new(name, TypeTensor) { TensorValue = value ?? throw new ArgumentNullException(nameof(value)) };

    internal void WriteTo(OnnxGraphProtoWriter w)
    {
        // AttributeProto: name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, type 20.
        w.String(1, Name);
        switch (AttributeType)
        {
            case TypeFloat:
                w.Float(2, FloatValue);
                break;
            case TypeInt:
                w.Varint(3, IntValue);
                break;
            case TypeString:
                w.Bytes(4, StringValue!);
                break;
            case TypeTensor:
                w.Message(5, TensorValue!.WriteTo);
                break;
            case TypeFloats:
                foreach (var f in FloatValues!)
                    w.Float(7, f);
                break;
            case TypeInts:
                foreach (var i in IntValues!)
                    w.Varint(8, i);
                break;
            case TypeStrings:
                foreach (var text in StringValues!)
                    w.String(9, text);
                break;
        }
        w.Varint(20, AttributeType);
    }
}

/// <summary>A graph node (NodeProto). <see cref="Name"/> may be left null: the builder names it.</summary>
internal sealed record OnnxGraphNode(
    string OpType,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    IReadOnlyList<OnnxGraphAttribute>? Attributes = null,
    string? Name = null,
    string Domain = "");

/// <summary>
/// Writes an ONNX model (ModelProto, protobuf wire format) from scratch: IR version 8, the default
/// operator set ai.onnx 17, producer "microai-tests", graph inputs and outputs with element types
/// and fixed, symbolic or unknown dimensions (and sequence-of-maps outputs), initializers as little-endian
/// raw_data, and nodes with int, float, ints, floats, string, strings and tensor attributes, in any domain. No validation beyond argument checks:
/// ONNX Runtime is the judge of whether a graph is well formed.
/// <code>
/// var bytes = new OnnxGraphBuilder()
///     .Input("x", OnnxGraphDataType.Float, "batch", 4)
///     .FloatInitializer("w", [1, 2, 3, 4], 4)
///     .Node("Mul", ["x", "w"], ["y"])
///     .Output("y", OnnxGraphDataType.Float, "batch", 4)
///     .Build();
/// </code>
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>The default operator set of ai.onnx (domain "").</summary>
    public const long DefaultOpset = 17;

    private readonly List<(string Domain, long Version)> _opsets = [("", DefaultOpset)];
    private readonly List<(string Key, string Value)> _metadata = [];
    private readonly List<OnnxGraphNode> _nodes = [];
    private readonly List<OnnxGraphTensor> _initializers = [];
    private readonly List<ValueInfo> _inputs = [];
    private readonly List<ValueInfo> _outputs = [];
    private readonly List<ValueInfo> _valueInfos = [];

    public OnnxGraphBuilder(string graphName = "microai_test_graph")
    {
        ArgumentNullException.ThrowIfNull(graphName);
        GraphName = graphName;
    }

    public string GraphName { get; set; }

    public long IrVersion { get; set; } = 8;

    public string ProducerName { get; set; } = "microai-tests";

    public string? ProducerVersion { get; set; }

    public string? DocString { get; set; }

    /// <summary>Sets the version of an operator set ("" or "ai.onnx" is the default domain), replacing any earlier one.</summary>
    public OnnxGraphBuilder Opset(string domain, long version)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (domain == "ai.onnx")
            domain = "";
        _opsets.RemoveAll(o => o.Domain == domain);
        _opsets.Add((domain, version));
        return this;
    }

    /// <summary>A metadata_props entry.</summary>
    public OnnxGraphBuilder Metadata(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _metadata.Add((key, value));
        return this;
    }

    /// <summary>A graph input; <paramref name="dims"/> null leaves the shape out (unknown rank), empty is a scalar.</summary>
    public OnnxGraphBuilder Input(string name, OnnxGraphDataType type, params OnnxGraphDim[]? dims)
    {
        _inputs.Add(new ValueInfo(name, type, dims));
        return this;
    }

    /// <summary>A graph output; <paramref name="dims"/> null leaves the shape out (unknown rank), empty is a scalar.</summary>
    public OnnxGraphBuilder Output(string name, OnnxGraphDataType type, params OnnxGraphDim[]? dims)
    {
        _outputs.Add(new ValueInfo(name, type, dims));
        return this;
    }

    /// <summary>A value_info entry: the type and shape of an intermediate value (optional in ONNX).</summary>
    /// <summary>
    /// A sequence-of-maps output, seq(map(key, value)): what ZipMap makes of a classifier's
    /// probabilities (keys Int64 or String, values Float).
    /// </summary>
    public OnnxGraphBuilder SequenceOfMapsOutput(string name, OnnxGraphDataType keyType, OnnxGraphDataType valueType)
    {
        _outputs.Add(new ValueInfo(name, valueType, null) { MapKeyType = keyType });
        return this;
    }

    public OnnxGraphBuilder ValueInfoOf(string name, OnnxGraphDataType type, params OnnxGraphDim[]? dims)
    {
        _valueInfos.Add(new ValueInfo(name, type, dims));
        return this;
    }

    /// <summary>A float32 initializer; <paramref name="dims"/> empty makes a scalar.</summary>
    public OnnxGraphBuilder FloatInitializer(string name, IReadOnlyList<float> values, params long[] dims) =>
        Initializer(OnnxGraphTensor.FromFloats(name, values, dims));

    /// <summary>An int64 initializer; <paramref name="dims"/> empty makes a scalar.</summary>
    public OnnxGraphBuilder Int64Initializer(string name, IReadOnlyList<long> values, params long[] dims) =>
        Initializer(OnnxGraphTensor.FromInt64s(name, values, dims));

    public OnnxGraphBuilder Initializer(OnnxGraphTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        _initializers.Add(tensor);
        return this;
    }

    /// <summary>A node of the default domain, named "{opType}_{n}".</summary>
    public OnnxGraphBuilder Node(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params OnnxGraphAttribute[] attributes) =>
        Node(new OnnxGraphNode(opType, inputs, outputs, attributes));

    public OnnxGraphBuilder Node(OnnxGraphNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentException.ThrowIfNullOrEmpty(node.OpType);
        ArgumentNullException.ThrowIfNull(node.Inputs);
        ArgumentNullException.ThrowIfNull(node.Outputs);
        _nodes.Add(node.Name is null ? node with { Name = $"{node.OpType}_{_nodes.Count}" } : node);
        return this;
    }

    /// <summary>The model as protobuf bytes.</summary>
    public byte[] Build()
    {
        // ModelProto: ir_version 1, producer_name 2, producer_version 3, doc_string 6, graph 7,
        // opset_import 8, metadata_props 14.
        var model = new OnnxGraphProtoWriter();
        model.Varint(1, IrVersion);
        model.String(2, ProducerName);
        if (ProducerVersion is not null)
            model.String(3, ProducerVersion);
        if (DocString is not null)
            model.String(6, DocString);
        model.Message(7, WriteGraph);
        foreach (var (domain, version) in _opsets)
        {
            // OperatorSetIdProto: domain 1, version 2.
            model.Message(8, o =>
            {
                o.String(1, domain);
                o.Varint(2, version);
            });
        }
        foreach (var (key, value) in _metadata)
        {
            // StringStringEntryProto: key 1, value 2.
            model.Message(14, e =>
            {
                e.String(1, key);
                e.String(2, value);
            });
        }
        return model.ToArray();
    }

    /// <summary>Writes the model to <paramref name="path"/>, creating its folder.</summary>
    public string WriteTo(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, Build());
        return full;
    }

    private void WriteGraph(OnnxGraphProtoWriter g)
    {
        // GraphProto: node 1, name 2, initializer 5, input 11, output 12, value_info 13.
        foreach (var node in _nodes)
            g.Message(1, n => WriteNode(n, node));
        g.String(2, GraphName);
        foreach (var tensor in _initializers)
            g.Message(5, tensor.WriteTo);
        foreach (var input in _inputs)
            g.Message(11, input.WriteTo);
        foreach (var output in _outputs)
            g.Message(12, output.WriteTo);
        foreach (var info in _valueInfos)
            g.Message(13, info.WriteTo);
    }

    private static void WriteNode(OnnxGraphProtoWriter n, OnnxGraphNode node)
    {
        // NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7.
        foreach (var input in node.Inputs)
            n.String(1, input);
        foreach (var output in node.Outputs)
            n.String(2, output);
        if (node.Name is not null)
            n.String(3, node.Name);
        n.String(4, node.OpType);
        foreach (var attribute in node.Attributes ?? [])
            n.Message(5, attribute.WriteTo);
        if (node.Domain.Length > 0)
            n.String(7, node.Domain);
    }

    private sealed record ValueInfo
    {
        public ValueInfo(string name, OnnxGraphDataType type, OnnxGraphDim[]? dims)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            Name = name;
            Type = type;
            Dims = dims;
        }

        public string Name { get; }

        public OnnxGraphDataType Type { get; }

        public OnnxGraphDim[]? Dims { get; }

        /// <summary>Set for a seq(map(MapKeyType, Type)) value instead of a tensor.</summary>
        public OnnxGraphDataType? MapKeyType { get; init; }

        public void WriteTo(OnnxGraphProtoWriter w)
        {
            if (MapKeyType is { } key)
            {
                // TypeProto: sequence_type 4 { elem_type 1: TypeProto }, map_type 5 { key_type 1, value_type 2: TypeProto }.
                w.String(1, Name);
                w.Message(2, type => type.Message(4, sequence => sequence.Message(1, element => element.Message(5, map =>
                {
                    map.Varint(1, (int)key);
                    map.Message(2, value => value.Message(1, tensor => tensor.Varint(1, (int)Type)));
                }))));
                return;
            }
            // ValueInfoProto: name 1, type 2. TypeProto: tensor_type 1. TypeProto.Tensor: elem_type 1,
            // shape 2. TensorShapeProto: dim 1. Dimension: dim_value 1, dim_param 2.
            w.String(1, Name);
            w.Message(2, type => type.Message(1, tensor =>
            {
                tensor.Varint(1, (int)Type);
                if (Dims is null)
                    return;
                tensor.Message(2, shape =>
                {
                    foreach (var dim in Dims)
                    {
                        shape.Message(1, d =>
                        {
                            if (dim.Value is { } value)
                                d.Varint(1, value);
                            else if (dim.Param is { } param)
                                d.String(2, param);
                        });
                    }
                });
            }));
        }
    }
}

/// <summary>The protobuf wire format, as much of it as ONNX models need.</summary>
internal sealed class OnnxGraphProtoWriter
{
    private const int WireVarint = 0;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    private readonly MemoryStream _out = new();

    public void Varint(int field, long value)
    {
        Tag(field, WireVarint);
        RawVarint(unchecked((ulong)value));
    }

    public void Float(int field, float value)
    {
        Tag(field, WireFixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _out.Write(bytes);
    }

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, WireLengthDelimited);
        RawVarint((ulong)value.Length);
        _out.Write(value);
    }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public void Message(int field, Action<OnnxGraphProtoWriter> body)
    {
        var inner = new OnnxGraphProtoWriter();
        body(inner);
        Bytes(field, inner._out.GetBuffer().AsSpan(0, (int)inner._out.Length));
    }

    public byte[] ToArray() => _out.ToArray();

    private void Tag(int field, int wireType) => RawVarint(((ulong)(uint)field << 3) | (uint)wireType);

    private void RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _out.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _out.WriteByte((byte)value);
    }
}
