using MicroAI.ModelRegistry;
using MicroAI.ModelRegistry.Onnx;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Onnx;

/// <summary>Hugging Face style folders written by the tests: real MiniLM tokenizer files beside synthesized models.</summary>
public sealed class OnnxHuggingFaceFolderTests : IDisposable
{
    private static readonly string[] TokenizerFiles =
        ["config.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt"];

    private readonly TempModelsDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Folder => _dir.Path;

    private void CopyMiniLmTokenizer(params string[] except)
    {
        var source = Path.Combine(TestPaths.SharedModels, "tokenizers", "all-MiniLM-L6-v2");
        foreach (var name in TokenizerFiles.Except(except))
            File.Copy(Path.Combine(source, name), Path.Combine(Folder, name));
    }

    private void WriteConfig(string json) => File.WriteAllText(Path.Combine(Folder, "config.json"), json);

    [Fact]
    public void MiniLM_shaped_model_with_its_tokenizer_is_an_embedding_model()
    {
        CopyMiniLmTokenizer();
        OnnxTestModel.MiniLm().WriteTo(Path.Combine(Folder, "model.onnx"));

        var d = OnnxModelFolderTests.InspectOk(Folder);

        Assert.Equal(OnnxTasks.Embeddings, d.Task);
        Assert.Equal([ModelCapability.Embeddings.Name], d.Capabilities);
        Assert.Equal("model.onnx", d.ModelFile);
        Assert.Equal(["model.onnx", "tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "config.json"], d.Files);
        Assert.Equal("last_hidden_state", d.PrimaryOutput);
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], d.Inputs.Select(i => i.Name));
        Assert.All(d.Inputs, i => Assert.Equal("int64", i.ElementType));
        Assert.Equal(384, Assert.Single(d.Outputs).Dims[2].Value);
        Assert.Null(d.Labels);
        Assert.Null(d.ImageLayout);
        Assert.Empty(d.Warnings);
    }

    [Fact]
    public void Model_in_an_onnx_subfolder_belongs_to_the_folder_above()
    {
        CopyMiniLmTokenizer();
        var model = OnnxTestModel.MiniLm().WriteTo(Path.Combine(Folder, "onnx", "model.onnx"));
        File.WriteAllBytes(Path.Combine(Folder, "onnx", "model.onnx_data"), new byte[100]);

        foreach (var path in new[] { Folder, model })
        {
            var d = OnnxModelFolderTests.InspectOk(path);

            Assert.Equal(Folder, d.Folder);
            Assert.Equal("onnx/model.onnx", d.ModelFile);
            Assert.Equal(OnnxTasks.Embeddings, d.Task);
            Assert.Contains("onnx/model.onnx_data", d.Files);
            Assert.Contains("tokenizer.json", d.Files);
        }
    }

    [Fact]
    public void Sentence_embedding_output_is_preferred()
    {
        CopyMiniLmTokenizer();
        OnnxTestModel.MiniLm().Output("sentence_embedding", OnnxTestModel.Float, "batch", 384L).WriteTo(Path.Combine(Folder, "model.onnx"));

        var d = OnnxModelFolderTests.InspectOk(Folder);

        Assert.Equal(OnnxTasks.Embeddings, d.Task);
        Assert.Equal("sentence_embedding", d.PrimaryOutput);
    }

    [Fact]
    public void Text_classifier_takes_its_labels_from_id2label_in_id_order()
    {
        CopyMiniLmTokenizer(except: "config.json");
        WriteConfig("""{"architectures": ["BertForSequenceClassification"], "id2label": {"2": "neutral", "0": "negative", "1": "positive"}}""");
        OnnxTestModel.TextClassifier(3).WriteTo(Path.Combine(Folder, "model.onnx"));

        var d = OnnxModelFolderTests.InspectOk(Folder);

        Assert.Equal(OnnxTasks.TextClassification, d.Task);
        Assert.Equal([ModelCapability.Classification.Name], d.Capabilities);
        Assert.Equal(["negative", "positive", "neutral"], d.Labels);
        Assert.False(d.MultiLabel);
        Assert.Equal("logits", d.PrimaryOutput);
        Assert.Contains("config.json", d.Files);
        Assert.Empty(d.Warnings);
    }

    [Fact]
    public void Multi_label_problem_type_is_recorded()
    {
        CopyMiniLmTokenizer(except: "config.json");
        WriteConfig("""
            {
              "id2label": { "0": "toxic", "1": "obscene", "2": "threat", "3": "insult" },
              "label2id": { "toxic": 0, "obscene": 1, "threat": 2, "insult": 3 },
              "problem_type": "multi_label_classification"
            }
            """);
        OnnxTestModel.TextClassifier(4).WriteTo(Path.Combine(Folder, "model.onnx"));

        var d = OnnxModelFolderTests.InspectOk(Folder);

        Assert.Equal(OnnxTasks.TextClassification, d.Task);
        Assert.True(d.MultiLabel);
        Assert.Equal(["toxic", "obscene", "threat", "insult"], d.Labels);
    }

    [Fact]
    public void Classifier_with_a_symbolic_class_dimension_trusts_id2label()
    {
        CopyMiniLmTokenizer(except: "config.json");
        WriteConfig("""{"id2label": {"0": "no", "1": "yes"}}""");
        new OnnxTestModel()
            .Input("input_ids", OnnxTestModel.Int64, "batch", "sequence")
            .Output("logits", OnnxTestModel.Float, "batch", "num_labels")
            .WriteTo(Path.Combine(Folder, "model.onnx"));

        var d = OnnxModelFolderTests.InspectOk(Folder);

        Assert.Equal(OnnxTasks.TextClassification, d.Task);
        Assert.Equal(["no", "yes"], d.Labels);
    }

    [Fact]
    public void One_label_cross_encoder_is_a_reranker()
    {
        CopyMiniLmTokenizer(except: "config.json");
        WriteConfig("""{"architectures": ["XLMRobertaForSequenceClassification"], "id2label": {"0": "LABEL_0"}}""");
        OnnxTestModel.TextClassifier(1).WriteTo(Path.Combine(Folder, "model.onnx"));

        var d = OnnxModelFolderTests.InspectOk(Folder);

        Assert.Equal(OnnxTasks.Rerank, d.Task);
        Assert.Equal([ModelCapability.Rerank.Name], d.Capabilities);
        Assert.Equal("logits", d.PrimaryOutput);
    }

    [Fact]
    public void Single_score_output_is_a_reranker_even_without_config()
    {
        CopyMiniLmTokenizer(except: "config.json");
        OnnxTestModel.TextClassifier(1).WriteTo(Path.Combine(Folder, "model.onnx"));

        Assert.Equal(OnnxTasks.Rerank, OnnxModelFolderTests.InspectOk(Folder).Task);
    }

    [Fact]
    public void Logits_without_matching_labels_are_a_classifier_without_names_and_a_warning()
    {
        CopyMiniLmTokenizer(except: "config.json");
        WriteConfig("""{"id2label": {"0": "a", "1": "b", "2": "c"}}""");
        OnnxTestModel.TextClassifier(2).WriteTo(Path.Combine(Folder, "model.onnx"));

        var d = OnnxModelFolderTests.InspectOk(Folder);

        Assert.Equal(OnnxTasks.TextClassification, d.Task);
        Assert.Null(d.Labels);
        Assert.Contains(d.Warnings, w => w.Contains("3 labels") && w.Contains("2 classes"));
    }

    [Fact]
    public void Base_model_config_with_default_labels_stays_an_embedding_model()
    {
        // Many base-model configs carry {"0": "LABEL_0", "1": "LABEL_1"}: the outputs decide.
        CopyMiniLmTokenizer(except: "config.json");
        WriteConfig("""{"architectures": ["BertModel"], "id2label": {"0": "LABEL_0", "1": "LABEL_1"}}""");
        OnnxTestModel.MiniLm().Output("pooler_output", OnnxTestModel.Float, "batch", 384L).WriteTo(Path.Combine(Folder, "model.onnx"));

        var d = OnnxModelFolderTests.InspectOk(Folder);

        Assert.Equal(OnnxTasks.Embeddings, d.Task);
        Assert.Equal("pooler_output", d.PrimaryOutput);
        Assert.Null(d.Labels);
    }

    [Fact]
    public void Causal_language_model_is_not_an_embedding_model()
    {
        CopyMiniLmTokenizer();
        new OnnxTestModel()
            .Input("input_ids", OnnxTestModel.Int64, "batch", "sequence")
            .Input("attention_mask", OnnxTestModel.Int64, "batch", "sequence")
            .Output("logits", OnnxTestModel.Float, "batch", "sequence", 32000L)
            .WriteTo(Path.Combine(Folder, "model.onnx"));

        var d = OnnxModelFolderTests.InspectOk(Folder);

        Assert.Equal(OnnxTasks.Unknown, d.Task);
        Assert.Empty(d.Capabilities);
    }

    [Fact]
    public void Missing_tokenizer_is_a_warning()
    {
        OnnxTestModel.MiniLm().WriteTo(Path.Combine(Folder, "model.onnx"));

        var d = OnnxModelFolderTests.InspectOk(Folder);

        Assert.Equal(OnnxTasks.Embeddings, d.Task);
        Assert.Contains(d.Warnings, w => w.Contains("tokenizer"));
    }

    [Fact]
    public void Invalid_config_json_is_a_warning_not_an_error()
    {
        CopyMiniLmTokenizer(except: "config.json");
        WriteConfig("{ not json");
        OnnxTestModel.MiniLm().WriteTo(Path.Combine(Folder, "model.onnx"));

        var d = OnnxModelFolderTests.InspectOk(Folder);

        Assert.Equal(OnnxTasks.Embeddings, d.Task);
        Assert.Contains(d.Warnings, w => w.Contains("config.json"));
    }

    [Fact]
    public void External_data_named_by_the_model_belongs_to_it()
    {
        CopyMiniLmTokenizer();
        OnnxTestModel.MiniLm()
            .Initializer("big", externalLocation: "weights.bin")
            .Initializer("gone", externalLocation: "missing.bin")
            .Initializer("evil", externalLocation: "../outside.bin")
            .WriteTo(Path.Combine(Folder, "model.onnx"));
        File.WriteAllBytes(Path.Combine(Folder, "weights.bin"), new byte[64]);

        var d = OnnxModelFolderTests.InspectOk(Folder);

        Assert.Equal(["model.onnx", "weights.bin"], d.Files.Take(2));
        Assert.Contains(d.Warnings, w => w.Contains("missing.bin"));
        Assert.Contains(d.Warnings, w => w.Contains("outside"));
        Assert.DoesNotContain(d.Files, f => f.Contains("outside"));
    }

    [Fact]
    public void Image_classifier_with_hugging_face_config_takes_id2label()
    {
        WriteConfig("""{"architectures": ["ViTForImageClassification"], "id2label": {"0": "hot dog", "1": "not hot dog"}}""");
        File.WriteAllText(Path.Combine(Folder, "preprocessor_config.json"), """{"image_mean": [0.5, 0.5, 0.5]}""");
        new OnnxTestModel()
            .Input("pixel_values", OnnxTestModel.Float, "batch", 3L, 224L, 224L)
            .Output("logits", OnnxTestModel.Float, "batch", 2L)
            .WriteTo(Path.Combine(Folder, "model.onnx"));

        var d = OnnxModelFolderTests.InspectOk(Folder);

        Assert.Equal(OnnxTasks.ImageClassification, d.Task);
        Assert.Equal(["hot dog", "not hot dog"], d.Labels);
        Assert.Equal("NCHW", d.ImageLayout);
        Assert.Equal(["model.onnx", "config.json", "preprocessor_config.json"], d.Files);
    }
}
