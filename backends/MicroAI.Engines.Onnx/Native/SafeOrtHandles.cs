using System.Runtime.InteropServices;

namespace MicroAI.Engines.Onnx.Native;

/// <summary>
/// Owns one ONNX Runtime object; released with the table's matching <c>Release*</c> function (all have
/// the signature <c>void(Ort*)</c>, so the index is the only difference between the kinds). The typed
/// subclasses keep an OrtSession* from being passed where an OrtValue* is expected.
/// </summary>
internal abstract class SafeOrtHandle : SafeHandle
{
    private readonly int _releaseIndex;

    protected SafeOrtHandle(int releaseIndex) : base(0, ownsHandle: true) => _releaseIndex = releaseIndex;

    public override bool IsInvalid => handle == 0;

    /// <summary>Wraps a pointer ONNX Runtime just returned; null pointers give an invalid (never released) handle.</summary>
    public static T Own<T>(nint pointer) where T : SafeOrtHandle, new()
    {
        var owned = new T();
        owned.SetHandle(pointer);
        return owned;
    }

    protected override bool ReleaseHandle()
    {
        OrtNative.Release(_releaseIndex, handle);
        return true;
    }
}

/// <summary>OrtEnv*, released with ReleaseEnv (ONNX Runtime reference-counts its one environment).</summary>
internal sealed class SafeOrtEnvHandle() : SafeOrtHandle(OrtApiIndex.ReleaseEnv);

/// <summary>OrtSessionOptions*, released with ReleaseSessionOptions once the session is created.</summary>
internal sealed class SafeOrtSessionOptionsHandle() : SafeOrtHandle(OrtApiIndex.ReleaseSessionOptions);

/// <summary>OrtValue*, released with ReleaseValue (does not free user buffers it wraps).</summary>
internal sealed class SafeOrtValueHandle() : SafeOrtHandle(OrtApiIndex.ReleaseValue);

/// <summary>OrtMemoryInfo*, released with ReleaseMemoryInfo.</summary>
internal sealed class SafeOrtMemoryInfoHandle() : SafeOrtHandle(OrtApiIndex.ReleaseMemoryInfo);

/// <summary>OrtRunOptions*, released with ReleaseRunOptions.</summary>
internal sealed class SafeOrtRunOptionsHandle() : SafeOrtHandle(OrtApiIndex.ReleaseRunOptions);

/// <summary>OrtTypeInfo*, released with ReleaseTypeInfo (the tensor info cast from it is owned by it).</summary>
internal sealed class SafeOrtTypeInfoHandle() : SafeOrtHandle(OrtApiIndex.ReleaseTypeInfo);

/// <summary>OrtTensorTypeAndShapeInfo* returned by GetTensorTypeAndShape, released with ReleaseTensorTypeAndShapeInfo.</summary>
internal sealed class SafeOrtTensorTypeAndShapeInfoHandle() : SafeOrtHandle(OrtApiIndex.ReleaseTensorTypeAndShapeInfo);

/// <summary>OrtCUDAProviderOptionsV2*, released with ReleaseCUDAProviderOptions after it is appended.</summary>
internal sealed class SafeOrtCudaProviderOptionsHandle() : SafeOrtHandle(OrtApiIndex.ReleaseCUDAProviderOptions);

/// <summary>
/// OrtSession*, released with ReleaseSession. It holds a reference on the environment it was created in,
/// so the OrtEnv (logging, thread pools) is released only after its last session.
/// </summary>
internal sealed class SafeOrtSessionHandle : SafeOrtHandle
{
    private SafeOrtEnvHandle? _env;

    public SafeOrtSessionHandle() : base(OrtApiIndex.ReleaseSession) { }

    /// <summary>Takes a reference on <paramref name="env"/> until this session is released.</summary>
    public void KeepAlive(SafeOrtEnvHandle env)
    {
        var added = false;
        env.DangerousAddRef(ref added);
        if (added)
            _env = env;
    }

    protected override bool ReleaseHandle()
    {
        base.ReleaseHandle();
        _env?.DangerousRelease();
        return true;
    }
}
