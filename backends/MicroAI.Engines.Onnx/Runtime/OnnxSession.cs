using System.Buffers;
using MicroAI.Engines.Onnx.Native;

namespace MicroAI.Engines.Onnx;

/// <summary>
/// A loaded model, opened with <see cref="OnnxRuntimeEnvironment.OpenSession"/>. <see cref="Run"/> is
/// thread-safe: ONNX Runtime allows concurrent runs on one session, and each call here keeps its own
/// tensors and run options. Dispose releases the native session once no run is using it any more.
/// </summary>
public sealed class OnnxSession : IDisposable
{
    private readonly SafeOrtSessionHandle _handle;
    private readonly string[] _defaultOutputNames;

    internal OnnxSession(SafeOrtSessionHandle handle, string modelPath, string executionProvider, IReadOnlyList<OnnxProviderReport> providerReports)
    {
        _handle = handle;
        ModelPath = modelPath;
        ExecutionProvider = executionProvider;
        ProviderReports = providerReports;
        Inputs = ReadInfos(handle, input: true);
        Outputs = ReadInfos(handle, input: false);
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
        var values = new SafeOrtValueHandle?[inputs.Count];
        var pins = new MemoryHandle[inputs.Count];
        var outputs = new nint[names.Count];
        try
        {
            var rawInputs = new nint[inputs.Count];
            for (var i = 0; i < inputs.Count; i++)
            {
                var input = inputs[i] ?? throw new ArgumentException($"Input {i} is null.", nameof(inputs));
                values[i] = input.CreateValue(out pins[i]);
                rawInputs[i] = values[i]!.DangerousGetHandle();
            }
            using var inputNames = new NativeUtf8Strings([.. inputs.Select(static i => i.Name)]);
            using var outputNameText = new NativeUtf8Strings(names);
            using var runOptions = OrtNative.CreateRunOptions();
            RunCancellable(runOptions, inputNames, rawInputs, outputNameText, outputs, cancellationToken);

            var results = new OnnxOutput[names.Count];
            for (var i = 0; i < names.Count; i++)
                results[i] = OnnxOutputReader.Read(names[i], outputs[i]);
            return new OnnxOutputs(results);
        }
        finally
        {
            foreach (var output in outputs)
                if (output != 0)
                    OrtNative.ReleaseValue(output);
            // Values first: a tensor over managed memory must be gone before that memory is unpinned.
            foreach (var value in values)
                value?.Dispose();
            foreach (var pin in pins)
                pin.Dispose();
            if (addedRef)
                _handle.DangerousRelease();
        }
    }

    private unsafe void RunCancellable(SafeOrtRunOptionsHandle runOptions, NativeUtf8Strings inputNames, nint[] inputs,
        NativeUtf8Strings outputNames, nint[] outputs, CancellationToken cancellationToken)
    {
        // An already cancelled token sets the flag at once (Register runs the callback synchronously),
        // so ONNX Runtime returns before the first node. Disposing the registration waits for a running
        // callback, so the run options outlive every use by it.
        using var registration = cancellationToken.Register(static state => Terminate((SafeOrtRunOptionsHandle)state!), runOptions);
        try
        {
            fixed (nint* inputPtr = inputs)
            fixed (nint* outputPtr = outputs)
                OrtNative.Run(_handle, runOptions, inputNames, inputPtr, outputNames, outputPtr);
        }
        catch (OnnxRuntimeException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The ONNX run was cancelled.", ex, cancellationToken);
        }
    }

    private static void Terminate(SafeOrtRunOptionsHandle runOptions)
    {
        try
        {
            OrtNative.RunOptionsSetTerminate(runOptions);
        }
        catch (OnnxRuntimeException)
        {
            // Only fails for invalid options; the run then simply completes.
        }
    }

    public void Dispose() => _handle.Dispose();

    private static OnnxTensorInfo[] ReadInfos(SafeOrtSessionHandle handle, bool input)
    {
        var infos = new OnnxTensorInfo[OrtNative.SessionGetCount(handle, input)];
        for (var i = 0; i < infos.Length; i++)
            infos[i] = OrtNative.SessionGetInfo(handle, i, input);
        return infos;
    }

    public override string ToString() => $"{Path.GetFileName(ModelPath)} on {ExecutionProvider}";
}
