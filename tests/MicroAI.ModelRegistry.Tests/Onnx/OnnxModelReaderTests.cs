using MicroAI.ModelRegistry.Onnx;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Onnx;

public sealed class OnnxModelReaderTests : IDisposable
{
    private readonly TempModelsDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    internal static string Mnist => Path.Combine(TestPaths.SharedModels, "onnx", "mnist", "mnist.onnx");

    internal static string SqueezeNet => Path.Combine(TestPaths.SharedModels, "onnx", "squeezenet1.0-fp16-imagenet", "SqueezeNet_fp16.onnx");

    internal static string Magika => Path.Combine(TestPaths.SharedModels, "onnx", "magika-standard_v3_3", "model.onnx");

    private static OnnxModelInfo ReadOk(string path)
    {
        var result = OnnxModelReader.Read(path);
        Assert.True(result.Success, result.Error);
        return result.Model;
    }

    private static void AssertSpec(OnnxTensorSpec spec, string name, string elementType, params string[] dims)
    {
        Assert.Equal(name, spec.Name);
        Assert.Equal(elementType, spec.ElementType);
        Assert.True(spec.ShapeKnown);
        Assert.Equal(dims, spec.Dims.Select(d => d.ToString()));
    }

    [Fact]
    public void Mnist_inputs_outputs_and_metadata()
    {
        var m = ReadOk(Mnist);

        Assert.Equal(3, m.IrVersion);
        Assert.Equal("CNTK", m.ProducerName);
        Assert.Equal(7, m.Opsets["ai.onnx"]);
        // IR 3 lists every initializer as a graph input too; only the image is a real input.
        Assert.True(m.InitializerCount > 0);
        AssertSpec(Assert.Single(m.Inputs), "Input3", "float32", "1", "1", "28", "28");
        AssertSpec(Assert.Single(m.Outputs), "Plus214_Output_0", "float32", "1", "10");
        Assert.Equal("Gray8", m.Metadata["Image.BitmapPixelFormat"]);
    }

    [Fact]
    public void SqueezeNet_is_float16()
    {
        var m = ReadOk(SqueezeNet);

        AssertSpec(Assert.Single(m.Inputs), "data_0", "float16", "1", "3", "224", "224");
        AssertSpec(Assert.Single(m.Outputs), "softmaxout_1", "float16", "1", "1000", "1", "1");
        Assert.Equal(52, m.InitializerCount);
    }

    [Fact]
    public void Magika_has_a_symbolic_batch_and_two_opsets()
    {
        var m = ReadOk(Magika);

        var input = Assert.Single(m.Inputs);
        Assert.Equal("bytes", input.Name);
        Assert.Equal("int32", input.ElementType);
        Assert.False(input.Dims[0].IsFixed);
        Assert.NotNull(input.Dims[0].Symbol);
        Assert.Equal(2048, input.Dims[1].Value);
        var output = Assert.Single(m.Outputs);
        Assert.Equal("target_label", output.Name);
        Assert.Equal("float32", output.ElementType);
        Assert.Equal(214, output.Dims[1].Value);
        Assert.Equal(15, m.Opsets["ai.onnx"]);
        Assert.Equal(2, m.Opsets["ai.onnx.ml"]);
        Assert.Equal("tf2onnx", m.ProducerName);
    }

    [Theory]
    [InlineData("mnist")]
    [InlineData("squeezenet")]
    [InlineData("magika")]
    public void Path_span_and_streams_give_the_same_answer(string which)
    {
        var path = which switch { "mnist" => Mnist, "squeezenet" => SqueezeNet, _ => Magika };
        var bytes = File.ReadAllBytes(path);
        var expected = Describe(ReadOk(path));

        Assert.Equal(expected, Describe(OnnxModelReader.Read(bytes).Model!));
        using var seekable = new TestStream(new MemoryStream(bytes), seekable: true);
        Assert.Equal(expected, Describe(OnnxModelReader.Read(seekable).Model!));
        using var forwardOnly = new TestStream(new MemoryStream(bytes), seekable: false);
        Assert.Equal(expected, Describe(OnnxModelReader.Read(forwardOnly).Model!));
    }

    [Fact]
    public void A_stream_is_read_from_its_current_position()
    {
        var model = OnnxTestModel.MiniLm().Build();
        using var stream = new MemoryStream();
        stream.Write(new byte[] { 0xFF, 0xFF, 0xFF });
        stream.Write(model);
        stream.Position = 3;

        var result = OnnxModelReader.Read(stream);

        Assert.True(result.Success, result.Error);
        Assert.Equal(3, result.Model.Inputs.Count);
    }

    [Fact]
    public void Written_model_reports_every_field()
    {
        var bytes = new OnnxTestModel { IrVersion = 9, ProducerName = "pytorch" }
            .Opset("", 17).Opset("com.microsoft", 1)
            .Metadata("author", "tests").Metadata("license", "MIT")
            .Initializer("weight")
            .Input("weight", OnnxTestModel.Float, 4L) // an initializer listed as input (old exporters)
            .Input("ids", OnnxTestModel.Int64, "batch", null, 7L)
            .InputWithoutShape("unshaped", OnnxTestModel.Float16)
            .Input("scalar", OnnxTestModel.Int32)
            .Output("out", OnnxTestModel.UInt8, "batch", 10L)
            .Build();

        var result = OnnxModelReader.Read(bytes);

        Assert.True(result.Success, result.Error);
        var m = result.Model;
        Assert.Equal(9, m.IrVersion);
        Assert.Equal("pytorch", m.ProducerName);
        Assert.Equal("test-graph", m.GraphName);
        Assert.Equal(new Dictionary<string, long> { ["ai.onnx"] = 17, ["com.microsoft"] = 1 }, m.Opsets);
        Assert.Equal(new Dictionary<string, string> { ["author"] = "tests", ["license"] = "MIT" }, m.Metadata);
        Assert.Equal(["ids", "unshaped", "scalar"], m.Inputs.Select(i => i.Name));
        Assert.Equal([OnnxDim.Named("batch"), OnnxDim.Unknown, OnnxDim.Fixed(7)], m.Inputs[0].Dims);
        Assert.Equal("?", m.Inputs[0].Dims[1].ToString());
        Assert.False(m.Inputs[1].ShapeKnown);
        Assert.Equal("float16", m.Inputs[1].ElementType);
        Assert.True(m.Inputs[2].ShapeKnown);
        Assert.Empty(m.Inputs[2].Dims);
        AssertSpec(Assert.Single(m.Outputs), "out", "uint8", "batch", "10");
        Assert.Equal(1, m.InitializerCount);
    }

    [Fact]
    public void Initializers_after_inputs_and_sparse_initializers_are_still_excluded()
    {
        var bytes = new OnnxTestModel()
            .Input("x", OnnxTestModel.Float, 1L, 4L)
            .Input("w", OnnxTestModel.Float, 4L)
            .Input("sparse_w", OnnxTestModel.Float, 4L)
            .Output("y", OnnxTestModel.Float, 1L)
            .Initializer("w")
            .GraphField(g => g.Message(15, s => s.Message(1, v => v.String(8, "sparse_w")).Message(2, i => i.String(8, "idx"))))
            .Build();

        var m = OnnxModelReader.Read(bytes).Model!;

        Assert.Equal("x", Assert.Single(m.Inputs).Name);
        Assert.Equal(2, m.InitializerCount);
    }

    [Fact]
    public void Unknown_fields_everywhere_are_skipped()
    {
        static void Noise(ProtobufTestWriter w) => w
            .Varint(900, 5UL).Fixed32(901, 1).Fixed64(902, 2).String(903, "noise")
            .Tag(904, 3).Varint(1, 1UL).Tag(904, 4);

        var bytes = new ProtobufTestWriter()
            .Varint(1, 7L)
            .Message(7, g =>
            {
                Noise(g);
                g.Message(11, v =>
                {
                    Noise(v);
                    v.String(1, "x");
                    v.Message(2, t =>
                    {
                        Noise(t);
                        t.Message(1, tt =>
                        {
                            Noise(tt);
                            tt.Varint(1, 1L);
                            tt.Message(2, s =>
                            {
                                Noise(s);
                                s.Message(1, d => { Noise(d); d.Varint(1, 3L); d.String(3, "denotation"); });
                            });
                        });
                    });
                });
            })
            .Varint(1000, 1UL)
            .ToArray();

        var result = OnnxModelReader.Read(bytes);

        Assert.True(result.Success, result.Error);
        AssertSpec(Assert.Single(result.Model.Inputs), "x", "float32", "3");
    }

    [Fact]
    public void Non_tensor_types_are_named()
    {
        var bytes = new ProtobufTestWriter()
            .Message(7, g => g
                .Message(12, v => v.String(1, "labels").Message(2, t => t.Message(4, s => s.Message(1, e => e.Message(5, m => m.Varint(1, 7L))))))
                .Message(12, v => v.String(1, "probabilities").Message(2, t => t.Message(5, m => m.Varint(1, 7L)))))
            .ToArray();

        var m = OnnxModelReader.Read(bytes).Model!;

        Assert.Equal(["sequence", "map"], m.Outputs.Select(o => o.ElementType));
        Assert.All(m.Outputs, o => Assert.False(o.ShapeKnown));
    }

    [Fact]
    public void A_large_model_file_is_walked_without_reading_its_weights()
    {
        var path = Path.Combine(_dir.Path, "big.onnx");
        var model = new OnnxTestModel()
            .Initializer("w1", rawDataBytes: 24_000_000)
            .Initializer("w2", rawDataBytes: 24_000_000)
            .Input("input_ids", OnnxTestModel.Int64, "batch", "sequence")
            .Output("last_hidden_state", OnnxTestModel.Float, "batch", "sequence", 384L);
        model.WriteTo(path);
        ReadOk(path); // warm up (JIT)

        var before = GC.GetAllocatedBytesForCurrentThread();
        var m = ReadOk(path);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("input_ids", Assert.Single(m.Inputs).Name);
        Assert.True(allocated < 256 * 1024, $"allocated {allocated} bytes reading a 48 MB model");

        using var counted = new TestStream(File.OpenRead(path), seekable: true);
        Assert.True(OnnxModelReader.Read(counted).Success);
        Assert.True(counted.BytesRead < 256 * 1024, $"read {counted.BytesRead} bytes of a 48 MB model");
    }

    [Fact]
    public void External_data_locations_are_reported()
    {
        var bytes = new OnnxTestModel()
            .Initializer("a", externalLocation: "model.onnx_data")
            .Initializer("b", externalLocation: "model.onnx_data")
            .Initializer("c", externalLocation: "weights/extra.bin")
            .Input("x", OnnxTestModel.Float, 1L)
            .Output("y", OnnxTestModel.Float, 1L)
            .Build();

        var m = OnnxModelReader.Read(bytes).Model!;

        Assert.Equal(["model.onnx_data", "weights/extra.bin"], m.ExternalDataFiles);
    }

    [Fact]
    public void Empty_input_is_an_error() =>
        Assert.Contains("empty", OnnxModelReader.Read(ReadOnlySpan<byte>.Empty).Error);

    [Fact]
    public void Protobuf_without_a_graph_is_an_error()
    {
        var result = OnnxModelReader.Read(new ProtobufTestWriter().Varint(1, 8L).String(2, "x").ToArray());

        Assert.False(result.Success);
        Assert.Contains("no graph", result.Error);
    }

    [Fact]
    public void Other_files_are_errors()
    {
        Assert.False(OnnxModelReader.Read(File.ReadAllBytes(Path.Combine(TestPaths.SharedModels, "onnx", "mnist", "mnist_28.png"))).Success);
        Assert.False(OnnxModelReader.Read("{\"json\": true}"u8).Success);
        Assert.False(OnnxModelReader.Read(Path.Combine(TestPaths.SharedModels, "onnx", "magika-standard_v3_3", "config.min.json")).Success);
    }

    [Fact]
    public void Io_problems_are_errors()
    {
        var missing = Path.Combine(_dir.Path, "missing.onnx");
        var result = OnnxModelReader.Read(missing);
        Assert.False(result.Success);
        Assert.Contains(missing, result.Error);

        Assert.False(OnnxModelReader.Read(_dir.Path).Success); // a folder
        Assert.False(OnnxModelReader.Read("").Success);
    }

    internal static string Describe(OnnxModelInfo m) =>
        $"ir={m.IrVersion} producer={m.ProducerName} opsets={string.Join(",", m.Opsets.OrderBy(o => o.Key).Select(o => $"{o.Key}:{o.Value}"))} " +
        $"in={string.Join(";", m.Inputs)} out={string.Join(";", m.Outputs)} meta={string.Join(",", m.Metadata.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}"))} inits={m.InitializerCount}";
}
