namespace MicroAI.Imaging.Jpeg;

/// <summary>
/// Decodes the entropy-coded segment of one scan into the components' coefficient arrays: sequential Huffman
/// (T.81 F.2.2) and the four progressive procedures (G.1.2: DC first and refinement, AC first and refinement,
/// with end-of-band runs). Coefficients are stored quantised; dequantisation happens with the IDCT.
/// </summary>
internal sealed class JpegScanDecoder
{
    private readonly JpegFrame _frame;
    private readonly JpegScan _scan;
    private readonly JpegHuffmanTable?[] _dcTables;
    private readonly JpegHuffmanTable?[] _acTables;
    private readonly int _restartInterval;
    private int _endOfBandRun;

    private JpegScanDecoder(JpegFrame frame, JpegScan scan, JpegHuffmanTable?[] dc, JpegHuffmanTable?[] ac, int restartInterval)
    {
        _frame = frame;
        _scan = scan;
        _restartInterval = restartInterval;
        _dcTables = new JpegHuffmanTable?[scan.Components.Length];
        _acTables = new JpegHuffmanTable?[scan.Components.Length];
        var needDc = !frame.Progressive || (scan.SpectralStart == 0 && scan.BitHigh == 0);
        var needAc = !frame.Progressive || scan.SpectralStart > 0;
        for (var i = 0; i < scan.Components.Length; i++)
        {
            var component = scan.Components[i];
            _dcTables[i] = dc[component.DcTable];
            _acTables[i] = ac[component.AcTable];
            if (needDc && _dcTables[i] is null)
                throw new ImageDecodeException($"JPEG: scan uses DC Huffman table {component.DcTable}, which is not defined");
            if (needAc && _acTables[i] is null)
                throw new ImageDecodeException($"JPEG: scan uses AC Huffman table {component.AcTable}, which is not defined");
        }
    }

    private enum Mode
    {
        Sequential,
        DcFirst,
        DcRefine,
        AcFirst,
        AcRefine,
    }

    /// <summary>Decodes the scan whose data starts at <paramref name="position"/>; returns where the data stopped.</summary>
    public static int Decode(ReadOnlySpan<byte> data, int position, JpegFrame frame, JpegScan scan, JpegHuffmanTable?[] dc, JpegHuffmanTable?[] ac, int restartInterval)
    {
        var decoder = new JpegScanDecoder(frame, scan, dc, ac, restartInterval);
        var reader = new JpegBitReader(data, position);
        decoder.Run(ref reader);
        return reader.Position;
    }

    private void Run(ref JpegBitReader reader)
    {
        var mode = !_frame.Progressive ? Mode.Sequential
            : _scan.SpectralStart == 0 ? (_scan.BitHigh == 0 ? Mode.DcFirst : Mode.DcRefine)
            : _scan.BitHigh == 0 ? Mode.AcFirst : Mode.AcRefine;
        var components = _scan.Components;
        foreach (var component in components)
            component.DcPredictor = 0;

        // A scan of one component codes its blocks one by one over the component's own grid (T.81 A.2.2); a scan
        // of several codes MCUs of H × V blocks per component over the frame's MCU grid (A.2.3).
        var single = components.Length == 1;
        var first = components[0];
        var mcuCount = single ? (long)first.BlocksWide * first.BlocksHigh : (long)_frame.McusPerLine * _frame.McusPerColumn;
        var restart = 0;
        for (long mcu = 0; mcu < mcuCount; mcu++)
        {
            if (_restartInterval > 0 && mcu > 0 && mcu % _restartInterval == 0)
            {
                reader.Restart(restart & 7);
                restart++;
                foreach (var component in components)
                    component.DcPredictor = 0;
                _endOfBandRun = 0;
            }

            if (single)
            {
                var row = (int)(mcu / first.BlocksWide);
                var column = (int)(mcu % first.BlocksWide);
                DecodeBlock(ref reader, mode, 0, first.Block(row, column));
                continue;
            }

            var mcuRow = (int)(mcu / _frame.McusPerLine);
            var mcuColumn = (int)(mcu % _frame.McusPerLine);
            for (var c = 0; c < components.Length; c++)
            {
                var component = components[c];
                for (var v = 0; v < component.V; v++)
                {
                    for (var h = 0; h < component.H; h++)
                        DecodeBlock(ref reader, mode, c, component.Block((mcuRow * component.V) + v, (mcuColumn * component.H) + h));
                }
            }
        }
    }

    private void DecodeBlock(ref JpegBitReader reader, Mode mode, int index, Span<short> block)
    {
        switch (mode)
        {
            case Mode.Sequential:
                DecodeSequential(ref reader, index, block);
                break;
            case Mode.DcFirst:
                DecodeDcFirst(ref reader, index, block);
                break;
            case Mode.DcRefine:
                if (reader.ReadBit() != 0)
                    block[0] |= (short)(1 << _scan.BitLow);
                break;
            case Mode.AcFirst:
                DecodeAcFirst(ref reader, index, block);
                break;
            default:
                DecodeAcRefine(ref reader, index, block);
                break;
        }
    }

    private void DecodeSequential(ref JpegBitReader reader, int index, Span<short> block)
    {
        var component = _scan.Components[index];
        var dc = reader.DecodeHuffman(_dcTables[index]!);
        component.DcPredictor += reader.ReceiveExtend(dc);
        block[0] = (short)component.DcPredictor;

        var ac = _acTables[index]!;
        var zigZag = JpegZigZag.ToNatural;
        for (var k = 1; k < 64; k++)
        {
            var rs = reader.DecodeHuffman(ac);
            var size = rs & 15;
            var run = rs >> 4;
            if (size == 0)
            {
                if (run != 15)
                    break; // End of block.
                k += 15; // ZRL: sixteen zeros (the loop adds the sixteenth).
                continue;
            }

            k += run;
            if (k > 63)
                throw new ImageDecodeException("JPEG: corrupt scan data (coefficient run past the end of a block)");
            block[zigZag[k]] = (short)reader.ReceiveExtend(size);
        }
    }

    private void DecodeDcFirst(ref JpegBitReader reader, int index, Span<short> block)
    {
        var component = _scan.Components[index];
        var dc = reader.DecodeHuffman(_dcTables[index]!);
        component.DcPredictor += reader.ReceiveExtend(dc);
        block[0] = (short)(component.DcPredictor << _scan.BitLow);
    }

    private void DecodeAcFirst(ref JpegBitReader reader, int index, Span<short> block)
    {
        if (_endOfBandRun > 0)
        {
            _endOfBandRun--;
            return;
        }

        var ac = _acTables[index]!;
        var zigZag = JpegZigZag.ToNatural;
        var end = _scan.SpectralEnd;
        for (var k = _scan.SpectralStart; k <= end; k++)
        {
            var rs = reader.DecodeHuffman(ac);
            var size = rs & 15;
            var run = rs >> 4;
            if (size == 0)
            {
                if (run < 15)
                {
                    // EOBr: this block and (2^r − 1 + r more bits) following ones end here.
                    _endOfBandRun = (1 << run) - 1 + reader.ReadBits(run);
                    break;
                }

                k += 15;
                continue;
            }

            k += run;
            if (k > end)
                throw new ImageDecodeException("JPEG: corrupt scan data (coefficient run past the end of the spectral band)");
            block[zigZag[k]] = (short)(reader.ReceiveExtend(size) * (1 << _scan.BitLow));
        }
    }

    /// <summary>
    /// AC successive approximation (T.81 G.1.2.3): a correction bit for every coefficient already non-zero, and
    /// new coefficients of magnitude 1 placed after runs counted over the coefficients still zero.
    /// </summary>
    private void DecodeAcRefine(ref JpegBitReader reader, int index, Span<short> block)
    {
        var plus = 1 << _scan.BitLow;
        var minus = -1 << _scan.BitLow;
        var zigZag = JpegZigZag.ToNatural;
        var end = _scan.SpectralEnd;
        var k = _scan.SpectralStart;
        if (_endOfBandRun == 0)
        {
            var ac = _acTables[index]!;
            while (k <= end)
            {
                var rs = reader.DecodeHuffman(ac);
                var size = rs & 15;
                var run = rs >> 4;
                var value = 0;
                if (size == 0)
                {
                    if (run < 15)
                    {
                        _endOfBandRun = (1 << run) + reader.ReadBits(run);
                        break; // The rest of this block is handled as part of the run, below.
                    }
                }
                else
                {
                    if (size != 1)
                        throw new ImageDecodeException("JPEG: corrupt scan data (refinement coefficient larger than 1)");
                    value = reader.ReadBit() != 0 ? plus : minus;
                }

                // Skip `run` zero-history coefficients, refining the non-zero ones on the way; the next zero one gets `value`.
                while (k <= end)
                {
                    var z = zigZag[k];
                    if (block[z] != 0)
                    {
                        Refine(ref reader, ref block[z], plus, minus);
                    }
                    else
                    {
                        if (run == 0)
                        {
                            if (value != 0)
                                block[z] = (short)value;
                            k++;
                            break;
                        }

                        run--;
                    }

                    k++;
                }
            }
        }

        if (_endOfBandRun > 0)
        {
            for (; k <= end; k++)
            {
                ref var coefficient = ref block[zigZag[k]];
                if (coefficient != 0)
                    Refine(ref reader, ref coefficient, plus, minus);
            }

            _endOfBandRun--;
        }
    }

    private static void Refine(ref JpegBitReader reader, ref short coefficient, int plus, int minus)
    {
        if (reader.ReadBit() != 0 && (coefficient & plus) == 0)
            coefficient += (short)(coefficient >= 0 ? plus : minus);
    }
}
