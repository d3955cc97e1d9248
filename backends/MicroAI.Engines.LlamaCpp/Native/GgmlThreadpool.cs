using System.Runtime.InteropServices;

namespace MicroAI.Engines.LlamaCpp.Native;

/// <summary>
/// A persistent ggml CPU thread pool. The prebuilt CPU backends are built without OpenMP, and
/// without an attached pool ggml creates and joins a fresh set of threads for every graph it
/// computes, i.e. for every generated token: on stories260K that overhead cut generation to a
/// tenth of llama-server's speed. The pool's functions live in whichever CPU variant ggml loaded,
/// so they are found through the CPU backend registry (as llama.cpp's own tools do).
/// </summary>
internal sealed unsafe class GgmlThreadpool : SafeHandle
{
    private static delegate* unmanaged[Cdecl]<GgmlThreadpoolParams*, nint> s_new;
    private static delegate* unmanaged[Cdecl]<nint, void> s_free;
    private static int s_resolved; // 0 = not yet, 1 = found, -1 = not available

    private GgmlThreadpool(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    /// <summary>Creates a pool of <paramref name="threads"/> threads, or null when the CPU backend offers none.</summary>
    public static GgmlThreadpool? TryCreate(int threads)
    {
        if (!Resolve())
            return null;
        var p = LlamaNative.ggml_threadpool_params_default(threads);
        // No spin-polling between graphs: on 2 cores the spinning worker competes with the HTTP and
        // scheduler threads. 125M model, load-tests/compare.sh, two runs each: poll 0 gave 95/85 tok/s
        // at 1 stream and 242/221 at 8; the default poll 50 gave 83/81 and 220/210.
        p.poll = 0;
        var pool = s_new(&p);
        return pool == 0 ? null : new GgmlThreadpool(pool);
    }

    private static bool Resolve()
    {
        if (Volatile.Read(ref s_resolved) != 0)
            return s_resolved > 0;
        var cpu = LlamaNative.ggml_backend_dev_by_type((int)GgmlBackendDeviceType.Cpu);
        var reg = cpu == 0 ? 0 : LlamaNative.ggml_backend_dev_backend_reg(cpu);
        var fnNew = reg == 0 ? 0 : LlamaNative.ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_new");
        var fnFree = reg == 0 ? 0 : LlamaNative.ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_free");
        if (fnNew == 0 || fnFree == 0)
        {
            Volatile.Write(ref s_resolved, -1);
            return false;
        }
        s_new = (delegate* unmanaged[Cdecl]<GgmlThreadpoolParams*, nint>)fnNew;
        s_free = (delegate* unmanaged[Cdecl]<nint, void>)fnFree;
        Volatile.Write(ref s_resolved, 1);
        return true;
    }

    protected override bool ReleaseHandle()
    {
        s_free(handle);
        return true;
    }
}
