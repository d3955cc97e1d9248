using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace MicroAI.Engines.Onnx.Native;

/// <summary>
/// Owns an <see cref="InferenceSession"/> with SafeHandle's reference counting, which the session itself
/// lacks: a run holds a reference (DangerousAddRef), so a Dispose on another thread releases the native
/// session only after the last run returns, never under it, and later runs get ObjectDisposedException.
/// </summary>
internal sealed class SessionHandle : SafeHandle
{
    public SessionHandle(InferenceSession session) : base(0, ownsHandle: true)
    {
        Session = session;
        // Not a native pointer: any non-zero value marks the handle valid until it is released.
        SetHandle(1);
    }

    public InferenceSession Session { get; }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        Session.Dispose();
        return true;
    }
}
