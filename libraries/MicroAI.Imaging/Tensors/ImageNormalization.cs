namespace MicroAI.Imaging;

/// <summary>
/// How 8-bit samples become model inputs: <c>value = (sample × Scale − Mean[c]) / Std[c]</c>, with c the channel
/// as the tensor orders it (so BGR models list their means in BGR order, as their model cards do). Mean and Std
/// have one entry per channel, or a single entry used for all channels.
/// </summary>
public sealed record ImageNormalization(float Scale, IReadOnlyList<float> Mean, IReadOnlyList<float> Std)
{
    /// <summary>Samples as they are, 0..255.</summary>
    public static ImageNormalization None { get; } = new(1f, [0f], [1f]);

    /// <summary>Samples scaled to 0..1.</summary>
    public static ImageNormalization UnitRange { get; } = new(1f / 255f, [0f], [1f]);

    /// <summary>torchvision's ImageNet statistics on 0..1 samples (RGB order).</summary>
    public static ImageNormalization ImageNet { get; } = new(1f / 255f, [0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>The mean for tensor channel <paramref name="channel"/>.</summary>
    internal float MeanOf(int channel) => Mean.Count == 1 ? Mean[0] : Mean[channel];

    internal float StdOf(int channel) => Std.Count == 1 ? Std[0] : Std[channel];

    internal void Validate(int channels)
    {
        if (Mean is null || Std is null)
            throw new ArgumentException("normalization needs Mean and Std");
        if (Mean.Count != 1 && Mean.Count != channels)
            throw new ArgumentException($"normalization has {Mean.Count} means for a {channels}-channel tensor; give 1 or {channels}");
        if (Std.Count != 1 && Std.Count != channels)
            throw new ArgumentException($"normalization has {Std.Count} standard deviations for a {channels}-channel tensor; give 1 or {channels}");
        foreach (var std in Std)
        {
            if (std == 0 || !float.IsFinite(std))
                throw new ArgumentException($"normalization standard deviation {std} is not usable");
        }
    }
}
