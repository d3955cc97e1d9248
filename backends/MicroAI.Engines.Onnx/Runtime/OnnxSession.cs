using System.Buffers;
using MicroAI.Engines.Onnx.Native;
using Microsoft.ML.OnnxRuntime;
using OrtException = Microsoft.ML.OnnxRuntime.OnnxRuntimeException;

namespace MicroAI.Engines.Onnx;

/// <summary>
/// A loaded model, opened with <see cref="OnnxRuntimeEnvironment.OpenSession"/>. <see cref="Run"/> is
/// thread-safe: ONNX Runtime allows concurrent runs on one session, and each call here keeps its own
/// tensors and run options. Dispose releases the native session once no run is using it any more.
/// </summary>
public sealed class OnnxSession : IDisposable
{
    private readonly SessionHandle _handle;
    private readonly string[] _defaultOutputNames;

    /// <summary>Takes ownership of <paramref name="session"/>.</summary>
    internal OnnxSession(InferenceSession session, string modelPath, string executionProvider, IReadOnlyList<OnnxProviderReport> providerReports)
    {
        ModelPath = modelPath;
        ExecutionProvider = executionProvider;
        ProviderReports = providerReports;
        Inputs = ReadInfos(session.InputNames, session.InputMetadata);
        Outputs = ReadInfos(session.OutputNames, session.OutputMetadata);
        _handle = new SessionHandle(session);
        _defaultOutputNames = [.. Outputs.Where(static o => o.IsTensor).Select(static o => o.Name)];
    }

    public string ModelPath { get; }

    /// <summary>The model's inputs: name, element type, shape (-1 for open dimensions) and symbolic dimension names.</summary>
    public IReadOnlyList<OnnxTensorInfo> Inputs { get; }

    public IReadOnlyList<OnnxTensorInfo> Outputs { get; }

    /// <summary>
    /// ONNX Runtime's name of the provider the session was created with, e.g. "CPUExecutionProvider" or
    /// "CUDAExecutionProvider" (nodes an accelerator cannot run still fall back to the CPU inside ONNX Runtime).
    /// </summary>
    public string ExecutionProvider { get; }

    /// <summary>Every provider considered, in order, and why any was not used.</summary>
    public IReadOnlyList<OnnxProviderReport> ProviderReports { get; }

    /// <summary>
    /// Runs the model. <paramref name="outputNames"/> null returns every tensor output in model order.
    /// Errors from ONNX Runtime (unknown input name, wrong element type or shape, a failing node) raise
    /// <see cref="OnnxRuntimeException"/> with its message. Cancellation sets the run's terminate flag,
    /// so ONNX Runtime stops at the next node, and raises <see cref="OperationCanceledException"/>.
    /// </summary>
    public OnnxOutputs Run(IReadOnlyList<OnnxInput> inputs, IReadOnlyList<string>? outputNames = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var names = outputNames ?? _defaultOutputNames;
        if (names.Count == 0)
            throw new ArgumentException("Ask for at least one output.", nameof(outputNames));

        // Holding a reference keeps Dispose on another thread from releasing the session mid-run.
        var addedRef = false;
        _handle.DangerousAddRef(ref addedRef);
        var values = new OrtValue[inputs.Count];
        var pins = new MemoryHandle[inputs.Count];
        try
        {
            var inputNames = new string[inputs.Count];
            for (var i = 0; i < inputs.Count; i++)
            {
                var input = inputs[i] ?? throw new ArgumentException($"Input {i} is null.", nameof(inputs));
                inputNames[i] = input.Name;
                values[i] = input.CreateValue(out pins[i]);
            }
            using var runOptions = new RunOptions();
            using var outputs = RunCancellable(runOptions, inputNames, values, names, cancellationToken);
            var results = new OnnxOutput[names.Count];
            var k = 0;
            foreach (var output in outputs)
            {
                results[k] = OnnxOutputReader.Read(names[k], output);
                k++;
            }
            return new OnnxOutputs(results);
        }
        finally
        {
            // Values first: a tensor over managed memory must be gone before that memory is unpinned.
            foreach (var value in values)
                value?.Dispose();
            foreach (var pin in pins)
                pin.Dispose();
            if (addedRef)
                _handle.DangerousRelease();
        }
    }

    private IDisposableReadOnlyCollection<OrtValue> RunCancellable(RunOptions runOptions, string[] inputNames, OrtValue[] inputs,
        IReadOnlyList<string> outputNames, CancellationToken cancellationToken)
    {
        // An already cancelled token sets the flag at once (Register runs the callback synchronously),
        // so ONNX Runtime returns before the first node. Disposing the registration waits for a running
        // callback, so the run options outlive every use by it.
        using var registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
        try
        {
            return _handle.Session.Run(runOptions, inputNames, inputs, outputNames as IReadOnlyCollection<string> ?? [.. outputNames]);
        }
        catch (OrtException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The ONNX run was cancelled.", OrtErrors.Translate(ex), cancellationToken);
        }
        catch (OrtException ex)
        {
            throw OrtErrors.Translate(ex);
        }
    }

    public void Dispose() => _handle.Dispose();

    private static OnnxTensorInfo[] ReadInfos(IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata)
    {
        var infos = new OnnxTensorInfo[names.Count];
        for (var i = 0; i < infos.Length; i++)
        {
            var node = metadata[names[i]];
            infos[i] = node.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR
                ? new OnnxTensorInfo(names[i], isTensor: false, OnnxElementType.Undefined, [], [])
                : new OnnxTensorInfo(names[i], isTensor: true, (OnnxElementType)node.ElementDataType,
                    Array.ConvertAll(node.Dimensions, static d => (long)d), node.SymbolicDimensions);
        }
        return infos;
    }

    public override string ToString() => $"{Path.GetFileName(ModelPath)} on {ExecutionProvider}";
}
