namespace MicroAI.ModelRegistry.Onnx;

/// <summary>
/// One dimension of a tensor shape: a fixed size (<see cref="Value"/>), a symbolic name such as
/// "batch" or "sequence" (<see cref="Symbol"/>), or neither when the model leaves it unknown.
/// </summary>
public readonly record struct OnnxDim(long? Value, string? Symbol)
{
    public static OnnxDim Fixed(long value) => new(value, null);

    public static OnnxDim Named(string symbol) => new(null, symbol);

    public static OnnxDim Unknown => default;

    public bool IsFixed => Value.HasValue;

    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol ?? "?";
}
