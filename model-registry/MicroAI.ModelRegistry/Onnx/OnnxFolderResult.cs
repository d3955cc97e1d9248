namespace MicroAI.ModelRegistry.Onnx;

/// <summary>The model <see cref="OnnxModelFolder"/> found, or why there is none.</summary>
public sealed record OnnxFolderResult : OnnxResult<OnnxModelDescription>
{
    private OnnxFolderResult(OnnxModelDescription? model, string? error) : base(model, error) { }

    public static OnnxFolderResult Ok(OnnxModelDescription model) => new(model ?? throw new ArgumentNullException(nameof(model)), null);

    public static OnnxFolderResult Fail(string error) => new(null, error ?? throw new ArgumentNullException(nameof(error)));
}
