using MicroAI.ModelRegistry.Store;

namespace MicroAI.Engines.Quantization;

/// <summary>
/// Makes a smaller registry model from a GGUF model: quantized by the engine into the registry's
/// partial/ area, then imported as a new model whose manifest names its parent (lineage). Safe to
/// call from any thread; quantizations run one at a time (each already uses every core given to it).
/// Nothing is left in the registry by a refused, failed or cancelled call.
/// </summary>
public interface IModelQuantizer
{
    /// <summary>The types this engine can produce, in the order a user would read them.</summary>
    IReadOnlyList<QuantizationType> Types { get; }

    /// <summary>
    /// Refusals (unknown type, not GGUF, not smaller, no disk space) come back as an Invalid or
    /// Failed result before any work; cancellation throws <see cref="OperationCanceledException"/>
    /// once the partial file is gone.
    /// </summary>
    Task<StoreResult> QuantizeAsync(QuantizeRequest request, IProgress<QuantizeProgress>? progress, CancellationToken cancellationToken);
}

/// <param name="Model">A catalog id: a registry name, or a GGUF in the models directory.</param>
/// <param name="Type">A <see cref="QuantizationType.Name"/>, case-insensitive ("q4_k_m").</param>
/// <param name="Name">The new model's registry name; default "&lt;source&gt;-&lt;type&gt;".</param>
public sealed record QuantizeRequest(string Model, string Type, string? Name = null, QuantizeOptions? Options = null);

/// <param name="Threads">Quantization threads; null or 0: every core.</param>
/// <param name="AllowRequantize">Quantize an already quantized model, or to a type no smaller than the source's (quality loss compounds).</param>
/// <param name="LeaveOutputTensor">Keep output.weight as it is in the source (llama.cpp's --leave-output-tensor): larger, usually better.</param>
/// <param name="Pure">Every tensor to the type's own ggml type, without the K-quant mixes' higher-precision layers (llama.cpp's --pure).</param>
public sealed record QuantizeOptions(int? Threads = null, bool AllowRequantize = false, bool LeaveOutputTensor = false, bool Pure = false);

/// <param name="Status">"checking", "quantizing", "importing".</param>
/// <param name="Completed">Tensors written so far (quantizing), else 0.</param>
/// <param name="Total">Tensors in the model, when known.</param>
public readonly record struct QuantizeProgress(string Status, int Completed, int? Total);

/// <summary>
/// A llama_ftype as a user names it. <see cref="BitsPerWeight"/> is that of the type's main ggml
/// block (Q4_K: 144 bytes per 256 weights = 4.5); the mixes (…_M, …_L) keep some tensors at a
/// higher type, so their files come out slightly larger. A row of a tensor must be a multiple of
/// <see cref="BlockSize"/> weights or llama.cpp falls back to another type for that tensor.
/// </summary>
public sealed record QuantizationType(string Name, int FileType, double BitsPerWeight, int BlockSize, string Description, bool NeedsImportanceMatrix = false);
