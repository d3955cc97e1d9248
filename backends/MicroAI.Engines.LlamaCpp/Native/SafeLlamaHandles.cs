using System.Runtime.InteropServices;

namespace MicroAI.Engines.LlamaCpp.Native;

/// <summary>Owns a llama_model*; freed with llama_model_free.</summary>
internal sealed class SafeLlamaModelHandle : SafeHandle
{
    public SafeLlamaModelHandle() : base(0, ownsHandle: true) { }
    public SafeLlamaModelHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);
    public override bool IsInvalid => handle == 0;
    protected override bool ReleaseHandle()
    {
        LlamaNative.llama_model_free(handle);
        return true;
    }
}

/// <summary>Owns a llama_context*; freed with llama_free.</summary>
internal sealed class SafeLlamaContextHandle : SafeHandle
{
    public SafeLlamaContextHandle() : base(0, ownsHandle: true) { }
    public SafeLlamaContextHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);
    public override bool IsInvalid => handle == 0;
    protected override bool ReleaseHandle()
    {
        LlamaNative.llama_free(handle);
        return true;
    }
}

/// <summary>Owns a llama_sampler* (a chain: freeing it frees the samplers added to it).</summary>
internal sealed class SafeLlamaSamplerHandle : SafeHandle
{
    public SafeLlamaSamplerHandle() : base(0, ownsHandle: true) { }
    public SafeLlamaSamplerHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);
    public override bool IsInvalid => handle == 0;
    protected override bool ReleaseHandle()
    {
        LlamaNative.llama_sampler_free(handle);
        return true;
    }
}

/// <summary>
/// Owns the arrays of a llama_batch allocated by llama_batch_init. The struct itself is kept in
/// unmanaged memory so its pointers stay valid however the handle is moved around.
/// </summary>
internal sealed unsafe class SafeLlamaBatchHandle : SafeHandle
{
    public SafeLlamaBatchHandle(int capacity, int seqMax) : base(0, ownsHandle: true)
    {
        Capacity = capacity;
        var batch = LlamaNative.llama_batch_init(capacity, 0, seqMax);
        if (batch.token == null)
            throw new OutOfMemoryException($"llama_batch_init({capacity}) failed.");
        var p = (LlamaBatch*)NativeMemory.Alloc((nuint)sizeof(LlamaBatch));
        *p = batch;
        SetHandle((nint)p);
    }

    public int Capacity { get; }

    /// <summary>The batch struct; valid while the handle is alive.</summary>
    public LlamaBatch* Batch => (LlamaBatch*)handle;

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        var p = (LlamaBatch*)handle;
        LlamaNative.llama_batch_free(*p);
        NativeMemory.Free(p);
        return true;
    }
}
