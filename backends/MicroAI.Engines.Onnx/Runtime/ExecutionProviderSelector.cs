using MicroAI.Engines.Onnx.Native;
using Microsoft.ML.OnnxRuntime;
using OrtException = Microsoft.ML.OnnxRuntime.OnnxRuntimeException;

namespace MicroAI.Engines.Onnx;

/// <summary>
/// Opens a session on the execution provider <see cref="OnnxRuntimeOptions.ExecutionProvider"/> asks for,
/// falling back to the CPU whenever a provider is missing from the build, refused by ONNX Runtime or
/// fails to create the session; every provider considered gets an <see cref="OnnxProviderReport"/>.
/// Each attempt starts from fresh session options, so settings one provider needs (DirectML turns off
/// memory patterns and parallel execution) never leak into the CPU fallback.
/// </summary>
internal static class ExecutionProviderSelector
{
    public const string Cpu = "CPUExecutionProvider";
    public const string Cuda = "CUDAExecutionProvider";
    public const string DirectML = "DmlExecutionProvider";
    public const string CoreML = "CoreMLExecutionProvider";

    private const string CudaHint =
        " (CUDA needs a GPU build of ONNX Runtime with its provider libraries beside it: build with -p:OnnxRuntimeVariant=cuda, " +
        "or -p:OnnxRuntimeNativesDir=DIR / MicroAI:Onnx:NativeDirectory for a custom build)";

    /// <summary>The DirectML append function, an export of DirectML builds of onnxruntime.dll only (dml_provider_factory.h).</summary>
    private const string DmlAppendExport = "OrtSessionOptionsAppendExecutionProvider_DML";

    internal enum Choice { Auto, Cpu, Cuda, DirectML, CoreML }

    public sealed record Result(InferenceSession Session, string Provider, IReadOnlyList<OnnxProviderReport> Reports, bool FellBack);

    /// <summary>Parses the configured name; unknown names are a configuration error, not something to guess around.</summary>
    public static Choice Parse(string? name) => (name ?? "auto").Trim().ToLowerInvariant() switch
    {
        "" or "auto" => Choice.Auto,
        "cpu" => Choice.Cpu,
        "cuda" => Choice.Cuda,
        "directml" or "dml" => Choice.DirectML,
        "coreml" => Choice.CoreML,
        _ => throw new ArgumentException(
            $"Unknown ONNX execution provider '{name}'. Use one of: auto, cpu, cuda, directml (or dml), coreml.",
            nameof(OnnxRuntimeOptions.ExecutionProvider)),
    };

    public static Result Open(string modelPath, OnnxRuntimeOptions options, IReadOnlyList<string> available)
    {
        var choice = Parse(options.ExecutionProvider);
        var reports = new List<OnnxProviderReport>();
        foreach (var candidate in Plan(choice))
        {
            var name = ProviderName(candidate);
            var unavailable = WhyUnavailable(candidate, available);
            if (unavailable is not null)
            {
                reports.Add(new OnnxProviderReport(name, false, unavailable));
                continue;
            }
            using var sessionOptions = CreateBaseOptions(options);
            try
            {
                if (!Append(candidate, sessionOptions, options.DeviceId))
                {
                    reports.Add(new OnnxProviderReport(name, false, $"this onnxruntime library does not export {DmlAppendExport}"));
                    continue;
                }
            }
            catch (OrtException ex)
            {
                // A build that lists CUDA but lacks its provider libraries (or CUDA's own, cuDNN) fails here
                // with a load error.
                var hint = candidate == Choice.Cuda ? CudaHint : string.Empty;
                reports.Add(new OnnxProviderReport(name, false, $"ONNX Runtime could not add it: {OrtErrors.Translate(ex).Message}{hint}"));
                continue;
            }
            try
            {
                var session = new InferenceSession(modelPath, sessionOptions);
                reports.Add(new OnnxProviderReport(name, true, null));
                return new Result(session, name, reports.AsReadOnly(), FellBack: false);
            }
            catch (OrtException ex)
            {
                // E.g. a CUDA build on a machine without a usable GPU. A broken model fails again below,
                // on the CPU, and that error is the one the caller sees.
                reports.Add(new OnnxProviderReport(name, false, $"creating the session with it failed: {OrtErrors.Translate(ex).Message}"));
            }
        }
        using var cpuOptions = CreateBaseOptions(options);
        InferenceSession cpuSession;
        try
        {
            cpuSession = new InferenceSession(modelPath, cpuOptions);
        }
        catch (OrtException ex)
        {
            throw OrtErrors.Translate(ex);
        }
        reports.Add(new OnnxProviderReport(Cpu, true, null));
        return new Result(cpuSession, Cpu, reports.AsReadOnly(), FellBack: choice is not (Choice.Auto or Choice.Cpu));
    }

    /// <summary>The accelerators to try, in order; the CPU always comes last and is not listed.</summary>
    private static List<Choice> Plan(Choice choice)
    {
        if (choice == Choice.Cpu)
            return [];
        if (choice != Choice.Auto)
            return [choice];
        // auto: CUDA wherever the build has it, then the platform's own GPU/NPU path.
        List<Choice> plan = [Choice.Cuda];
        if (OperatingSystem.IsWindows())
            plan.Add(Choice.DirectML);
        if (OperatingSystem.IsMacOS())
            plan.Add(Choice.CoreML);
        return plan;
    }

    private static string ProviderName(Choice choice) => choice switch
    {
        Choice.Cuda => Cuda,
        Choice.DirectML => DirectML,
        Choice.CoreML => CoreML,
        _ => Cpu,
    };

    private static string? WhyUnavailable(Choice choice, IReadOnlyList<string> available)
    {
        if (choice == Choice.DirectML && !OperatingSystem.IsWindows())
            return "DirectML exists only on Windows";
        if (choice == Choice.CoreML && !OperatingSystem.IsMacOS())
            return "CoreML exists only on macOS";
        var name = ProviderName(choice);
        var hint = choice == Choice.Cuda ? CudaHint : string.Empty;
        if (!available.Contains(name))
            return $"not in this ONNX Runtime build, which has {string.Join(", ", available)}{hint}";
        // The CPU packages compile the CUDA bridge in but ship no provider libraries: say so up
        // front instead of letting every session load fail on the missing file.
        if (choice == Choice.Cuda && !HasProviderLibrary("cuda"))
            return $"its provider library ({ProviderLibraryName("cuda")}) is not in {OrtLibraryResolver.NativeDirectory}{hint}";
        return null;
    }

    private static string ProviderLibraryName(string provider) =>
        OperatingSystem.IsWindows() ? $"onnxruntime_providers_{provider}.dll" : $"libonnxruntime_providers_{provider}.so";

    private static bool HasProviderLibrary(string provider) =>
        File.Exists(Path.Combine(OrtLibraryResolver.NativeDirectory, ProviderLibraryName(provider)));

    /// <summary>
    /// For the devices endpoint: each provider MicroAI can select, and each other one the build
    /// lists, with whether a session could use it here (Used) or why not (Reason).
    /// </summary>
    public static IReadOnlyList<OnnxProviderReport> Describe(IReadOnlyList<string> available)
    {
        var reports = new List<OnnxProviderReport> { new(Cpu, true, null) };
        foreach (var choice in (ReadOnlySpan<Choice>)[Choice.Cuda, Choice.DirectML, Choice.CoreML])
        {
            var why = WhyUnavailable(choice, available);
            reports.Add(new OnnxProviderReport(ProviderName(choice), why is null, why));
        }
        foreach (var other in available.Where(a => reports.All(r => r.Provider != a)))
            reports.Add(new OnnxProviderReport(other, false, "compiled into this build, but MicroAI does not select it"));
        return reports;
    }

    private static bool Append(Choice choice, SessionOptions sessionOptions, int deviceId)
    {
        switch (choice)
        {
            case Choice.Cuda:
                // The V2 options (the API table's CreateCUDAProviderOptions), not AppendExecutionProvider_CUDA(int),
                // which calls a legacy export; the session options keep their own copy.
                using (var cuda = new OrtCUDAProviderOptions())
                {
                    cuda.UpdateOptions(new Dictionary<string, string> { ["device_id"] = deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                    sessionOptions.AppendExecutionProvider_CUDA(cuda);
                }
                return true;
            case Choice.DirectML:
                // DirectML cannot run with memory patterns or parallel execution, as its documentation says.
                sessionOptions.EnableMemoryPattern = false;
                sessionOptions.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
                try
                {
                    sessionOptions.AppendExecutionProvider_DML(deviceId);
                    return true;
                }
                catch (EntryPointNotFoundException)
                {
                    return false;
                }
            case Choice.CoreML:
                // The generic entry point, which the C API lists CoreML under (AppendExecutionProvider_CoreML
                // only takes the legacy flag bits). No keys: CoreML's defaults apply (all compute units).
                sessionOptions.AppendExecutionProvider("CoreML", new Dictionary<string, string>());
                return true;
            default:
                return true;
        }
    }

    /// <summary>Settings every session gets: full graph optimisation and the configured thread counts (0 = ONNX Runtime's default).</summary>
    private static SessionOptions CreateBaseOptions(OnnxRuntimeOptions options)
    {
        var sessionOptions = new SessionOptions();
        try
        {
            sessionOptions.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL;
            if (options.IntraOpThreads > 0)
                sessionOptions.IntraOpNumThreads = options.IntraOpThreads;
            if (options.InterOpThreads > 0)
                sessionOptions.InterOpNumThreads = options.InterOpThreads;
            return sessionOptions;
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }
}
