namespace MicroAI.Imaging.Jpeg;

/// <summary>
/// One colour component of a frame: its sampling factors, its size, and its DCT coefficients, kept for the whole
/// image (natural order, 64 per block) so that progressive scans can refine them and multi-scan sequential files
/// can interleave freely. Blocks are laid out on the padded MCU grid, which also covers the smaller grid that
/// non-interleaved scans use.
/// </summary>
internal sealed class JpegComponent
{
    public JpegComponent(int id, int h, int v, int quantTable)
    {
        Id = id;
        H = h;
        V = v;
        QuantTable = quantTable;
    }

    public int Id { get; }

    public int H { get; }

    public int V { get; }

    public int QuantTable { get; }

    /// <summary>Width in samples: ceil(X × H / Hmax) (T.81 A.1.1).</summary>
    public int Width { get; private set; }

    public int Height { get; private set; }

    /// <summary>Blocks across in storage: MCUs across × H.</summary>
    public int BlocksPerLine { get; private set; }

    public int BlocksPerColumn { get; private set; }

    /// <summary>Blocks across that hold image data: ceil(Width / 8), the grid of a non-interleaved scan.</summary>
    public int BlocksWide => (Width + 7) / 8;

    public int BlocksHigh => (Height + 7) / 8;

    public short[] Coefficients { get; private set; } = [];

    /// <summary>The quantisation table in force when the component's first scan started (natural order).</summary>
    public ushort[]? Quantization { get; set; }

    public int DcPredictor { get; set; }

    public int DcTable { get; set; }

    public int AcTable { get; set; }

    public long CoefficientBytes => (long)BlocksPerLine * BlocksPerColumn * 64 * sizeof(short);

    public void SetGeometry(int frameWidth, int frameHeight, int hMax, int vMax, int mcusPerLine, int mcusPerColumn)
    {
        Width = (int)(((long)frameWidth * H + hMax - 1) / hMax);
        Height = (int)(((long)frameHeight * V + vMax - 1) / vMax);
        BlocksPerLine = mcusPerLine * H;
        BlocksPerColumn = mcusPerColumn * V;
    }

    public void Allocate() => Coefficients = new short[BlocksPerLine * BlocksPerColumn * 64];

    public Span<short> Block(int row, int column) => Coefficients.AsSpan(((row * BlocksPerLine) + column) * 64, 64);
}
