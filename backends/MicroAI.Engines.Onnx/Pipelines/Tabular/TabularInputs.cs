using MicroAI.Engines.Abstractions;
using MicroAI.ModelRegistry.Onnx;

namespace MicroAI.Engines.Onnx.Pipelines.Tabular;

/// <summary>
/// Lays feature rows out as the model's input tensors: each input takes its columns of every row,
/// as a [rows] tensor (rank-1 inputs) or a [rows, width] matrix, in the input's own element type.
/// The values were checked against the <see cref="FeatureSchema"/> by the caller (integers are whole,
/// text columns have text); this only converts.
/// </summary>
internal sealed class TabularInputs
{
    private readonly Input[] _inputs;

    private TabularInputs(Input[] inputs, FeatureSchema schema)
    {
        _inputs = inputs;
        Schema = schema;
    }

    public FeatureSchema Schema { get; }

    public static TabularInputs For(string id, OnnxSession session, IReadOnlyList<OnnxFeature> features)
    {
        if (features.Count == 0)
            throw new ModelLoadException($"'{id}': the number of feature columns is unknown (an input has an open width); add a features.json naming the columns.");
        var inputs = new List<Input>();
        var columns = new List<FeatureColumn>(features.Count);
        foreach (var group in features.Select((f, i) => (f, i)).GroupBy(x => x.f.Input))
        {
            var info = session.Inputs.FirstOrDefault(i => i.Name == group.Key)
                ?? throw new ModelLoadException($"'{id}': ONNX Runtime reports no input '{group.Key}'.");
            var type = info.ElementType switch
            {
                OnnxElementType.Float or OnnxElementType.Double => FeatureType.Number,
                OnnxElementType.Int64 or OnnxElementType.Int32 => FeatureType.Integer,
                OnnxElementType.String => FeatureType.Text,
                _ => throw new ModelLoadException($"'{id}': input '{info}' is not a number or string tensor."),
            };
            inputs.Add(new Input(info.Name, info.ElementType, info.Shape.Count, group.First().i, group.Count()));
            columns.AddRange(group.Select(x => info.ElementType == OnnxElementType.Int32
                ? new FeatureColumn(x.f.Name, type) { Minimum = int.MinValue, Maximum = int.MaxValue + 1.0 }
                : new FeatureColumn(x.f.Name, type)));
        }
        return new TabularInputs([.. inputs], new FeatureSchema(columns));
    }

    /// <summary>The input tensors for <paramref name="count"/> rows starting at <paramref name="start"/>.</summary>
    public OnnxInput[] Build(IReadOnlyList<ClassificationInput> rows, int start, int count)
    {
        var tensors = new OnnxInput[_inputs.Length];
        for (var k = 0; k < _inputs.Length; k++)
        {
            var input = _inputs[k];
            long[] shape = input.Rank == 1 ? [count] : [count, input.Width];
            var n = count * input.Width;
            switch (input.ElementType)
            {
                case OnnxElementType.Float:
                    var floats = new float[n];
                    Fill(rows, start, count, input, floats, static v => (float)v.Number);
                    tensors[k] = OnnxInput.Float(input.Name, floats, shape);
                    break;
                case OnnxElementType.Double:
                    var doubles = new double[n];
                    Fill(rows, start, count, input, doubles, static v => v.Number);
                    tensors[k] = OnnxInput.Double(input.Name, doubles, shape);
                    break;
                case OnnxElementType.Int64:
                    var longs = new long[n];
                    Fill(rows, start, count, input, longs, static v => (long)v.Number);
                    tensors[k] = OnnxInput.Int64(input.Name, longs, shape);
                    break;
                case OnnxElementType.Int32:
                    var ints = new int[n];
                    Fill(rows, start, count, input, ints, static v => (int)v.Number);
                    tensors[k] = OnnxInput.Int32(input.Name, ints, shape);
                    break;
                default:
                    var strings = new string[n];
                    Fill(rows, start, count, input, strings, static v => v.Text ?? "");
                    tensors[k] = OnnxInput.String(input.Name, strings, shape);
                    break;
            }
        }
        return tensors;
    }

    private static void Fill<T>(IReadOnlyList<ClassificationInput> rows, int start, int count, Input input, T[] into, Func<FeatureValue, T> convert)
    {
        for (var r = 0; r < count; r++)
        {
            var row = rows[start + r].Features!;
            for (var c = 0; c < input.Width; c++)
                into[r * input.Width + c] = convert(row[input.FirstColumn + c]);
        }
    }

    /// <summary>One model input: its columns are <see cref="Width"/> consecutive features from <see cref="FirstColumn"/>.</summary>
    private sealed record Input(string Name, OnnxElementType ElementType, int Rank, int FirstColumn, int Width);
}
