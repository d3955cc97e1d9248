using System.Runtime.InteropServices;

namespace MicroAI.Runtime.Scheduling;

/// <summary>
/// One decode step as decided before anything runs (what vLLM's <c>schedule()</c> returns): which
/// slots put what into the batch, in layout order. <see cref="StepPlanner"/> fills it; the
/// scheduler applies it (adds the tokens, decodes, samples). One instance is reused step after
/// step, so planning allocates nothing.
/// </summary>
internal sealed class StepPlan
{
    private readonly List<BatchSlice> _slices;

    public StepPlan(int slots) => _slices = new List<BatchSlice>(slots);

    /// <summary>At most one per slot, in slot order (the batch's layout; see <see cref="StepPlanner"/>). A span: walking it allocates no enumerator.</summary>
    public ReadOnlySpan<BatchSlice> Slices => CollectionsMarshal.AsSpan(_slices);

    /// <summary>Prompt tokens the step may take in all (int.MaxValue: only the batch limits them).</summary>
    public int PrefillBudget { get; private set; }

    /// <summary>Sequences generating when the step was planned (each gets a slice while the batch has room).</summary>
    public int Generating { get; private set; }

    public int PromptTokens { get; private set; }

    /// <summary>Entries of the batch: one per generating slice plus every prompt token.</summary>
    public int BatchTokens { get; private set; }

    internal void Reset(int prefillBudget, int generating)
    {
        _slices.Clear();
        (PrefillBudget, Generating, PromptTokens, BatchTokens) = (prefillBudget, generating, 0, 0);
    }

    internal void Add(BatchSlice slice)
    {
        _slices.Add(slice);
        BatchTokens += slice.Tokens;
        if (!slice.IsGenerated)
            PromptTokens += slice.Tokens;
    }
}

/// <summary>One slot's share of a step's batch.</summary>
/// <param name="Slot">The slot (= sequence id in the engine's batch).</param>
/// <param name="IsGenerated">The token sampled last step (one token); otherwise a chunk of the prompt.</param>
/// <param name="Position">Cache position of the first token; a prompt chunk covers prompt[Position..Position+Tokens].</param>
/// <param name="Tokens">1 for a generated token; the chunk's length for a prompt.</param>
/// <param name="WantsLogits">The slice's last token is sampled after the decode (a generated token, or a chunk that ends the prompt).</param>
internal readonly record struct BatchSlice(int Slot, bool IsGenerated, int Position, int Tokens, bool WantsLogits);
