using System.Text.Json;
using MicroAI.Engines.Abstractions;
using MicroAI.Imaging;

namespace MicroAI.Engines.Onnx.Pipelines;

/// <summary>
/// An image classifier: decode (PNG/JPEG), resize to the input's height × width (or resize the
/// shortest side and centre-crop, when preprocessor_config.json asks), lay out as NCHW or NHWC in
/// float32 or float16, normalise as preprocessor_config.json says (raw 0–255 values without one,
/// as the ONNX model-zoo classifiers expect), run, and softmax unless the graph already outputs a
/// distribution.
/// </summary>
internal sealed class ImageClassificationPipeline : IClassificationModel
{
    private readonly OnnxSession _session;
    private readonly OnnxTensorInfo _input;
    private readonly string _output;
    private readonly TensorLayout _layout;
    private readonly int _channels, _height, _width;
    private readonly bool _fixedBatchOfOne;
    private readonly ImageNormalization _normalization;
    private readonly int? _shortestSide;
    private readonly ImageDecodeLimits _limits;

    public ImageClassificationPipeline(string id, OnnxSession session, string folder, IReadOnlyList<string>? labels, string? layout, string? primaryOutput, ImageDecodeLimits limits)
    {
        _session = session;
        _limits = limits;
        _input = session.Inputs.Count == 1 ? session.Inputs[0] : throw new ModelLoadException($"'{id}': an image classifier has one input; this one has {session.Inputs.Count}.");
        if (_input.Shape.Count != 4 || _input.ElementType is not (OnnxElementType.Float or OnnxElementType.Float16))
            throw new ModelLoadException($"'{id}': input '{_input.Name}' ({_input}) is not a float32/float16 4-D image tensor.");
        _layout = layout == "NHWC" || (layout is null && _input.Shape[3] is 1 or 3 && _input.Shape[1] is not (1 or 3)) ? TensorLayout.Nhwc : TensorLayout.Nchw;
        var (c, h, w) = _layout == TensorLayout.Nchw ? (_input.Shape[1], _input.Shape[2], _input.Shape[3]) : (_input.Shape[3], _input.Shape[1], _input.Shape[2]);
        (_channels, _height, _width) = ((int)c, (int)h, (int)w);
        if (_channels is not (1 or 3) || _height <= 0 || _width <= 0)
            throw new ModelLoadException($"'{id}': input '{_input.Name}' ({_input}) needs a fixed size and 1 or 3 channels.");
        _fixedBatchOfOne = _input.Shape[0] == 1;
        var output = session.Outputs.FirstOrDefault(o => o.Name == (primaryOutput ?? "")) ?? session.Outputs[0];
        _output = output.Name;
        var classes = (int)output.Shape.Where(d => d > 1).DefaultIfEmpty(labels?.Count ?? 0).Aggregate(1L, (a, b) => a * b);
        if (_input.Shape[0] > 1 && output.Shape.Count > 0 && output.Shape[0] == _input.Shape[0])
            classes /= (int)_input.Shape[0];
        Labels = labels is { Count: > 0 } l && l.Count == classes ? l : Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        (_normalization, _shortestSide) = Preprocessing(folder, _channels);
    }

    public string Description => $"image classification ({Labels.Count} labels, {_channels}×{_height}×{_width} {_layout}, {_input.ElementType}) on {_session.ExecutionProvider}";
    public int MaxBatchSize => 64;
    public ClassificationInputKind InputKind => ClassificationInputKind.Image;
    public IReadOnlyList<string> Labels { get; }
    public bool MultiLabel => false;

    public ValueTask<InferenceResult<ClassificationBatch>> ClassifyAsync(IReadOnlyList<ClassificationInput> inputs, CancellationToken cancellationToken)
    {
        var images = new DecodedImage[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            try
            {
                images[i] = ImageDecoder.Decode(inputs[i].Data.Span, _limits);
            }
            catch (ImageDecodeException ex)
            {
                return ValueTask.FromResult<InferenceResult<ClassificationBatch>>(InferenceError.BadInput($"Input {i} is not a usable image: {ex.Message}", i));
            }
        }
        var results = new ClassificationOutput[inputs.Count];
        var perRun = _fixedBatchOfOne ? 1 : Math.Min(16, inputs.Count);
        var scores = new float[Labels.Count];
        for (var start = 0; start < images.Length; start += perRun)
        {
            var n = Math.Min(perRun, images.Length - start);
            var plane = _channels * _height * _width;
            OnnxInput tensor;
            long[] shape = _layout == TensorLayout.Nchw ? [n, _channels, _height, _width] : [n, _height, _width, _channels];
            if (_input.ElementType == OnnxElementType.Float16)
            {
                var data = new Half[n * plane];
                for (var k = 0; k < n; k++)
                    ImageTensor.WriteFloat16(Fit(images[start + k]), data.AsSpan(k * plane, plane), _layout, _channels, _normalization);
                tensor = OnnxInput.Float16(_input.Name, data, shape);
            }
            else
            {
                var data = new float[n * plane];
                for (var k = 0; k < n; k++)
                    ImageTensor.WriteFloat32(Fit(images[start + k]), data.AsSpan(k * plane, plane), _layout, _channels, _normalization);
                tensor = OnnxInput.Float(_input.Name, data, shape);
            }
            using var outputs = _session.Run([tensor], [_output], cancellationToken);
            var values = outputs[0].ToFloatArray();
            for (var k = 0; k < n; k++)
            {
                var row = values.AsSpan(k * Labels.Count, Labels.Count);
                if (Scores.IsDistribution(row))
                    row.CopyTo(scores);
                else
                    Scores.Softmax(row, scores);
                results[start + k] = Scores.Ranked(scores, Labels);
            }
        }
        return ValueTask.FromResult<InferenceResult<ClassificationBatch>>(new ClassificationBatch(results, 0));
    }

    private DecodedImage Fit(DecodedImage image)
    {
        if (image.Width == _width && image.Height == _height)
            return image;
        return _shortestSide is { } side
            ? ImageResizer.ResizeAndCenterCrop(image, side, _width, _height)
            : ImageResizer.Resize(image, _width, _height);
    }

    /// <summary>preprocessor_config.json (Hugging Face image processors): rescale_factor, image_mean/std, and a shortest-edge resize before the crop.</summary>
    private static (ImageNormalization, int?) Preprocessing(string folder, int channels)
    {
        if (ModelFolderConfig.Read(folder, "preprocessor_config.json") is not { } p)
            return (ImageNormalization.None, null);
        bool Flag(string name, bool fallback) => p.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.True : fallback;
        var scale = Flag("do_rescale", true) && p.TryGetProperty("rescale_factor", out var rf) && rf.TryGetSingle(out var f) ? f : Flag("do_rescale", true) ? 1f / 255f : 1f;
        float[] Floats(string name, float fallback) => p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(x => x.GetSingle()).ToArray()
            : Enumerable.Repeat(fallback, channels).ToArray();
        var normalize = Flag("do_normalize", true);
        var mean = normalize ? Floats("image_mean", 0f) : Enumerable.Repeat(0f, channels).ToArray();
        var std = normalize ? Floats("image_std", 1f) : Enumerable.Repeat(1f, channels).ToArray();
        int? shortest = p.TryGetProperty("size", out var size) && size.ValueKind == JsonValueKind.Object && size.TryGetProperty("shortest_edge", out var se) && se.TryGetInt32(out var s) ? s : null;
        return (new ImageNormalization(scale, mean, std), Flag("do_center_crop", false) ? shortest : null);
    }

    public void Dispose() => _session.Dispose();
}
