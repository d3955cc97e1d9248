namespace MicroAI.Engines.Onnx.Native;

internal static unsafe partial class OrtNative
{
    /// <summary>
    /// OrtApi::CreateSession. The path is ORTCHAR_T: wchar_t (UTF-16) on Windows, char (UTF-8) elsewhere.
    /// The returned session holds a reference on <paramref name="env"/>.
    /// </summary>
    public static SafeOrtSessionHandle CreateSession(SafeOrtEnvHandle env, string modelPath, SafeOrtSessionOptionsHandle options)
    {
        var create = (delegate* unmanaged[Cdecl]<nint, void*, nint, nint*, nint>)Api[OrtApiIndex.CreateSession];
        nint session;
        if (OperatingSystem.IsWindows())
        {
            fixed (char* path = modelPath)
                Check(create(env.DangerousGetHandle(), path, options.DangerousGetHandle(), &session));
        }
        else
        {
            using var path = new NativeUtf8Strings([modelPath]);
            Check(create(env.DangerousGetHandle(), path[0], options.DangerousGetHandle(), &session));
        }
        var owned = SafeOrtHandle.Own<SafeOrtSessionHandle>(session);
        owned.KeepAlive(env);
        return owned;
    }

    public static int SessionGetCount(SafeOrtSessionHandle session, bool inputs)
    {
        nuint count;
        var index = inputs ? OrtApiIndex.SessionGetInputCount : OrtApiIndex.SessionGetOutputCount;
        Check(((delegate* unmanaged[Cdecl]<nint, nuint*, nint>)Api[index])(session.DangerousGetHandle(), &count));
        return checked((int)count);
    }

    /// <summary>Name, element type and shape of input or output <paramref name="index"/>.</summary>
    public static OnnxTensorInfo SessionGetInfo(SafeOrtSessionHandle session, int index, bool input)
    {
        byte* nameText;
        var nameIndex = input ? OrtApiIndex.SessionGetInputName : OrtApiIndex.SessionGetOutputName;
        Check(((delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)Api[nameIndex])(
            session.DangerousGetHandle(), (nuint)index, DefaultAllocator, &nameText));
        var name = TakeAllocatorString(nameText);

        nint rawTypeInfo;
        var typeIndex = input ? OrtApiIndex.SessionGetInputTypeInfo : OrtApiIndex.SessionGetOutputTypeInfo;
        Check(((delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)Api[typeIndex])(session.DangerousGetHandle(), (nuint)index, &rawTypeInfo));
        using var typeInfo = SafeOrtHandle.Own<SafeOrtTypeInfoHandle>(rawTypeInfo);

        int kind;
        Check(((delegate* unmanaged[Cdecl]<nint, int*, nint>)Api[OrtApiIndex.GetOnnxTypeFromTypeInfo])(rawTypeInfo, &kind));
        if ((OrtValueType)kind != OrtValueType.Tensor)
            return new OnnxTensorInfo(name, isTensor: false, OnnxElementType.Undefined, [], []);

        // The tensor info belongs to the type info: read it, never release it.
        nint tensorInfo;
        Check(((delegate* unmanaged[Cdecl]<nint, nint*, nint>)Api[OrtApiIndex.CastTypeInfoToTensorInfo])(rawTypeInfo, &tensorInfo));
        var (elementType, shape) = ReadTypeAndShape(tensorInfo);
        var symbolic = ReadSymbolicDimensions(tensorInfo, shape.Length);
        return new OnnxTensorInfo(name, isTensor: true, elementType, shape, symbolic);
    }

    public static SafeOrtRunOptionsHandle CreateRunOptions()
    {
        nint options;
        Check(((delegate* unmanaged[Cdecl]<nint*, nint>)Api[OrtApiIndex.CreateRunOptions])(&options));
        return SafeOrtHandle.Own<SafeOrtRunOptionsHandle>(options);
    }

    /// <summary>OrtApi::RunOptionsSetTerminate: a Run using these options stops at the next node with an error.</summary>
    public static void RunOptionsSetTerminate(SafeOrtRunOptionsHandle options) =>
        Check(((delegate* unmanaged[Cdecl]<nint, nint>)Api[OrtApiIndex.RunOptionsSetTerminate])(options.DangerousGetHandle()));

    /// <summary>
    /// OrtApi::Run. <paramref name="outputs"/> must hold <c>outputNames.Count</c> nulls; ONNX Runtime fills
    /// them with values it allocated, which the caller releases.
    /// </summary>
    public static void Run(SafeOrtSessionHandle session, SafeOrtRunOptionsHandle runOptions,
        NativeUtf8Strings inputNames, nint* inputs, NativeUtf8Strings outputNames, nint* outputs)
    {
        Check(((delegate* unmanaged[Cdecl]<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint>)Api[OrtApiIndex.Run])(
            session.DangerousGetHandle(), runOptions.DangerousGetHandle(),
            inputNames.Pointers, inputs, (nuint)inputNames.Count,
            outputNames.Pointers, (nuint)outputNames.Count, outputs));
    }
}
