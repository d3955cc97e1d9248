namespace MicroAI.Imaging;

/// <summary>Memory order of an image tensor with batch size 1.</summary>
public enum TensorLayout
{
    /// <summary>[1, C, H, W]: one plane per channel (PyTorch / most ONNX exports). Index c·H·W + y·W + x.</summary>
    Nchw,

    /// <summary>[1, H, W, C]: channels interleaved per pixel (TensorFlow / TFLite exports). Index (y·W + x)·C + c.</summary>
    Nhwc,
}
