using MicroAI.Engines.Onnx.Native;

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
        " (CUDA needs a GPU build of ONNX Runtime with its provider libraries beside it: build with -p:OnnxRuntimeNativesDir=DIR or set MicroAI:Onnx:NativeDirectory)";

    internal enum Choice { Auto, Cpu, Cuda, DirectML, CoreML }

    public sealed record Result(SafeOrtSessionHandle Session, string Provider, IReadOnlyList<OnnxProviderReport> Reports, bool FellBack);

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

    public static Result Open(SafeOrtEnvHandle env, string modelPath, OnnxRuntimeOptions options, IReadOnlyList<string> available)
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
                    reports.Add(new OnnxProviderReport(name, false, $"this onnxruntime library does not export {OrtNative.DmlAppendExport}"));
                    continue;
                }
            }
            catch (OnnxRuntimeException ex)
            {
                // The CPU packages list CUDA among the available providers (the bridge is compiled in) but
                // ship without its provider libraries, so appending it fails here with a load error.
                var hint = candidate == Choice.Cuda ? CudaHint : string.Empty;
                reports.Add(new OnnxProviderReport(name, false, $"ONNX Runtime could not add it: {ex.Message}{hint}"));
                continue;
            }
            try
            {
                var session = OrtNative.CreateSession(env, modelPath, sessionOptions);
                reports.Add(new OnnxProviderReport(name, true, null));
                return new Result(session, name, reports.AsReadOnly(), FellBack: false);
            }
            catch (OnnxRuntimeException ex)
            {
                // E.g. a CUDA build on a machine without a usable GPU. A broken model fails again below,
                // on the CPU, and that error is the one the caller sees.
                reports.Add(new OnnxProviderReport(name, false, $"creating the session with it failed: {ex.Message}"));
            }
        }
        using var cpuOptions = CreateBaseOptions(options);
        var cpuSession = OrtNative.CreateSession(env, modelPath, cpuOptions);
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

    private static bool Append(Choice choice, SafeOrtSessionOptionsHandle sessionOptions, int deviceId)
    {
        switch (choice)
        {
            case Choice.Cuda:
                OrtNative.AppendCuda(sessionOptions, deviceId);
                return true;
            case Choice.DirectML:
                return OrtNative.TryAppendDirectML(sessionOptions, deviceId);
            case Choice.CoreML:
                // The generic entry point, which the C API header lists CoreML under (the exported
                // OrtSessionOptionsAppendExecutionProvider_CoreML only takes the legacy flag bits). No keys:
                // CoreML's defaults apply (all compute units).
                OrtNative.AppendExecutionProvider(sessionOptions, "CoreML", []);
                return true;
            default:
                return true;
        }
    }

    /// <summary>Settings every session gets: full graph optimisation and the configured thread counts (0 = ONNX Runtime's default).</summary>
    private static SafeOrtSessionOptionsHandle CreateBaseOptions(OnnxRuntimeOptions options)
    {
        var sessionOptions = OrtNative.CreateSessionOptions();
        try
        {
            OrtNative.SetGraphOptimizationLevel(sessionOptions, OrtGraphOptimizationLevel.EnableAll);
            if (options.IntraOpThreads > 0)
                OrtNative.SetIntraOpNumThreads(sessionOptions, options.IntraOpThreads);
            if (options.InterOpThreads > 0)
                OrtNative.SetInterOpNumThreads(sessionOptions, options.InterOpThreads);
            return sessionOptions;
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }
}
