namespace MicroAI.Imaging.Png;

/// <summary>
/// The seven Adam7 passes (PNG specification, "Interlace method 1"): each pass samples the image on its own
/// grid starting at (XStart, YStart) every (XStep, YStep) pixels. A non-interlaced image is one pass of step 1.
/// </summary>
internal readonly record struct Adam7Pass(int XStart, int YStart, int XStep, int YStep)
{
    /// <summary>The single pass of a non-interlaced image.</summary>
    public static readonly Adam7Pass[] None = [new(0, 0, 1, 1)];

    public static readonly Adam7Pass[] Passes =
    [
        new(0, 0, 8, 8),
        new(4, 0, 8, 8),
        new(0, 4, 4, 8),
        new(2, 0, 4, 4),
        new(0, 2, 2, 4),
        new(1, 0, 2, 2),
        new(0, 1, 1, 2),
    ];

    public int Width(int imageWidth) => imageWidth <= XStart ? 0 : (imageWidth - XStart + XStep - 1) / XStep;

    public int Height(int imageHeight) => imageHeight <= YStart ? 0 : (imageHeight - YStart + YStep - 1) / YStep;
}
