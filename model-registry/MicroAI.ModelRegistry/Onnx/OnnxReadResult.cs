using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace MicroAI.ModelRegistry.Onnx;

/// <summary>Either the model's <see cref="Model"/> or, for unreadable, corrupt or hostile input, an <see cref="Error"/>.</summary>
public sealed record OnnxReadResult
{
    private OnnxReadResult(OnnxModelInfo? model, string? error)
    {
        Model = model;
        Error = error;
    }

    public OnnxModelInfo? Model { get; }

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

    public static OnnxReadResult Ok(OnnxModelInfo model) => new(model ?? throw new ArgumentNullException(nameof(model)), null);

    public static OnnxReadResult Fail(string error) => new(null, error ?? throw new ArgumentNullException(nameof(error)));
}
