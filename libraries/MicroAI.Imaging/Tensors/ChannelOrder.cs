namespace MicroAI.Imaging;

/// <summary>Order of the three colour channels in the tensor; Caffe-lineage models often expect BGR.</summary>
public enum ChannelOrder
{
    Rgb,
    Bgr,
}
