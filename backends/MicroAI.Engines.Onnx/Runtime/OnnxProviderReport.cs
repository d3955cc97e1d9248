namespace MicroAI.Engines.Onnx;

/// <summary>
/// One execution provider considered for a session, in the order tried: whether the session uses it and,
/// if not, why (not in this ONNX Runtime build, wrong operating system, ONNX Runtime's error, ...).
/// </summary>
/// <param name="Provider">ONNX Runtime's name, e.g. "CUDAExecutionProvider", "DmlExecutionProvider", "CoreMLExecutionProvider", "CPUExecutionProvider".</param>
/// <param name="Used">True for the provider the session runs on.</param>
/// <param name="Reason">Why it is not used; null when <paramref name="Used"/>.</param>
public sealed record OnnxProviderReport(string Provider, bool Used, string? Reason)
{
    public override string ToString() => Used ? $"{Provider}: used" : $"{Provider}: not used ({Reason})";
}
