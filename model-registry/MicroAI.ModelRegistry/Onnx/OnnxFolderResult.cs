using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace MicroAI.ModelRegistry.Onnx;

/// <summary>Either the <see cref="Model"/> found or why there is none (<see cref="Error"/>).</summary>
public sealed record OnnxFolderResult
{
    private OnnxFolderResult(OnnxModelDescription? model, string? error)
    {
        Model = model;
        Error = error;
    }

    public OnnxModelDescription? Model { get; }

    public string? Error { get; }

    [MemberNotNullWhen(true, nameof(Model))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Success
    {
        get
        {
            if (Model is not null)
                return true;
            Debug.Assert(Error is not null);
            return false;
        }
    }

    public static OnnxFolderResult Ok(OnnxModelDescription model) => new(model ?? throw new ArgumentNullException(nameof(model)), null);

    public static OnnxFolderResult Fail(string error) => new(null, error ?? throw new ArgumentNullException(nameof(error)));
}
