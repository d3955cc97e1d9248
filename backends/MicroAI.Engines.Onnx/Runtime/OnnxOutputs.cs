using System.Collections;

namespace MicroAI.Engines.Onnx;

/// <summary>
/// The outputs of one run, in the order requested, also addressable by name. Plain managed copies:
/// the native values are released before <see cref="OnnxSession.Run"/> returns. It is disposable so
/// callers can write <c>using var outputs = session.Run(...)</c> today and keep working should outputs
/// ever stay in native memory (e.g. device-resident tensors); for now Dispose does nothing.
/// </summary>
public sealed class OnnxOutputs : IReadOnlyList<OnnxOutput>, IDisposable
{
    private readonly OnnxOutput[] _outputs;

    internal OnnxOutputs(OnnxOutput[] outputs) => _outputs = outputs;

    public int Count => _outputs.Length;

    public OnnxOutput this[int index] => _outputs[index];

    /// <summary>The output called <paramref name="name"/>; <see cref="KeyNotFoundException"/> naming the available ones otherwise.</summary>
    public OnnxOutput this[string name] => TryGet(name, out var output)
        ? output
        : throw new KeyNotFoundException($"No output '{name}' in this result; it has: {string.Join(", ", _outputs.Select(static o => o.Name))}.");

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out OnnxOutput output)
    {
        output = Array.Find(_outputs, o => o.Name == name);
        return output is not null;
    }

    public IEnumerator<OnnxOutput> GetEnumerator() => ((IEnumerable<OnnxOutput>)_outputs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Nothing to release: the data is managed (see the class remarks).</summary>
    public void Dispose() { }
}
