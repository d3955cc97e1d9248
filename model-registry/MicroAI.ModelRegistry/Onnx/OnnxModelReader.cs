using WireType = MicroAI.ModelRegistry.Onnx.ProtobufWireType;

namespace MicroAI.ModelRegistry.Onnx;

/// <summary>
/// Reads what a server needs to know about an ONNX model (ModelProto) — IR version, operator sets,
/// producer, graph inputs and outputs with element types and shapes, metadata — with a hand-written
/// protobuf reader: no ONNX Runtime, no native code. Weights are skipped, never read: a file is
/// walked through a 32 KB window that seeks over initializer data, so reading a model costs the
/// window plus its names and shapes, whatever the size of its weights. Corrupt, truncated or hostile input and I/O failures come back as
/// <see cref="OnnxReadResult.Error"/>; nothing in the content makes these methods throw.
/// </summary>
public static class OnnxModelReader
{
    /// <summary>Caps that keep a small hostile file from becoming a large object graph.</summary>
    internal const int MaxValueInfos = 100_000;
    internal const int MaxRank = 1_024;
    internal const int MaxMetadataEntries = 100_000;
    internal const int MaxOpsets = 10_000;
    internal const int MaxInitializers = 10_000_000;

    // ModelProto
    private const int ModelIrVersion = 1;
    private const int ModelProducerName = 2;
    private const int ModelProducerVersion = 3;
    private const int ModelGraph = 7;
    private const int ModelOpsetImport = 8;
    private const int ModelMetadataProps = 14;

    // GraphProto
    private const int GraphNode = 1;
    private const int GraphName = 2;
    private const int GraphInitializer = 5;
    private const int GraphInput = 11;
    private const int GraphOutput = 12;
    private const int GraphSparseInitializer = 15;

    // NodeProto, AttributeProto
    private const int NodeOpType = 4;
    private const int NodeAttribute = 5;
    private const int NodeDomain = 7;
    private const int AttributeName = 1;
    private const int AttributeStrings = 9;
    private const int AttributeInts = 8;

    /// <summary>The traditional-ML operator set (tree ensembles, linear models, ZipMap, …).</summary>
    internal const string MlDomain = "ai.onnx.ml";

    /// <summary>Class labels kept per model: more is not a classifier anyone reads label by label.</summary>
    internal const int MaxClassLabels = 100_000;

    // TensorProto / SparseTensorProto
    private const int TensorName = 8;
    private const int TensorExternalData = 13;
    private const int SparseTensorValues = 1;

    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, Dimension
    private const int ValueInfoName = 1;
    private const int ValueInfoType = 2;
    private const int TypeTensor = 1;
    private const int TypeSequence = 4;
    private const int TypeMap = 5;
    private const int TypeSparseTensor = 8;
    private const int TypeOptional = 9;
    private const int TensorTypeElemType = 1;
    private const int TensorTypeShape = 2;
    private const int ShapeDim = 1;
    private const int DimValue = 1;
    private const int DimParam = 2;

    // OperatorSetIdProto, StringStringEntryProto
    private const int OpsetDomain = 1;
    private const int OpsetVersion = 2;
    private const int EntryKey = 1;
    private const int EntryValue = 2;

    /// <summary>Reads the model file at <paramref name="path"/>, streaming over its weights.</summary>
    public static OnnxReadResult Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        }
        catch (Exception e) when (IsIoError(e) || e is ArgumentException)
        {
            return OnnxReadResult.Fail($"cannot open {path}: {e.Message}");
        }
        using (stream)
            return Read(stream);
    }

    /// <summary>
    /// Reads a model from the stream's current position to its end (the stream is not disposed).
    /// A seekable stream is walked with seeks over weights; any other is read through once.
    /// </summary>
    public static OnnxReadResult Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            var reader = new ProtobufReader(stream);
            try
            {
                return Parse(ref reader);
            }
            finally
            {
                reader.Dispose();
            }
        }
        catch (ProtobufException e)
        {
            return OnnxReadResult.Fail($"not a valid ONNX model: {e.Message}");
        }
        catch (Exception e) when (IsIoError(e))
        {
            return OnnxReadResult.Fail($"cannot read the model: {e.Message}");
        }
    }

    /// <summary>Reads a model held in memory.</summary>
    public static OnnxReadResult Read(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new ProtobufReader(data);
            return Parse(ref reader);
        }
        catch (ProtobufException e)
        {
            return OnnxReadResult.Fail($"not a valid ONNX model: {e.Message}");
        }
    }

    private static bool IsIoError(Exception e) =>
        e is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException;

    private static OnnxReadResult Parse(ref ProtobufReader reader)
    {
        var model = new ModelBuilder();
        var any = false;
        while (reader.TryReadTag(out var field, out var wire))
        {
            any = true;
            switch (field)
            {
                case ModelIrVersion when wire == WireType.Varint:
                    model.IrVersion = reader.ReadInt64();
                    break;
                case ModelProducerName when wire == WireType.LengthDelimited:
                    model.ProducerName = reader.ReadString();
                    break;
                case ModelProducerVersion when wire == WireType.LengthDelimited:
                    model.ProducerVersion = reader.ReadString();
                    break;
                case ModelGraph when wire == WireType.LengthDelimited:
                    ReadGraph(ref reader, model);
                    break;
                case ModelOpsetImport when wire == WireType.LengthDelimited:
                    ReadOpset(ref reader, model);
                    break;
                case ModelMetadataProps when wire == WireType.LengthDelimited:
                    if (model.Metadata.Count >= MaxMetadataEntries)
                        throw new ProtobufException($"more than {MaxMetadataEntries} metadata entries");
                    var (key, value) = ReadEntry(ref reader);
                    if (key is not null)
                        model.Metadata[key] = value ?? string.Empty;
                    break;
                default:
                    reader.SkipField(field, wire);
                    break;
            }
        }

        if (!any)
            return OnnxReadResult.Fail("the model is empty");
        if (!model.SawGraph)
            return OnnxReadResult.Fail("not an ONNX model: there is no graph (ModelProto field 7)");
        return OnnxReadResult.Ok(model.Build());
    }

    private static void ReadGraph(ref ProtobufReader reader, ModelBuilder model)
    {
        var outer = reader.BeginMessage();
        model.SawGraph = true;
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case GraphName when wire == WireType.LengthDelimited:
                    model.GraphName = reader.ReadString();
                    break;
                case GraphNode when wire == WireType.LengthDelimited:
                    ReadNode(ref reader, model);
                    break;
                case GraphInitializer when wire == WireType.LengthDelimited:
                    CountInitializer(model);
                    ReadInitializer(ref reader, model);
                    break;
                case GraphSparseInitializer when wire == WireType.LengthDelimited:
                    CountInitializer(model);
                    ReadSparseInitializer(ref reader, model);
                    break;
                case GraphInput when wire == WireType.LengthDelimited:
                    AddValueInfo(ref reader, model.Inputs);
                    break;
                case GraphOutput when wire == WireType.LengthDelimited:
                    AddValueInfo(ref reader, model.Outputs);
                    break;
                default:
                    reader.SkipField(field, wire); // value_info, doc_string …
                    break;
            }
        }
        reader.EndMessage(outer);
    }

    /// <summary>
    /// A NodeProto: only what the ai.onnx.ml operators say about the model — their op types, and the
    /// class labels a classifier carries as classlabels_strings, or as classlabels_int64s
    /// (TreeEnsembleClassifier, ZipMap) or classlabels_ints (LinearClassifier, SVMClassifier). Other attributes (the trees themselves,
    /// which can be megabytes) are skipped unread.
    /// </summary>
    private static void ReadNode(ref ProtobufReader reader, ModelBuilder model)
    {
        string? opType = null;
        string? domain = null;
        List<string>? labels = null;
        var outer = reader.BeginMessage();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case NodeOpType when wire == WireType.LengthDelimited:
                    opType = reader.ReadString();
                    break;
                case NodeDomain when wire == WireType.LengthDelimited:
                    domain = reader.ReadString();
                    break;
                case NodeAttribute when wire == WireType.LengthDelimited && model.ClassLabels is null:
                    labels = ReadClassLabels(ref reader) ?? labels;
                    break;
                default:
                    reader.SkipField(field, wire);
                    break;
            }
        }
        reader.EndMessage(outer);
        if (domain != MlDomain || opType is null)
            return;
        if (model.MlOperators.Count < MaxOpsets)
            model.MlOperators.Add(opType);
        if (labels is { Count: > 0 })
            model.ClassLabels ??= labels;
    }

    /// <summary>The labels of a classlabels_strings / classlabels_int64s attribute; null for any other attribute.</summary>
    private static List<string>? ReadClassLabels(ref ProtobufReader reader)
    {
        string? name = null;
        var strings = new List<string>();
        var ints = new List<long>();
        var outer = reader.BeginMessage();
        while (reader.TryReadTag(out var field, out var wire))
        {
            // The name comes first in every writer we know of, so the values of other attributes
            // (tree node arrays) are skipped without being decoded.
            var wanted = name is "classlabels_strings" or "classlabels_int64s" or "classlabels_ints";
            switch (field)
            {
                case AttributeName when wire == WireType.LengthDelimited:
                    name = reader.ReadString();
                    break;
                case AttributeStrings when wire == WireType.LengthDelimited && wanted && strings.Count < MaxClassLabels:
                    strings.Add(reader.ReadString());
                    break;
                case AttributeInts when wire == WireType.Varint && wanted && ints.Count < MaxClassLabels:
                    ints.Add(reader.ReadInt64());
                    break;
                case AttributeInts when wire == WireType.LengthDelimited && wanted:
                    var packed = reader.BeginMessage();
                    while (reader.Remaining > 0 && ints.Count < MaxClassLabels)
                        ints.Add(reader.ReadInt64());
                    reader.EndMessage(packed);
                    break;
                default:
                    reader.SkipField(field, wire);
                    break;
            }
        }
        reader.EndMessage(outer);
        return name switch
        {
            "classlabels_strings" => strings,
            "classlabels_int64s" or "classlabels_ints" => ints.ConvertAll(static i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            _ => null,
        };
    }

    /// <summary>A TensorProto: only its name and where external data live; the data are skipped.</summary>
    private static void CountInitializer(ModelBuilder model)
    {
        if (++model.InitializerCount > MaxInitializers)
            throw new ProtobufException($"more than {MaxInitializers} initializers");
    }

    private static void ReadInitializer(ref ProtobufReader reader, ModelBuilder model)
    {
        var outer = reader.BeginMessage();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case TensorName when wire == WireType.LengthDelimited:
                    model.InitializerNames.Add(reader.ReadString());
                    break;
                case TensorExternalData when wire == WireType.LengthDelimited:
                    var (key, value) = ReadEntry(ref reader);
                    if (key == "location" && !string.IsNullOrEmpty(value) && model.ExternalData.Count < MaxValueInfos)
                        model.ExternalData.Add(value);
                    break;
                default:
                    reader.SkipField(field, wire); // raw_data, float_data … are skipped (seeked over)
                    break;
            }
        }
        reader.EndMessage(outer);
    }

    private static void ReadSparseInitializer(ref ProtobufReader reader, ModelBuilder model)
    {
        var outer = reader.BeginMessage();
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == SparseTensorValues && wire == WireType.LengthDelimited)
                ReadInitializer(ref reader, model); // the sparse tensor's name is its values' name
            else
                reader.SkipField(field, wire);
        }
        reader.EndMessage(outer);
    }

    private static void AddValueInfo(ref ProtobufReader reader, List<OnnxTensorSpec> list)
    {
        if (list.Count >= MaxValueInfos)
            throw new ProtobufException($"more than {MaxValueInfos} graph inputs or outputs");
        list.Add(ReadValueInfo(ref reader));
    }

    private static OnnxTensorSpec ReadValueInfo(ref ProtobufReader reader)
    {
        var name = string.Empty;
        var type = new TypeInfo();
        var outer = reader.BeginMessage();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case ValueInfoName when wire == WireType.LengthDelimited:
                    name = reader.ReadString();
                    break;
                case ValueInfoType when wire == WireType.LengthDelimited:
                    ReadType(ref reader, ref type);
                    break;
                default:
                    reader.SkipField(field, wire);
                    break;
            }
        }
        reader.EndMessage(outer);
        return new OnnxTensorSpec(name, type.ElementType, type.Dims ?? [], type.Dims is not null);
    }

    private static void ReadType(ref ProtobufReader reader, ref TypeInfo type)
    {
        var outer = reader.BeginMessage();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case TypeTensor or TypeSparseTensor when wire == WireType.LengthDelimited:
                    ReadTensorType(ref reader, ref type);
                    break;
                case TypeSequence when wire == WireType.LengthDelimited:
                    type.ElementType = "sequence";
                    reader.SkipField(field, wire);
                    break;
                case TypeMap when wire == WireType.LengthDelimited:
                    type.ElementType = "map";
                    reader.SkipField(field, wire);
                    break;
                case TypeOptional when wire == WireType.LengthDelimited:
                    type.ElementType = "optional";
                    reader.SkipField(field, wire);
                    break;
                default:
                    reader.SkipField(field, wire);
                    break;
            }
        }
        reader.EndMessage(outer);
    }

    private static void ReadTensorType(ref ProtobufReader reader, ref TypeInfo type)
    {
        var outer = reader.BeginMessage();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case TensorTypeElemType when wire == WireType.Varint:
                    type.ElementType = OnnxElementTypes.FromDataType(reader.ReadInt32());
                    break;
                case TensorTypeShape when wire == WireType.LengthDelimited:
                    type.Dims = ReadShape(ref reader);
                    break;
                default:
                    reader.SkipField(field, wire);
                    break;
            }
        }
        reader.EndMessage(outer);
    }

    private static List<OnnxDim> ReadShape(ref ProtobufReader reader)
    {
        var dims = new List<OnnxDim>();
        var outer = reader.BeginMessage();
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == ShapeDim && wire == WireType.LengthDelimited)
            {
                if (dims.Count >= MaxRank)
                    throw new ProtobufException($"a shape with more than {MaxRank} dimensions");
                dims.Add(ReadDim(ref reader));
            }
            else
            {
                reader.SkipField(field, wire);
            }
        }
        reader.EndMessage(outer);
        return dims;
    }

    private static OnnxDim ReadDim(ref ProtobufReader reader)
    {
        var dim = OnnxDim.Unknown;
        var outer = reader.BeginMessage();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                // dim_value and dim_param are a oneof: the last one present wins.
                case DimValue when wire == WireType.Varint:
                    dim = OnnxDim.Fixed(reader.ReadInt64());
                    break;
                case DimParam when wire == WireType.LengthDelimited:
                    var symbol = reader.ReadString();
                    dim = symbol.Length > 0 ? OnnxDim.Named(symbol) : OnnxDim.Unknown;
                    break;
                default:
                    reader.SkipField(field, wire);
                    break;
            }
        }
        reader.EndMessage(outer);
        return dim;
    }

    private static void ReadOpset(ref ProtobufReader reader, ModelBuilder model)
    {
        if (model.Opsets.Count >= MaxOpsets)
            throw new ProtobufException($"more than {MaxOpsets} operator sets");
        var domain = string.Empty;
        long version = 0;
        var outer = reader.BeginMessage();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case OpsetDomain when wire == WireType.LengthDelimited:
                    domain = reader.ReadString();
                    break;
                case OpsetVersion when wire == WireType.Varint:
                    version = reader.ReadInt64();
                    break;
                default:
                    reader.SkipField(field, wire);
                    break;
            }
        }
        reader.EndMessage(outer);
        model.Opsets[domain.Length == 0 ? "ai.onnx" : domain] = version;
    }

    private static (string? Key, string? Value) ReadEntry(ref ProtobufReader reader)
    {
        string? key = null;
        string? value = null;
        var outer = reader.BeginMessage();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case EntryKey when wire == WireType.LengthDelimited:
                    key = reader.ReadString();
                    break;
                case EntryValue when wire == WireType.LengthDelimited:
                    value = reader.ReadString();
                    break;
                default:
                    reader.SkipField(field, wire);
                    break;
            }
        }
        reader.EndMessage(outer);
        return (key, value);
    }

    private struct TypeInfo
    {
        public TypeInfo()
        {
        }

        public string ElementType = "undefined";
        public List<OnnxDim>? Dims;
    }

    private sealed class ModelBuilder
    {
        public long IrVersion;
        public string? ProducerName;
        public string? ProducerVersion;
        public string? GraphName;
        public bool SawGraph;
        public int InitializerCount;
        public readonly Dictionary<string, long> Opsets = new(StringComparer.Ordinal);
        public readonly Dictionary<string, string> Metadata = new(StringComparer.Ordinal);
        public readonly List<OnnxTensorSpec> Inputs = [];
        public readonly List<OnnxTensorSpec> Outputs = [];
        public readonly HashSet<string> InitializerNames = new(StringComparer.Ordinal);
        public readonly List<string> ExternalData = [];
        public readonly SortedSet<string> MlOperators = new(StringComparer.Ordinal);
        public List<string>? ClassLabels;

        public OnnxModelInfo Build()
        {
            // Before IR version 4 every initializer was also listed as a graph input.
            var inputs = InitializerNames.Count == 0 ? Inputs : Inputs.FindAll(i => !InitializerNames.Contains(i.Name));
            return new OnnxModelInfo(IrVersion, Opsets, ProducerName, inputs, Outputs, Metadata)
            {
                ProducerVersion = ProducerVersion,
                GraphName = GraphName,
                InitializerCount = InitializerCount,
                ExternalDataFiles = ExternalData.Distinct(StringComparer.Ordinal).ToList(),
                MlOperators = [.. MlOperators],
                ClassLabels = ClassLabels,
            };
        }
    }
}
