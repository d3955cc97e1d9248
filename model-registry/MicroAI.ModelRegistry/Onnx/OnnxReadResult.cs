namespace MicroAI.ModelRegistry.Onnx;

/// <summary>What <see cref="OnnxModelReader"/> read from a model file, or why it could not.</summary>
public sealed record OnnxReadResult : OnnxResult<OnnxModelInfo>
{
    private OnnxReadResult(OnnxModelInfo? model, string? error) : base(model, error) { }

    public static OnnxReadResult Ok(OnnxModelInfo model) => new(model ?? throw new ArgumentNullException(nameof(model)), null);

    public static OnnxReadResult Fail(string error) => new(null, error ?? throw new ArgumentNullException(nameof(error)));
}
