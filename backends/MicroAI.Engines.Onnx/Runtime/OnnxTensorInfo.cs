namespace MicroAI.Engines.Onnx;

/// <summary>An input or output of a model as the session declares it.</summary>
public sealed class OnnxTensorInfo
{
    internal OnnxTensorInfo(string name, bool isTensor, OnnxElementType elementType, long[] shape, string[] symbolicDimensions)
    {
        Name = name;
        IsTensor = isTensor;
        ElementType = elementType;
        Shape = Array.AsReadOnly(shape);
        SymbolicDimensions = Array.AsReadOnly(symbolicDimensions);
    }

    public string Name { get; }

    /// <summary>
    /// False for sequence, map and optional values (e.g. the ZipMap output of converted scikit-learn
    /// classifiers): their <see cref="ElementType"/> is Undefined and <see cref="Shape"/> empty, and
    /// <see cref="OnnxSession.Run"/> does not return them unless asked, which then fails.
    /// </summary>
    public bool IsTensor { get; }

    public OnnxElementType ElementType { get; }

    /// <summary>Dimensions; -1 where the model leaves the dimension open (symbolic or unnamed).</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Per dimension, the model's name for an open dimension (e.g. "batch_size"); empty for fixed or unnamed ones.</summary>
    public IReadOnlyList<string> SymbolicDimensions { get; }

    /// <summary>True when any dimension is open (-1).</summary>
    public bool HasDynamicDimensions => Shape.Any(static d => d < 0);

    /// <summary>E.g. "bytes: Int32[batch,2048]".</summary>
    public override string ToString()
    {
        if (!IsTensor)
            return $"{Name}: (not a tensor)";
        var dims = Shape.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : SymbolicDimensions[i].Length > 0 ? SymbolicDimensions[i] : "?");
        return $"{Name}: {ElementType}[{string.Join(',', dims)}]";
    }
}
