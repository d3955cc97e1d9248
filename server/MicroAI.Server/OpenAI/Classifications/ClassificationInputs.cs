using System.Text;
using MicroAI.Engines.Abstractions;
using MicroAI.Server.Limits;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.OpenAI.Classifications;

/// <summary>Request items → engine inputs of the kind the model reads; a wrong kind is a 400 that says what the model accepts.</summary>
internal static class ClassificationInputs
{
    public static (ClassificationInput? Input, ApiError? Error) Convert(ClassificationInputItem item, int index, IClassificationModel classifier, string model, RequestLimits limits)
    {
        var param = $"input[{index}]";
        if (classifier.InputKind != ClassificationInputKind.Features && (item.Features is not null || item.Values is not null))
            return Wrong(param, model, Accepts(classifier.InputKind));
        switch (classifier.InputKind)
        {
            case ClassificationInputKind.Features:
                return FeatureRows.Convert(item, param, classifier.Features!, model);

            case ClassificationInputKind.Text:
                if (item.Text is null)
                    return Wrong(param, model, Accepts(ClassificationInputKind.Text));
                if (item.Text.Length == 0)
                    return (null, ApiError.BadRequest($"'{param}' is empty.", param));
                return (ClassificationInput.FromText(item.Text), null);

            case ClassificationInputKind.Bytes:
                // Content-type detection reads raw bytes: text is taken as its UTF-8 encoding,
                // binary content comes base64-encoded in {"bytes": ...}.
                if (item.Text is not null)
                    return (ClassificationInput.FromBytes(Encoding.UTF8.GetBytes(item.Text)), null);
                if (item.Bytes is not null)
                {
                    if (!TryBase64(item.Bytes, out var raw))
                        return (null, ApiError.BadRequest($"'{param}.bytes' is not valid base64.", param));
                    return (ClassificationInput.FromBytes(raw), null);
                }
                return Wrong(param, model, Accepts(ClassificationInputKind.Bytes));

            case ClassificationInputKind.Image:
                if (item.Image is null)
                    return Wrong(param, model, Accepts(ClassificationInputKind.Image));
                try
                {
                    // Only the transport (data URL / base64) is undone here; the engine decodes the image,
                    // after its byte size and declared width × height are checked against the limits.
                    var data = MicroAI.Imaging.ImagePayload.Parse(item.Image).Data;
                    if (limits.Image(data, $"{param}.image") is { } tooLarge)
                        return (null, tooLarge);
                    return (ClassificationInput.FromImage(data), null);
                }
                catch (MicroAI.Imaging.ImageDecodeException ex)
                {
                    return (null, ApiError.BadRequest($"'{param}.image': {ex.Message}", param, "invalid_image"));
                }

            default:
                return Wrong(param, model, "cannot classify this input");
        }
    }

    private static string Accepts(ClassificationInputKind kind) => kind switch
    {
        ClassificationInputKind.Text => "classifies text: send 'input' as a string or an array of strings",
        ClassificationInputKind.Bytes => "classifies content bytes: send text as a string or binary content as {\"bytes\": \"<base64>\"}",
        ClassificationInputKind.Image => "classifies images: send {\"image\": \"data:image/png;base64,...\"} (PNG or JPEG)",
        _ => "cannot classify this input",
    };

    internal static (ClassificationInput?, ApiError?) Wrong(string param, string model, string accepts) =>
        (null, ApiError.BadRequest($"The model '{model}' {accepts}.", param, "invalid_input_kind"));

    /// <summary>Standard base64, tolerating whitespace and line breaks (as produced by `base64` and many encoders).</summary>
    internal static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = [];
        var compact = text.Contains('\n') || text.Contains('\r') || text.Contains(' ') || text.Contains('\t')
            ? string.Concat(text.Where(c => !char.IsWhiteSpace(c)))
            : text;
        var buffer = new byte[compact.Length / 4 * 3 + 3];
        if (!System.Convert.TryFromBase64String(compact, buffer, out var written))
            return false;
        bytes = buffer.AsSpan(0, written).ToArray();
        return true;
    }
}
