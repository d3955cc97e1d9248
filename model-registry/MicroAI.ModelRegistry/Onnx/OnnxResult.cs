using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace MicroAI.ModelRegistry.Onnx;

/// <summary>Either a <see cref="Model"/> or, for unreadable, corrupt or hostile input, an <see cref="Error"/>; never both.</summary>
public abstract record OnnxResult<TModel> where TModel : class
{
    private protected OnnxResult(TModel? model, string? error)
    {
        Model = model;
        Error = error;
    }

    public TModel? Model { get; }

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
}
