namespace MicroAI.Imaging;

/// <summary>
/// The only exception the imaging code lets out for bad input: a payload that is not valid base64, not an image,
/// an unsupported format or variant, corrupt or truncated data, or an image above <see cref="ImageDecodeLimits"/>.
/// The message says what is wrong in words a client can act on; it is safe to return to the caller.
/// </summary>
public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException(string message)
        : base(message)
    {
    }

    public ImageDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
