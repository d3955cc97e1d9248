using MicroAI.ModelRegistry.Onnx;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Onnx;

/// <summary>Tabular models (ai.onnx.ml tree ensembles, linear models, ZipMap) are recognised with their kind, outputs, labels and feature columns.</summary>
public sealed class OnnxTabularFolderTests : IDisposable
{
    private readonly TempModelsDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_dir.Path, name)).FullName;

    [Fact]
    public void A_tree_classifier_with_ZipMap_is_a_tabular_classifier_with_labels_from_the_graph_and_names_from_features_json()
    {
        var folder = Folder("fraud");
        TabularTestModels.WriteFraudClassifier(folder);

        var d = OnnxModelFolderTests.InspectOk(folder);

        Assert.Equal(OnnxTasks.Tabular, d.Task);
        Assert.Equal([ModelCapability.Classification.Name], d.Capabilities);
        Assert.Equal(["model.onnx", "features.json"], d.Files);
        Assert.Equal(["legit", "fraud"], d.Labels);
        var t = Assert.IsType<OnnxTabularInfo>(d.Tabular);
        Assert.Equal(OnnxTabularInfo.Classifier, t.Kind);
        Assert.Equal("output_label", t.LabelOutput);
        Assert.Equal("output_probability", t.ScoreOutput);
        Assert.Equal(TabularTestModels.FraudFeatures, t.Features.Select(f => f.Name));
        Assert.All(t.Features, f => Assert.Equal("float_input", f.Input));
        Assert.Equal([0, 1, 2], t.Features.Select(f => f.Column));
        Assert.Equal(["TreeEnsembleClassifier", "ZipMap"], d.ModelInfo.MlOperators);
        Assert.Empty(d.Warnings);
    }

    [Fact]
    public void Without_features_json_a_matrix_input_has_unnamed_columns()
    {
        var folder = Folder("fraud-unnamed");
        TabularTestModels.WriteFraudClassifier(folder, withFeaturesFile: false);

        var t = OnnxModelFolderTests.InspectOk(folder).Tabular!;

        Assert.Equal(3, t.Features.Count);
        Assert.All(t.Features, f => Assert.Null(f.Name));
    }

    [Fact]
    public void A_features_json_with_the_wrong_count_is_ignored_with_a_warning()
    {
        var folder = Folder("fraud-bad-names");
        TabularTestModels.WriteFraudClassifier(folder, withFeaturesFile: false);
        File.WriteAllText(Path.Combine(folder, "features.json"), """["amount", "hour"]""");

        var d = OnnxModelFolderTests.InspectOk(folder);

        Assert.All(d.Tabular!.Features, f => Assert.Null(f.Name));
        Assert.Contains(d.Warnings, w => w.Contains("names 2 features but the model reads 3"));
    }

    [Fact]
    public void A_regressor_over_one_column_inputs_takes_its_feature_names_from_the_inputs()
    {
        var folder = Folder("sensor");
        TabularTestModels.WriteSensorRegressor(folder);

        var d = OnnxModelFolderTests.InspectOk(folder);

        Assert.Equal(OnnxTasks.Tabular, d.Task);
        var t = d.Tabular!;
        Assert.Equal(OnnxTabularInfo.Regressor, t.Kind);
        Assert.Null(t.LabelOutput);
        Assert.Equal("variable", t.ScoreOutput);
        Assert.Equal(["temperature", "vibration", "line"], t.Features.Select(f => f.Name));
        Assert.Equal(["float32", "float32", "int64"], t.Features.Select(f => f.ElementType));
        Assert.Null(d.Labels);
    }

    [Fact]
    public void A_label_and_one_score_per_row_is_an_outlier_detector()
    {
        var folder = Folder("anomaly");
        TabularTestModels.WriteAnomalyDetector(folder);

        var t = OnnxModelFolderTests.InspectOk(folder).Tabular!;

        Assert.Equal(OnnxTabularInfo.Anomaly, t.Kind);
        Assert.Equal("label", t.LabelOutput);
        Assert.Equal("scores", t.ScoreOutput);
        Assert.Equal(2, t.Features.Count);
    }

    [Fact]
    public void Integer_class_labels_are_read_from_the_classifier_node()
    {
        var folder = Folder("linear");
        TabularTestModels.WriteLinearClassifier(folder);

        var d = OnnxModelFolderTests.InspectOk(folder);

        Assert.Equal(OnnxTabularInfo.Classifier, d.Tabular!.Kind);
        Assert.Equal("probabilities", d.Tabular.ScoreOutput);
        Assert.Equal(["3", "5", "7"], d.Labels);
    }

    [Fact]
    public void A_labels_file_beside_the_model_overrides_the_graph_labels()
    {
        var folder = Folder("linear-labelled");
        TabularTestModels.WriteLinearClassifier(folder);
        File.WriteAllText(Path.Combine(folder, "labels.txt"), "low\nmedium\nhigh\n");

        Assert.Equal(["low", "medium", "high"], OnnxModelFolderTests.InspectOk(folder).Labels);
    }

    [Fact]
    public void A_plain_graph_over_a_matrix_is_tabular_only_with_a_features_json()
    {
        var folder = Folder("mlp");
        new OnnxGraphBuilder("mlp")
            .Input("x", OnnxGraphDataType.Float, "N", 2)
            .FloatInitializer("w", [1, 2], 2, 1)
            .Node("MatMul", ["x", "w"], ["y"])
            .Output("y", OnnxGraphDataType.Float, "N", 1)
            .WriteTo(Path.Combine(folder, "model.onnx"));

        Assert.Equal(OnnxTasks.Unknown, OnnxModelFolderTests.InspectOk(folder).Task);

        File.WriteAllText(Path.Combine(folder, "features.json"), """["pressure", "flow"]""");
        var d = OnnxModelFolderTests.InspectOk(folder);
        Assert.Equal(OnnxTasks.Tabular, d.Task);
        Assert.Equal(OnnxTabularInfo.Regressor, d.Tabular!.Kind);
        Assert.Equal(["pressure", "flow"], d.Tabular.Features.Select(f => f.Name));
    }

    [Fact]
    public void An_input_of_open_width_needs_a_features_json()
    {
        var folder = Folder("open");
        new OnnxGraphBuilder("open")
            .Opset(TabularTestModels.Ml, TabularTestModels.MlOpset)
            .Input("x", OnnxGraphDataType.Float, "N", "F")
            .Node(new OnnxGraphNode("Normalizer", ["x"], ["y"], [OnnxGraphAttribute.String("norm", "L2")], Domain: TabularTestModels.Ml))
            .Output("y", OnnxGraphDataType.Float, "N", "F")
            .WriteTo(Path.Combine(folder, "model.onnx"));

        var d = OnnxModelFolderTests.InspectOk(folder);
        Assert.Empty(d.Tabular!.Features);
        Assert.Contains(d.Warnings, w => w.Contains("open number of columns"));

        File.WriteAllText(Path.Combine(folder, "features.json"), """{"features": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}""");
        Assert.Equal(["a", "b", "c"], OnnxModelFolderTests.InspectOk(folder).Tabular!.Features.Select(f => f.Name));
    }
}
