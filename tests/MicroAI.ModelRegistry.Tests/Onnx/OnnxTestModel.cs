namespace MicroAI.ModelRegistry.Tests.Onnx;

/// <summary>
/// Builds small ONNX ModelProto files for tests: graph inputs and outputs with element types and
/// shapes (a dimension is a long, a symbolic string, or null for unknown), initializers (with
/// raw data of any size or external data), opsets and metadata. No nodes: the reader never needs them.
/// </summary>
internal sealed class OnnxTestModel
{
    public const int Float = 1;
    public const int UInt8 = 2;
    public const int Int32 = 6;
    public const int Int64 = 7;
    public const int Float16 = 10;

    private readonly List<Action<ProtobufTestWriter>> _graph = [];
    private readonly List<Action<ProtobufTestWriter>> _model = [];

    public long IrVersion { get; set; } = 8;

    public string ProducerName { get; set; } = "microai-tests";

    private bool _hasOpset;

    public OnnxTestModel Opset(string domain, long version)
    {
        _hasOpset = true;
        _model.Add(w => w.Message(8, o => o.String(1, domain).Varint(2, version)));
        return this;
    }

    public OnnxTestModel Metadata(string key, string value)
    {
        _model.Add(w => w.Message(14, e => e.String(1, key).String(2, value)));
        return this;
    }

    public OnnxTestModel Input(string name, int elemType, params object?[] dims)
    {
        _graph.Add(w => w.Message(11, v => ValueInfo(v, name, elemType, dims)));
        return this;
    }

    public OnnxTestModel Output(string name, int elemType, params object?[] dims)
    {
        _graph.Add(w => w.Message(12, v => ValueInfo(v, name, elemType, dims)));
        return this;
    }

    /// <summary>An input or output whose type has no shape at all.</summary>
    public OnnxTestModel InputWithoutShape(string name, int elemType)
    {
        _graph.Add(w => w.Message(11, v => v.String(1, name).Message(2, t => t.Message(1, tt => tt.Varint(1, elemType)))));
        return this;
    }

    public OnnxTestModel Initializer(string name, int rawDataBytes = 16, string? externalLocation = null)
    {
        _graph.Add(w => w.Message(5, t =>
        {
            t.Varint(1, 4L).Varint(2, Float).String(8, name);
            if (externalLocation is not null)
            {
                t.Message(13, e => e.String(1, "location").String(2, externalLocation));
                t.Message(13, e => e.String(1, "offset").String(2, "0"));
                t.Varint(14, 1L);
            }
            else
            {
                t.Bytes(9, new byte[rawDataBytes]);
            }
        }));
        return this;
    }

    /// <summary>Any other graph field, written as-is (unknown fields, nodes, …).</summary>
    public OnnxTestModel GraphField(Action<ProtobufTestWriter> write)
    {
        _graph.Add(write);
        return this;
    }

    public byte[] Build()
    {
        var w = new ProtobufTestWriter()
            .Varint(1, IrVersion)
            .String(2, ProducerName)
            .Message(7, g =>
            {
                g.Message(1, n => n.String(4, "Identity").String(1, "x").String(2, "y")); // a node, skipped
                g.String(2, "test-graph");
                foreach (var field in _graph)
                    field(g);
            });
        foreach (var field in _model)
            field(w);
        if (!_hasOpset)
            w.Message(8, o => o.String(1, "").Varint(2, 17L));
        return w.ToArray();
    }

    public string WriteTo(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Build());
        return path;
    }

    private static void ValueInfo(ProtobufTestWriter v, string name, int elemType, object?[] dims)
    {
        v.String(1, name);
        v.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Varint(1, elemType);
            tensor.Message(2, shape =>
            {
                foreach (var dim in dims)
                {
                    shape.Message(1, d =>
                    {
                        switch (dim)
                        {
                            case long value:
                                d.Varint(1, value);
                                break;
                            case int value:
                                d.Varint(1, (long)value);
                                break;
                            case string symbol:
                                d.String(2, symbol);
                                break;
                        }
                    });
                }
            });
        }));
    }

    /// <summary>A model shaped like sentence-transformers/all-MiniLM-L6-v2's ONNX export.</summary>
    public static OnnxTestModel MiniLm() => new OnnxTestModel()
        .Initializer("embeddings.word_embeddings.weight", 1024)
        .Input("input_ids", Int64, "batch", "sequence")
        .Input("attention_mask", Int64, "batch", "sequence")
        .Input("token_type_ids", Int64, "batch", "sequence")
        .Output("last_hidden_state", Float, "batch", "sequence", 384L);

    /// <summary>A BERT-style sequence classifier: logits [batch, classes].</summary>
    public static OnnxTestModel TextClassifier(long classes) => new OnnxTestModel()
        .Input("input_ids", Int64, "batch", "sequence")
        .Input("attention_mask", Int64, "batch", "sequence")
        .Output("logits", Float, "batch", classes);
}
