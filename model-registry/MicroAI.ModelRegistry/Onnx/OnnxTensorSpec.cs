namespace MicroAI.ModelRegistry.Onnx;

/// <summary>
/// A graph input or output. <see cref="ElementType"/> is "float32", "float16", "int64", "int32",
/// "bool", "string", "uint8", "double", … for tensors (see <see cref="OnnxElementTypes"/>), and
/// "sequence", "map", "optional" or "undefined" for values that are not tensors. <see cref="Dims"/>
/// is empty both for a scalar and when the model gives no shape; <see cref="ShapeKnown"/> tells which.
/// </summary>
public sealed record OnnxTensorSpec(string Name, string ElementType, IReadOnlyList<OnnxDim> Dims, bool ShapeKnown = true)
{
    public int Rank => Dims.Count;

    public override string ToString() =>
        ShapeKnown ? $"{Name}: {ElementType}[{string.Join(",", Dims)}]" : $"{Name}: {ElementType}[?]";
}
