using MicroAI.ModelRegistry;
using System.Text.Json;
using MicroAI.ModelRegistry.Onnx;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Onnx;

/// <summary>The real models in ../shared/models/onnx, and folders that are not (or not quite) models.</summary>
public sealed class OnnxModelFolderTests : IDisposable
{
    private readonly TempModelsDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string SharedOnnx(string folder) => Path.Combine(TestPaths.SharedModels, "onnx", folder);

    internal static OnnxModelDescription InspectOk(string path)
    {
        var result = OnnxModelFolder.Inspect(path);
        Assert.True(result.Success, result.Error);
        return result.Model;
    }

    [Fact]
    public void Mnist_is_a_greyscale_NCHW_image_classifier_with_digit_labels()
    {
        var d = InspectOk(SharedOnnx("mnist"));

        Assert.Equal(OnnxTasks.ImageClassification, d.Task);
        Assert.Equal("mnist.onnx", d.ModelFile);
        Assert.Equal(["mnist.onnx", "labels.txt"], d.Files);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], d.Labels);
        Assert.Equal("NCHW", d.ImageLayout);
        Assert.Equal("float32", d.ImageElementType);
        Assert.Equal("Input3", Assert.Single(d.Inputs).Name);
        Assert.Equal("Plus214_Output_0", d.PrimaryOutput);
        Assert.Equal([ModelCapability.Classification.Name], d.Capabilities);
        Assert.False(d.MultiLabel);
        Assert.Empty(d.Warnings);
        Assert.Equal(Path.GetFullPath(SharedOnnx("mnist")), d.Folder);
    }

    [Fact]
    public void SqueezeNet_is_a_float16_image_classifier_with_imagenet_labels()
    {
        var d = InspectOk(SharedOnnx("squeezenet1.0-fp16-imagenet"));

        Assert.Equal(OnnxTasks.ImageClassification, d.Task);
        Assert.Equal("SqueezeNet_fp16.onnx", d.ModelFile);
        Assert.Equal(["SqueezeNet_fp16.onnx", "Labels.json", "Labels.txt"], d.Files);
        Assert.Equal("NCHW", d.ImageLayout);
        Assert.Equal("float16", d.ImageElementType);
        Assert.Equal("softmaxout_1", d.PrimaryOutput);
        Assert.NotNull(d.Labels);
        Assert.Equal(1000, d.Labels.Count);
        Assert.Contains("tabby", d.Labels[281]);
        Assert.Equal("tench, Tinca tinca", d.Labels[0]);
        Assert.Empty(d.Warnings);
    }

    [Fact]
    public void SqueezeNet_labels_from_the_text_file_match_the_json_ones()
    {
        var folder = Path.Combine(_dir.Path, "squeezenet");
        Directory.CreateDirectory(folder);
        foreach (var name in new[] { "SqueezeNet_fp16.onnx", "Labels.txt" })
            File.Copy(Path.Combine(SharedOnnx("squeezenet1.0-fp16-imagenet"), name), Path.Combine(folder, name));

        var fromText = InspectOk(folder);
        var fromJson = InspectOk(SharedOnnx("squeezenet1.0-fp16-imagenet"));

        // "281,tabby, tabby cat" loses its index. (The file's last line ends in a stray '"'; Labels.json does not.)
        var json = fromJson.Labels!.ToArray();
        var text = fromText.Labels!.ToArray();
        Assert.Equal(1000, text.Length);
        Assert.Equal(json[..999], text[..999]);
        Assert.StartsWith(json[999], text[999]);
    }

    [Fact]
    public void Magika_is_a_byte_classifier_with_the_labels_of_its_config()
    {
        var folder = SharedOnnx("magika-standard_v3_3");
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "config.min.json")));
        var expected = config.RootElement.GetProperty("target_labels_space").EnumerateArray().Select(e => e.GetString()!).ToList();

        var d = InspectOk(folder);

        Assert.Equal(OnnxTasks.ByteClassification, d.Task);
        Assert.Equal(214, expected.Count);
        Assert.Equal(expected, d.Labels);
        Assert.Equal(expected.Count, d.Outputs[0].Dims[1].Value);
        Assert.Contains("python", d.Labels!);
        Assert.Contains("cs", d.Labels!);
        Assert.Equal(["model.onnx", "config.min.json", "content_types_kb.min.json"], d.Files);
        Assert.Equal("target_label", d.PrimaryOutput);
        Assert.Equal([ModelCapability.Classification.Name], d.Capabilities);
        Assert.Null(d.ImageLayout);
        Assert.Empty(d.Warnings);
    }

    [Fact]
    public void A_model_file_path_gives_the_same_description_as_its_folder()
    {
        var byFolder = InspectOk(SharedOnnx("magika-standard_v3_3"));
        var byFile = InspectOk(Path.Combine(SharedOnnx("magika-standard_v3_3"), "model.onnx"));

        Assert.Equal(byFolder.Files, byFile.Files);
        Assert.Equal(byFolder.Task, byFile.Task);
        Assert.Equal(byFolder.Labels, byFile.Labels);
    }

    [Fact]
    public void A_missing_path_is_an_error() =>
        Assert.Contains("no such file or folder", OnnxModelFolder.Inspect(Path.Combine(_dir.Path, "nothing")).Error);

    [Fact]
    public void A_folder_without_a_model_is_an_error() =>
        Assert.Contains("no .onnx model", OnnxModelFolder.Inspect(Path.Combine(TestPaths.SharedModels, "tokenizers", "all-MiniLM-L6-v2")).Error);

    [Fact]
    public void A_folder_with_several_models_and_no_model_onnx_is_an_error_naming_them()
    {
        new OnnxTestModel().Input("x", OnnxTestModel.Float, 1L).WriteTo(Path.Combine(_dir.Path, "a.onnx"));
        new OnnxTestModel().Input("x", OnnxTestModel.Float, 1L).WriteTo(Path.Combine(_dir.Path, "b.onnx"));

        var error = OnnxModelFolder.Inspect(_dir.Path).Error;

        Assert.Contains("a.onnx", error);
        Assert.Contains("b.onnx", error);
        Assert.Equal("a.onnx", InspectOk(Path.Combine(_dir.Path, "a.onnx")).ModelFile);
    }

    [Fact]
    public void A_corrupt_model_is_an_error()
    {
        var bytes = File.ReadAllBytes(Path.Combine(SharedOnnx("mnist"), "mnist.onnx"));
        File.WriteAllBytes(Path.Combine(_dir.Path, "model.onnx"), bytes[..(bytes.Length / 2)]);

        var result = OnnxModelFolder.Inspect(_dir.Path);

        Assert.False(result.Success);
        Assert.Contains("model.onnx", result.Error);
    }

    [Fact]
    public void A_model_with_no_recognisable_task_is_unknown_but_listed()
    {
        new OnnxTestModel()
            .Input("a", OnnxTestModel.Float, "n", 16L)
            .Input("b", OnnxTestModel.Float, "n", 16L)
            .Output("sum", OnnxTestModel.Float, "n", 16L, 16L)
            .WriteTo(Path.Combine(_dir.Path, "adder.onnx"));
        File.WriteAllText(Path.Combine(_dir.Path, "README.md"), "not part of the model");

        var d = InspectOk(_dir.Path);

        Assert.Equal(OnnxTasks.Unknown, d.Task);
        Assert.Empty(d.Capabilities);
        Assert.Equal(["adder.onnx"], d.Files);
        Assert.Equal(["a", "b"], d.Inputs.Select(i => i.Name));
        Assert.Equal("sum", Assert.Single(d.Outputs).Name);
        Assert.Null(d.PrimaryOutput);
        Assert.Null(d.Labels);
    }

    [Fact]
    public void An_NHWC_image_classifier_takes_labels_from_a_lower_case_labels_json_array()
    {
        new OnnxTestModel()
            .Input("image", OnnxTestModel.Float, "batch", 160L, 160L, 3L)
            .Output("probs", OnnxTestModel.Float, "batch", 3L)
            .WriteTo(Path.Combine(_dir.Path, "model.onnx"));
        File.WriteAllText(Path.Combine(_dir.Path, "labels.json"), """["cat", "dog", "bird"]""");

        var d = InspectOk(_dir.Path);

        Assert.Equal(OnnxTasks.ImageClassification, d.Task);
        Assert.Equal("NHWC", d.ImageLayout);
        Assert.Equal(["cat", "dog", "bird"], d.Labels);
        Assert.Equal(["model.onnx", "labels.json"], d.Files);
    }

    [Fact]
    public void An_image_to_image_model_is_not_a_classifier()
    {
        new OnnxTestModel()
            .Input("input", OnnxTestModel.Float, 1L, 1L, 224L, 224L)
            .Output("output", OnnxTestModel.Float, 1L, 1L, 672L, 672L)
            .WriteTo(Path.Combine(_dir.Path, "super-resolution.onnx"));

        Assert.Equal(OnnxTasks.Unknown, InspectOk(_dir.Path).Task);
    }

    [Fact]
    public void Image_labels_that_disagree_with_the_output_are_a_warning()
    {
        new OnnxTestModel()
            .Input("data", OnnxTestModel.Float16, 1L, 3L, 32L, 32L)
            .Output("scores", OnnxTestModel.Float16, 1L, 10L)
            .WriteTo(Path.Combine(_dir.Path, "model.onnx"));
        File.WriteAllText(Path.Combine(_dir.Path, "labels.txt"), "a\nb\nc\n\n");

        var d = InspectOk(_dir.Path);

        Assert.Equal(["a", "b", "c"], d.Labels);
        Assert.Contains(d.Warnings, w => w.Contains("10 classes"));
    }

    [Fact]
    public void Synset_labels_lose_their_wordnet_ids()
    {
        new OnnxTestModel()
            .Input("data", OnnxTestModel.Float, 1L, 3L, 224L, 224L)
            .Output("prob", OnnxTestModel.Float, 1L, 2L)
            .WriteTo(Path.Combine(_dir.Path, "resnet.onnx"));
        File.WriteAllText(Path.Combine(_dir.Path, "synset.txt"), "n01440764 tench, Tinca tinca\r\nn01443537 goldfish, Carassius auratus\r\n");

        Assert.Equal(["tench, Tinca tinca", "goldfish, Carassius auratus"], InspectOk(_dir.Path).Labels);
    }
}
