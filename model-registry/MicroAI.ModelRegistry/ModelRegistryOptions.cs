namespace MicroAI.ModelRegistry;

/// <summary>The registry's part of the "MicroAI" configuration section.</summary>
public sealed class ModelRegistryOptions
{
    /// <summary>Where MicroAI keeps its own data; default: the user's local application data folder + "microai".</summary>
    public string? DataDirectory { get; set; }

    /// <summary>A folder of model files; every *.gguf in it is served under its file name. Default: DataDirectory/models.</summary>
    public string? ModelsDirectory { get; set; }

    /// <summary>The registry (content-addressed blobs + manifests) shared by the server and the CLI. Default: DataDirectory/registry.</summary>
    public string? RegistryDirectory { get; set; }

    /// <summary>An Ollama models directory read in place; default: OLLAMA_MODELS or ~/.ollama/models when present; "none" disables.</summary>
    public string? OllamaModelsDirectory { get; set; }

    /// <summary>A model file path or a model id; served as the default and loaded at start.</summary>
    public string? DefaultModel { get; set; }

    /// <summary>Per-model settings keyed by model id; an entry with a Path adds a model.</summary>
    public Dictionary<string, ModelSettings> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public string ResolveDataDirectory() =>
        Path.GetFullPath(DataDirectory ?? Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify) is { Length: > 0 } d
                ? d
                : Path.GetTempPath(),
            "microai"));

    public string ResolveModelsDirectory() => Path.GetFullPath(ModelsDirectory ?? Path.Combine(ResolveDataDirectory(), "models"));

    public string ResolveRegistryDirectory() => Path.GetFullPath(RegistryDirectory ?? Path.Combine(ResolveDataDirectory(), "registry"));

    public string? ResolveOllamaDirectory() => OllamaModelsDirectory switch
    {
        null or "" => Sources.OllamaStore.DefaultRoot(),
        "none" => null,
        var d => Path.GetFullPath(d),
    };
}

/// <summary>Settings for one model; unset values fall back to the server-wide ones.</summary>
public sealed class ModelSettings
{
    /// <summary>Adds a model from this file (id = the key).</summary>
    public string? Path { get; set; }

    /// <summary>Chat template to use instead of the model's own: a built-in name (chatml, llama3, ...) or template text.</summary>
    public string? ChatTemplate { get; set; }

    public int? ContextSize { get; set; }
    public int? GpuLayers { get; set; }
    /// <summary>"auto", "cpu" or a device name ("CUDA0", "Vulkan1", "Metal").</summary>
    public string? Device { get; set; }
    public int? ParallelSlots { get; set; }
    /// <summary>Never unload this model (idle or to make room).</summary>
    public bool? Pinned { get; set; }
    /// <summary>This model's keep-alive ("5m", "-1", "0"); default: MicroAI:KeepAlive.</summary>
    public string? KeepAlive { get; set; }

    // Request defaults for this model (a request's own values win).
    public float? Temperature { get; set; }
    public float? TopP { get; set; }
    public int? TopK { get; set; }
    public float? MinP { get; set; }
    public float? RepeatPenalty { get; set; }
    /// <summary>Put first in a chat that has no system message.</summary>
    public string? SystemPrompt { get; set; }

    /// <summary>
    /// An OCI reference (registry/repository:tag) this model follows: when the tag moves, the new
    /// version is pulled, verified, loaded, smoke-tested and switched to without failing a request.
    /// </summary>
    public string? Follow { get; set; }

    /// <summary>How often the followed tag is checked ("30s", "5m"; default 5m).</summary>
    public string? FollowInterval { get; set; }

    /// <summary>Up to this much random delay is added to each check ("30s"; default a tenth of the interval), so a fleet does not check at once.</summary>
    public string? FollowJitter { get; set; }

    /// <summary>Download limit for updates in bytes per second (thin links); unset or 0: none.</summary>
    public long? FollowBandwidth { get; set; }

    /// <summary>Versions kept for rollback, the serving one included (default 3).</summary>
    public int? KeepVersions { get; set; }

    /// <summary>
    /// The upstream (a name under MicroAI:Upstreams) that also serves this model, or serves it alone
    /// when no local model has this id: the id is then an alias of <see cref="UpstreamModel"/> there.
    /// </summary>
    public string? Upstream { get; set; }

    /// <summary>The model's id at <see cref="Upstream"/> (default: this model's id).</summary>
    public string? UpstreamModel { get; set; }

    /// <summary>
    /// Where requests for this model run: local, upstream, local-first (overflow to the upstream) or
    /// upstream-first (fall back to the local model). Default: upstream when no local model has this
    /// id, else local-first.
    /// </summary>
    public string? Policy { get; set; }

    /// <summary>local-first overflows when the estimated wait for a local slot exceeds this (seconds; default: only when the queue is full).</summary>
    public double? OverflowWaitSeconds { get; set; }

    /// <summary>Configuration wins over the defaults a manifest carries.</summary>
    public static ModelSettings Merge(ModelSettings? configured, Store.ModelDefaults? defaults) => new()
    {
        Path = configured?.Path,
        ChatTemplate = configured?.ChatTemplate ?? defaults?.ChatTemplate,
        ContextSize = configured?.ContextSize ?? defaults?.ContextSize,
        GpuLayers = configured?.GpuLayers ?? defaults?.GpuLayers,
        Device = configured?.Device,
        ParallelSlots = configured?.ParallelSlots,
        Pinned = configured?.Pinned,
        KeepAlive = configured?.KeepAlive,
        Temperature = configured?.Temperature ?? defaults?.Temperature,
        TopP = configured?.TopP ?? defaults?.TopP,
        TopK = configured?.TopK ?? defaults?.TopK,
        MinP = configured?.MinP ?? defaults?.MinP,
        RepeatPenalty = configured?.RepeatPenalty ?? defaults?.RepeatPenalty,
        SystemPrompt = configured?.SystemPrompt ?? defaults?.SystemPrompt,
    };
}
