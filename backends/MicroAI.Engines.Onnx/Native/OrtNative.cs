using System.Runtime.InteropServices;

namespace MicroAI.Engines.Onnx.Native;

/// <summary>
/// Our binding of the ONNX Runtime C API. The library exports one function, <c>OrtGetApiBase()</c>;
/// <c>OrtApiBase.GetApi(29)</c> returns the <c>OrtApi</c> table of function pointers, which we call
/// through <c>delegate* unmanaged[Cdecl]</c> at the positions in <see cref="OrtApiIndex"/> (Cdecl: the
/// C API's ORT_API_CALL is only different from it on 32-bit Windows, which we do not support).
/// Every non-null <c>OrtStatus*</c> becomes an <see cref="OnnxRuntimeException"/> and is released in
/// <see cref="Check"/>. Only what MicroAI uses is bound; the wrappers live in the partial files by topic.
/// </summary>
internal static unsafe partial class OrtNative
{
    /// <summary>ORT_API_VERSION of the header we bind (ONNX Runtime 1.29); 1.30 accepts it.</summary>
    public const uint ApiVersion = 29;

    private static readonly Lock s_gate = new();
    private static nint* s_api;
    private static nint s_defaultAllocator;
    private static SafeOrtMemoryInfoHandle? s_cpuMemoryInfo;

    [StructLayout(LayoutKind.Sequential)]
    private struct OrtApiBase
    {
        public delegate* unmanaged[Cdecl]<uint, nint*> GetApi;
        public delegate* unmanaged[Cdecl]<byte*> GetVersionString;
    }

    [LibraryImport(OrtLibraryResolver.LibraryName)]
    private static partial OrtApiBase* OrtGetApiBase();

    /// <summary>The runtime's version string, e.g. "1.30.0"; empty before <see cref="Initialize"/>.</summary>
    public static string Version { get; private set; } = string.Empty;

    /// <summary>
    /// Loads the library (from <paramref name="nativeDirectory"/> or the application folder) and fetches
    /// the API table. Idempotent; the first successful call fixes the library for the process.
    /// </summary>
    public static void Initialize(string? nativeDirectory)
    {
        lock (s_gate)
        {
            if (s_api != null)
                return;
            OrtLibraryResolver.Install(nativeDirectory);
            var apiBase = OrtGetApiBase();
            if (apiBase == null)
                throw new InvalidOperationException("OrtGetApiBase() returned null.");
            var version = Marshal.PtrToStringUTF8((nint)apiBase->GetVersionString()) ?? string.Empty;
            var api = apiBase->GetApi(ApiVersion);
            if (api == null)
                throw new NotSupportedException(
                    $"The ONNX Runtime library {version} in '{OrtLibraryResolver.NativeDirectory}' does not offer C API version {ApiVersion}. " +
                    "MicroAI needs ONNX Runtime 1.29 or later (it is built and tested with 1.30.0).");
            s_api = api;
            Version = version;
            nint allocator;
            Check(((delegate* unmanaged[Cdecl]<nint*, nint>)api[OrtApiIndex.GetAllocatorWithDefaultOptions])(&allocator));
            s_defaultAllocator = allocator;
            // One immutable CPU descriptor for the whole process (as ONNX Runtime's own C# binding keeps):
            // every input tensor over managed memory refers to it, so it must outlive every session.
            s_cpuMemoryInfo = CreateCpuMemoryInfo();
        }
    }

    private static nint* Api => s_api != null
        ? s_api
        : throw new InvalidOperationException("ONNX Runtime is not initialised: create an OnnxRuntimeEnvironment first.");

    /// <summary>ONNX Runtime's default CPU allocator (static in the library, never released).</summary>
    public static nint DefaultAllocator => s_api != null ? s_defaultAllocator : throw new InvalidOperationException("ONNX Runtime is not initialised.");

    /// <summary>Describes plain CPU memory, for tensors over pinned managed arrays.</summary>
    public static SafeOrtMemoryInfoHandle CpuMemoryInfo => s_cpuMemoryInfo ?? throw new InvalidOperationException("ONNX Runtime is not initialised.");

    /// <summary>Throws <see cref="OnnxRuntimeException"/> with ONNX Runtime's code and message when <paramref name="status"/> is not null, releasing it.</summary>
    public static void Check(nint status)
    {
        if (status != 0)
            throw ToException(status);
    }

    private static OnnxRuntimeException ToException(nint status)
    {
        try
        {
            var code = ((delegate* unmanaged[Cdecl]<nint, int>)Api[OrtApiIndex.GetErrorCode])(status);
            var text = ((delegate* unmanaged[Cdecl]<nint, byte*>)Api[OrtApiIndex.GetErrorMessage])(status);
            // ONNX Runtime's messages sometimes end in a newline; an exception message should not.
            var message = Marshal.PtrToStringUTF8((nint)text)?.TrimEnd();
            return new OnnxRuntimeException((OnnxErrorCode)code,
                string.IsNullOrEmpty(message) ? "ONNX Runtime reported an error without a message." : message);
        }
        finally
        {
            ((delegate* unmanaged[Cdecl]<nint, void>)Api[OrtApiIndex.ReleaseStatus])(status);
        }
    }

    /// <summary>Calls one of the table's <c>Release*</c> functions (all are <c>void(Ort*)</c>).</summary>
    public static void Release(int releaseIndex, nint handle) =>
        ((delegate* unmanaged[Cdecl]<nint, void>)Api[releaseIndex])(handle);

    /// <summary>OrtApi::CreateStatus; for tests of the error path.</summary>
    public static nint CreateStatus(OnnxErrorCode code, string message)
    {
        using var text = new NativeUtf8Strings([message]);
        return ((delegate* unmanaged[Cdecl]<int, byte*, nint>)Api[OrtApiIndex.CreateStatus])((int)code, text[0]);
    }

    /// <summary>OrtApi::GetBuildInfoString, e.g. "ORT Build Info: git-branch=..., build type=Release".</summary>
    public static string GetBuildInfoString() =>
        Marshal.PtrToStringUTF8((nint)((delegate* unmanaged[Cdecl]<byte*>)Api[OrtApiIndex.GetBuildInfoString])()) ?? string.Empty;

    /// <summary>OrtApi::GetAvailableProviders: the execution providers compiled into this build, e.g. CPUExecutionProvider.</summary>
    public static string[] GetAvailableProviders()
    {
        byte** list;
        int count;
        Check(((delegate* unmanaged[Cdecl]<byte***, int*, nint>)Api[OrtApiIndex.GetAvailableProviders])(&list, &count));
        try
        {
            var names = new string[count];
            for (var i = 0; i < count; i++)
                names[i] = Marshal.PtrToStringUTF8((nint)list[i]) ?? string.Empty;
            return names;
        }
        finally
        {
            Check(((delegate* unmanaged[Cdecl]<byte**, int, nint>)Api[OrtApiIndex.ReleaseAvailableProviders])(list, count));
        }
    }

    /// <summary>Frees memory ONNX Runtime allocated with <paramref name="allocator"/> for us (e.g. input names).</summary>
    public static void AllocatorFree(nint allocator, void* p) =>
        Check(((delegate* unmanaged[Cdecl]<nint, void*, nint>)Api[OrtApiIndex.AllocatorFree])(allocator, p));

    /// <summary>Reads a NUL-terminated UTF-8 string the default allocator handed us, then frees it.</summary>
    private static string TakeAllocatorString(byte* text)
    {
        try
        {
            return Marshal.PtrToStringUTF8((nint)text) ?? string.Empty;
        }
        finally
        {
            if (text != null)
                AllocatorFree(DefaultAllocator, text);
        }
    }
}
