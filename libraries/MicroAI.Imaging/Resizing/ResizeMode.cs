namespace MicroAI.Imaging;

/// <summary>The resampling filter of <see cref="ImageResizer"/>.</summary>
public enum ResizeMode
{
    /// <summary>
    /// Triangle filter. When downscaling, the triangle is widened to the source footprint of each output pixel, so
    /// every source pixel contributes (anti-aliased, like PIL's BILINEAR and torchvision with antialias=True).
    /// </summary>
    Bilinear,

    /// <summary>Keys cubic (a = −0.5), widened the same way when downscaling, like PIL's BICUBIC.</summary>
    Bicubic,

    /// <summary>The source pixel under each output pixel's centre; no filtering.</summary>
    Nearest,
}
