namespace MicroAI.Runtime;

/// <summary>The engines' part of the "MicroAI" configuration section (server-wide defaults).</summary>
public sealed class EngineOptions
{
    /// <summary>Tokens of context each request can use; 0 = the model's training context, at most 4096.</summary>
    public int ContextSize { get; set; }

    /// <summary>Sequences decoded together per model; the KV cache holds ContextSize × ParallelSlots tokens.</summary>
    public int ParallelSlots { get; set; } = 2;

    /// <summary>CPU threads for decoding; 0 = the number of cores.</summary>
    public int Threads { get; set; }

    /// <summary>Layers offloaded to a GPU; -1 = all, 0 = CPU only.</summary>
    public int GpuLayers { get; set; } = -1;

    /// <summary>Where models run: "auto" (the GPU with the most free memory when the model fits, else the CPU), "cpu", or a device name from GET /api/devices.</summary>
    public string Device { get; set; } = "auto";

    /// <summary>Most tokens per decode call (prompt chunk size).</summary>
    public int BatchSize { get; set; } = 512;

    /// <summary>Most prompt tokens per decode step while other requests are running (chunked prefill; lower: faster first tokens under load, higher: smoother streams); 0 = BatchSize.</summary>
    public int PrefillChunkTokens { get; set; } = 128;

    /// <summary>Which waiting request gets a free slot first: "first-come-first-served" (default) or "shortest-prompt-first" (with a bound so a long prompt still gets in).</summary>
    public string SchedulingPolicy { get; set; } = Scheduling.Policies.SchedulingPolicies.Default;

    /// <summary>Whether a chat request (and /apply-template) may carry its own Jinja <c>chat_template</c> (rendered sandboxed).</summary>
    public bool AllowRequestChatTemplates { get; set; } = true;

    /// <summary>Longest time a generation request may take, queue included (0 = no limit): queued past it → 503, generating past it → finish_reason "length".</summary>
    public double RequestTimeoutSeconds { get; set; }

    /// <summary>Requests that may wait for a slot, per model, before 429.</summary>
    public int MaxQueuedRequests { get; set; } = 64;

    /// <summary>Host RAM per model for prompt caches of conversations that lost their slot (MiB); 0 disables.</summary>
    public int PromptCacheMiB { get; set; } = 256;

    /// <summary>How long an idle model stays loaded ("5m", "30s", "-1" = forever, "0" = unload when idle), as Ollama's keep_alive.</summary>
    public string KeepAlive { get; set; } = "5m";

    /// <summary>Memory for resident models (weights + KV cache) in MiB; 0 = 90% of the memory the process may use.</summary>
    public long MemoryBudgetMiB { get; set; }

    /// <summary>Folder with the engine's native libraries; default: next to the server's assemblies.</summary>
    public string? NativeDirectory { get; set; }

    /// <summary>Tokens of context one request (one slot) gets when nothing configures it: at most 4096, so a model trained on 128K does not reserve a KV cache for it by default.</summary>
    public const int DefaultContextTokens = 4096;

    /// <summary>
    /// The context one slot gets: the model's own setting, else <see cref="ContextSize"/>, else the
    /// model's training context up to <see cref="DefaultContextTokens"/>. The one place this is
    /// decided, for the generation scheduler, the embedding context and the memory estimate alike.
    /// </summary>
    public int ResolveContextTokens(int? configuredForModel, long? trainingContext)
    {
        var context = configuredForModel ?? ContextSize;
        if (context > 0)
            return context;
        return (int)Math.Min(trainingContext is > 0 ? trainingContext.Value : DefaultContextTokens, DefaultContextTokens);
    }

    /// <summary>Decode threads: <see cref="Threads"/>, or every core when it is 0.</summary>
    public int ResolveThreads() => Threads > 0 ? Threads : Environment.ProcessorCount;

    public long ResolveMemoryBudgetBytes() =>
        MemoryBudgetMiB > 0 ? MemoryBudgetMiB << 20 : (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * 0.9);

    public IEnumerable<string> Validate()
    {
        if (ContextSize < 0) yield return "MicroAI:ContextSize must be 0 (from the model) or positive.";
        if (ParallelSlots is < 1 or > 256) yield return "MicroAI:ParallelSlots must be between 1 and 256.";
        if (Threads < 0) yield return "MicroAI:Threads must be 0 (all cores) or positive.";
        if (GpuLayers < -1) yield return "MicroAI:GpuLayers must be -1 (all), 0 (none) or a layer count.";
        if (BatchSize is < 1 or > 65536) yield return "MicroAI:BatchSize must be between 1 and 65536.";
        if (PrefillChunkTokens < 0) yield return "MicroAI:PrefillChunkTokens must be 0 (the batch size) or positive.";
        if (!Scheduling.Policies.SchedulingPolicies.Exists(SchedulingPolicy))
            yield return $"MicroAI:SchedulingPolicy '{SchedulingPolicy}' is not a scheduling policy ({string.Join(", ", Scheduling.Policies.SchedulingPolicies.Names)}).";
        if (MaxQueuedRequests < 0) yield return "MicroAI:MaxQueuedRequests must be 0 or positive.";
        if (RequestTimeoutSeconds < 0) yield return "MicroAI:RequestTimeoutSeconds must be 0 (no limit) or positive.";
        if (PromptCacheMiB < 0) yield return "MicroAI:PromptCacheMiB must be 0 (off) or positive.";
        if (!Models.KeepAlive.TryParse(KeepAlive, out _)) yield return $"MicroAI:KeepAlive '{KeepAlive}' is not a duration (5m, 30s, -1, 0).";
        if (MemoryBudgetMiB < 0) yield return "MicroAI:MemoryBudgetMiB must be 0 (automatic) or positive.";
    }
}
