namespace MicroAI.Engines.Onnx.Native;

internal static unsafe partial class OrtNative
{
    /// <summary>
    /// OrtApi::CreateEnvWithCustomLogger: the process's environment, logging through <see cref="OrtLogBridge"/>
    /// at <paramref name="level"/> and above. A later call while one lives returns the same environment
    /// with another reference (its arguments are then ignored by ONNX Runtime).
    /// </summary>
    public static SafeOrtEnvHandle CreateEnv(OrtLoggingLevel level, string logId)
    {
        using var id = new NativeUtf8Strings([logId]);
        nint env;
        Check(((delegate* unmanaged[Cdecl]<delegate* unmanaged[Cdecl]<void*, int, byte*, byte*, byte*, byte*, void>, void*, int, byte*, nint*, nint>)
            Api[OrtApiIndex.CreateEnvWithCustomLogger])(OrtLogBridge.Callback, null, (int)level, id[0], &env));
        return SafeOrtHandle.Own<SafeOrtEnvHandle>(env);
    }

    /// <summary>OrtApi::CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault): the usual descriptor of CPU buffers.</summary>
    private static SafeOrtMemoryInfoHandle CreateCpuMemoryInfo()
    {
        nint info;
        Check(((delegate* unmanaged[Cdecl]<int, int, nint*, nint>)Api[OrtApiIndex.CreateCpuMemoryInfo])(
            (int)OrtAllocatorType.Arena, (int)OrtMemType.Default, &info));
        return SafeOrtHandle.Own<SafeOrtMemoryInfoHandle>(info);
    }
}
