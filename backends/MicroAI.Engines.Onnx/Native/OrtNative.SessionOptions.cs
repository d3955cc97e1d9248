using System.Globalization;
using System.Runtime.InteropServices;

namespace MicroAI.Engines.Onnx.Native;

internal static unsafe partial class OrtNative
{
    /// <summary>Name of the DirectML append function exported by onnxruntime.dll (dml_provider_factory.h), not part of the OrtApi table.</summary>
    public const string DmlAppendExport = "OrtSessionOptionsAppendExecutionProvider_DML";

    public static SafeOrtSessionOptionsHandle CreateSessionOptions()
    {
        nint options;
        Check(((delegate* unmanaged[Cdecl]<nint*, nint>)Api[OrtApiIndex.CreateSessionOptions])(&options));
        return SafeOrtHandle.Own<SafeOrtSessionOptionsHandle>(options);
    }

    public static void SetGraphOptimizationLevel(SafeOrtSessionOptionsHandle options, OrtGraphOptimizationLevel level) =>
        Check(((delegate* unmanaged[Cdecl]<nint, int, nint>)Api[OrtApiIndex.SetSessionGraphOptimizationLevel])(options.DangerousGetHandle(), (int)level));

    public static void SetIntraOpNumThreads(SafeOrtSessionOptionsHandle options, int threads) =>
        Check(((delegate* unmanaged[Cdecl]<nint, int, nint>)Api[OrtApiIndex.SetIntraOpNumThreads])(options.DangerousGetHandle(), threads));

    public static void SetInterOpNumThreads(SafeOrtSessionOptionsHandle options, int threads) =>
        Check(((delegate* unmanaged[Cdecl]<nint, int, nint>)Api[OrtApiIndex.SetInterOpNumThreads])(options.DangerousGetHandle(), threads));

    public static void DisableMemPattern(SafeOrtSessionOptionsHandle options) =>
        Check(((delegate* unmanaged[Cdecl]<nint, nint>)Api[OrtApiIndex.DisableMemPattern])(options.DangerousGetHandle()));

    public static void SetExecutionMode(SafeOrtSessionOptionsHandle options, OrtExecutionMode mode) =>
        Check(((delegate* unmanaged[Cdecl]<nint, int, nint>)Api[OrtApiIndex.SetSessionExecutionMode])(options.DangerousGetHandle(), (int)mode));

    /// <summary>
    /// The documented V2 path for CUDA: CreateCUDAProviderOptions → UpdateCUDAProviderOptions(device_id) →
    /// SessionOptionsAppendExecutionProvider_CUDA_V2 → ReleaseCUDAProviderOptions (the session options keep a copy).
    /// </summary>
    public static void AppendCuda(SafeOrtSessionOptionsHandle options, int deviceId)
    {
        nint raw;
        Check(((delegate* unmanaged[Cdecl]<nint*, nint>)Api[OrtApiIndex.CreateCUDAProviderOptions])(&raw));
        using var cuda = SafeOrtHandle.Own<SafeOrtCudaProviderOptionsHandle>(raw);
        using var keys = new NativeUtf8Strings(["device_id"]);
        using var values = new NativeUtf8Strings([deviceId.ToString(CultureInfo.InvariantCulture)]);
        Check(((delegate* unmanaged[Cdecl]<nint, byte**, byte**, nuint, nint>)Api[OrtApiIndex.UpdateCUDAProviderOptions])(
            raw, keys.Pointers, values.Pointers, (nuint)keys.Count));
        Check(((delegate* unmanaged[Cdecl]<nint, nint, nint>)Api[OrtApiIndex.SessionOptionsAppendExecutionProvider_CUDA_V2])(
            options.DangerousGetHandle(), raw));
    }

    /// <summary>
    /// DirectML through the library's export <c>OrtSessionOptionsAppendExecutionProvider_DML(options, device_id)</c>.
    /// Returns false when this build does not export it. DirectML cannot run with memory patterns or parallel
    /// execution, so both are switched off first, as its documentation requires.
    /// </summary>
    public static bool TryAppendDirectML(SafeOrtSessionOptionsHandle options, int deviceId)
    {
        var library = OrtLibraryResolver.Handle;
        if (library == 0 || !NativeLibrary.TryGetExport(library, DmlAppendExport, out var export))
            return false;
        DisableMemPattern(options);
        SetExecutionMode(options, OrtExecutionMode.Sequential);
        Check(((delegate* unmanaged[Cdecl]<nint, int, nint>)export)(options.DangerousGetHandle(), deviceId));
        return true;
    }

    /// <summary>OrtApi::SessionOptionsAppendExecutionProvider, the generic path (CoreML, XNNPACK, QNN, ...).</summary>
    public static void AppendExecutionProvider(SafeOrtSessionOptionsHandle options, string providerName, IReadOnlyList<KeyValuePair<string, string>> providerOptions)
    {
        using var name = new NativeUtf8Strings([providerName]);
        using var keys = new NativeUtf8Strings([.. providerOptions.Select(static p => p.Key)]);
        using var values = new NativeUtf8Strings([.. providerOptions.Select(static p => p.Value)]);
        Check(((delegate* unmanaged[Cdecl]<nint, byte*, byte**, byte**, nuint, nint>)Api[OrtApiIndex.SessionOptionsAppendExecutionProvider])(
            options.DangerousGetHandle(), name[0], keys.Pointers, values.Pointers, (nuint)keys.Count));
    }
}
