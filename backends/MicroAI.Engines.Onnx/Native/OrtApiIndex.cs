namespace MicroAI.Engines.Onnx.Native;

/// <summary>
/// Positions of the functions we call in the <c>OrtApi</c> table (a C struct of function pointers,
/// <c>onnxruntime_c_api.h</c>, ORT_API_VERSION 29). Each entry of the struct is exactly one pointer,
/// whatever macro declares it (ORT_API2_STATUS, ORT_CLASS_RELEASE, ORT_API_T or a plain
/// <c>T(ORT_API_CALL* Name)(...)</c>), and the struct has no conditional (#if) members, so the index is
/// the entry's ordinal in declaration order. The numbers were obtained by stripping comments from the
/// struct body, splitting it on top-level ';' and naming each entry (425 entries in version 29); a
/// sample was cross-checked against the field order of ONNX Runtime's own C# binding. The table is
/// append-only across versions, so these indices stay valid for every runtime accepting version 29.
/// </summary>
internal static class OrtApiIndex
{
    public const int CreateStatus = 0;
    public const int GetErrorCode = 1;
    public const int GetErrorMessage = 2;
    public const int CreateEnv = 3;
    public const int CreateEnvWithCustomLogger = 4;
    public const int CreateSession = 7;
    public const int Run = 9;
    public const int CreateSessionOptions = 10;
    public const int SetSessionExecutionMode = 13;
    public const int DisableMemPattern = 17;
    public const int SetSessionGraphOptimizationLevel = 23;
    public const int SetIntraOpNumThreads = 24;
    public const int SetInterOpNumThreads = 25;
    public const int SessionGetInputCount = 30;
    public const int SessionGetOutputCount = 31;
    public const int SessionGetInputTypeInfo = 33;
    public const int SessionGetOutputTypeInfo = 34;
    public const int SessionGetInputName = 36;
    public const int SessionGetOutputName = 37;
    public const int CreateRunOptions = 39;
    public const int RunOptionsSetTerminate = 46;
    public const int CreateTensorAsOrtValue = 48;
    public const int CreateTensorWithDataAsOrtValue = 49;
    public const int GetTensorMutableData = 51;
    public const int FillStringTensor = 52;
    public const int GetStringTensorDataLength = 53;
    public const int GetStringTensorContent = 54;
    public const int CastTypeInfoToTensorInfo = 55;
    public const int GetOnnxTypeFromTypeInfo = 56;
    public const int GetTensorElementType = 60;
    public const int GetDimensionsCount = 61;
    public const int GetDimensions = 62;
    public const int GetSymbolicDimensions = 63;
    public const int GetTensorTypeAndShape = 65;
    public const int GetValueType = 67;
    public const int CreateCpuMemoryInfo = 69;
    public const int AllocatorFree = 76;
    public const int GetAllocatorWithDefaultOptions = 78;
    public const int ReleaseEnv = 92;
    public const int ReleaseStatus = 93;
    public const int ReleaseMemoryInfo = 94;
    public const int ReleaseSession = 95;
    public const int ReleaseValue = 96;
    public const int ReleaseRunOptions = 97;
    public const int ReleaseTypeInfo = 98;
    public const int ReleaseTensorTypeAndShapeInfo = 99;
    public const int ReleaseSessionOptions = 100;
    public const int GetAvailableProviders = 125;
    public const int ReleaseAvailableProviders = 126;
    public const int SessionOptionsAppendExecutionProvider_CUDA_V2 = 204;
    public const int CreateCUDAProviderOptions = 205;
    public const int UpdateCUDAProviderOptions = 206;
    public const int ReleaseCUDAProviderOptions = 208;
    public const int SessionOptionsAppendExecutionProvider = 216;
    public const int GetBuildInfoString = 254;
}
