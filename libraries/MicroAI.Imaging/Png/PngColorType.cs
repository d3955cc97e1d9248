namespace MicroAI.Imaging.Png;

/// <summary>IHDR colour types (PNG specification, table "allowed combinations of colour type and bit depth").</summary>
internal enum PngColorType : byte
{
    Greyscale = 0,
    Truecolor = 2,
    IndexedColor = 3,
    GreyscaleAlpha = 4,
    TruecolorAlpha = 6,
}
