using MicroAI.Engines.Onnx.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using OrtException = Microsoft.ML.OnnxRuntime.OnnxRuntimeException;

namespace MicroAI.Engines.Onnx;

/// <summary>
/// The ONNX Runtime environment (OrtEnv: logging, and what sessions share), from which sessions are
/// opened. ONNX Runtime keeps one environment per process, created on first use and never released,
/// so the server uses <see cref="Shared"/>; <see cref="Create"/> makes an owned instance for tests
/// (internally the same OrtEnv). The native library is loaded once per process, from the directory
/// given by the first instance. ONNX Runtime's own warnings and errors go to the logger category
/// "MicroAI.Onnx", as does the one line per session saying which execution provider it runs on.
/// </summary>
public sealed class OnnxRuntimeEnvironment : IDisposable
{
    /// <summary>Logger category for this engine.</summary>
    public const string LogCategory = "MicroAI.Onnx";

    private static readonly Lock s_sharedGate = new();
    private static OnnxRuntimeEnvironment? s_shared;

    private readonly ILogger _logger;
    private readonly bool _isShared;
    private volatile bool _disposed;

    private OnnxRuntimeEnvironment(string? nativeDirectory, ILoggerFactory? loggerFactory, bool isShared)
    {
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(LogCategory);
        _isShared = isShared;
        OrtLibraryResolver.Install(nativeDirectory);
        // Loaded here, before any ONNX Runtime type: a missing library is then a DllNotFoundException
        // with our message, not a TypeInitializationException from inside the managed API.
        OrtLibraryResolver.Load();
        // The server's (shared) environment decides where ONNX Runtime's own messages go.
        OrtLogBridge.Attach(_logger, replace: isShared);
        var env = ProcessEnvironment();
        Version = env.GetVersionString();
        AvailableProviders = Array.AsReadOnly(env.GetAvailableProviders());
    }

    private static OrtEnv ProcessEnvironment()
    {
        lock (s_sharedGate)
        {
            if (OrtEnv.IsCreated)
                return OrtEnv.Instance();
            // Warning and above: ONNX Runtime's info level narrates every graph transformation.
            var options = new EnvironmentCreationOptions
            {
                logId = "MicroAI",
                logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                loggingFunction = OrtLogBridge.Callback,
            };
            try
            {
                return OrtEnv.CreateInstanceWithOptions(ref options);
            }
            catch (OrtException ex)
            {
                throw OrtErrors.Translate(ex);
            }
        }
    }

    /// <summary>The ONNX Runtime library in <paramref name="nativeDirectory"/> (default: beside the server), or null; loads nothing.</summary>
    public static string? LocateLibrary(string? nativeDirectory) =>
        Native.OrtLibraryResolver.Find(string.IsNullOrEmpty(nativeDirectory) ? AppContext.BaseDirectory : Path.GetFullPath(nativeDirectory));

    /// <summary>
    /// The process-wide environment, created on first use. Later calls return the same instance and
    /// ignore their arguments. Disposing it does nothing, since others may be using it.
    /// </summary>
    /// <exception cref="DllNotFoundException">The ONNX Runtime library is not in <paramref name="nativeDirectory"/> (default: the application folder).</exception>
    public static OnnxRuntimeEnvironment Shared(string? nativeDirectory = null, ILoggerFactory? loggerFactory = null)
    {
        lock (s_sharedGate)
            return s_shared ??= new OnnxRuntimeEnvironment(nativeDirectory, loggerFactory, isShared: true);
    }

    /// <summary>An environment owned by the caller (tests): its own logger until a shared one exists, and sessions that outlive its disposal.</summary>
    public static OnnxRuntimeEnvironment Create(string? nativeDirectory = null, ILoggerFactory? loggerFactory = null) =>
        new(nativeDirectory, loggerFactory, isShared: false);

    /// <summary>The ONNX Runtime library's version, e.g. "1.32.0".</summary>
    public string Version { get; }

    /// <summary>Execution providers compiled into the loaded library, as ONNX Runtime names them (e.g. "CPUExecutionProvider").</summary>
    public IReadOnlyList<string> AvailableProviders { get; }

    /// <summary>The providers MicroAI can select and any others the build lists, each with whether a session here could use it and why not.</summary>
    public IReadOnlyList<OnnxProviderReport> DescribeProviders() => ExecutionProviderSelector.Describe(AvailableProviders);

    /// <summary>
    /// Loads a model. The execution provider follows <paramref name="options"/> (default: auto) and falls
    /// back to the CPU, never failing for that reason; see <see cref="OnnxSession.ProviderReports"/>.
    /// </summary>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime cannot load the model (missing, corrupt, unsupported operators or opset); the message is ONNX Runtime's.</exception>
    /// <exception cref="ArgumentException">Unknown execution provider name, or negative thread counts or device id.</exception>
    public OnnxSession OpenSession(string modelPath, OnnxRuntimeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        options ??= new OnnxRuntimeOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.IntraOpThreads, nameof(options.IntraOpThreads));
        ArgumentOutOfRangeException.ThrowIfNegative(options.InterOpThreads, nameof(options.InterOpThreads));
        ArgumentOutOfRangeException.ThrowIfNegative(options.DeviceId, nameof(options.DeviceId));
        ExecutionProviderSelector.Parse(options.ExecutionProvider);
        // The process's OrtEnv outlives every instance; an owned one only stops opening sessions.
        ObjectDisposedException.ThrowIf(_disposed, this);

        var fullPath = Path.GetFullPath(modelPath);
        var result = ExecutionProviderSelector.Open(fullPath, options, AvailableProviders);
        try
        {
            var session = new OnnxSession(result.Session, fullPath, result.Provider, result.Reports);
            Log(session, result.FellBack);
            return session;
        }
        catch
        {
            result.Session.Dispose();
            throw;
        }
    }

    private void Log(OnnxSession session, bool fellBack)
    {
        var model = Path.GetFileName(session.ModelPath);
        var notUsed = string.Join("; ", session.ProviderReports.Where(static r => !r.Used));
        if (fellBack)
            _logger.LogWarning("ONNX model {Model} runs on {Provider}: the requested provider is unavailable ({Reasons})", model, session.ExecutionProvider, notUsed);
        else if (notUsed.Length > 0)
            _logger.LogInformation("ONNX model {Model} runs on {Provider} ({Reasons})", model, session.ExecutionProvider, notUsed);
        else
            _logger.LogInformation("ONNX model {Model} runs on {Provider}", model, session.ExecutionProvider);
    }

    /// <summary>Stops an environment from <see cref="Create"/> opening sessions (open ones keep working; the process's OrtEnv lives on); no effect on <see cref="Shared"/>.</summary>
    public void Dispose()
    {
        if (_isShared)
            return;
        _disposed = true;
    }
}
