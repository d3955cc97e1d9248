namespace MicroAI.Imaging.Jpeg;

/// <summary>A parsed scan header (SOS, T.81 B.2.3): the components it codes and, for progressive scans, the spectral band and bit positions.</summary>
internal sealed record JpegScan(JpegComponent[] Components, int SpectralStart, int SpectralEnd, int BitHigh, int BitLow);
