namespace MicroAI.Tests.Shared;

/// <summary>
/// Small tabular models in the shapes scikit-learn, XGBoost and LightGBM exports take (ai.onnx.ml
/// tree ensembles, a linear classifier, ZipMap), whose answers are computed by hand in the
/// Expected… methods. Every weight and threshold is a multiple of 1/16, so sums are exact in float32.
/// </summary>
internal static class TabularTestModels
{
    public const string Ml = "ai.onnx.ml";

    /// <summary>ai.onnx.ml 3: TreeEnsembleClassifier/Regressor and LinearClassifier as the converters emit them (version 5 deprecates the first two).</summary>
    public const long MlOpset = 3;

    public static readonly string[] FraudFeatures = ["amount", "hour", "merchant_risk"];

    /// <summary>
    /// A random-forest-style fraud classifier, as skl2onnx writes one: input "float_input" [N, 3] (named by a
    /// features.json), TreeEnsembleClassifier with string labels → "output_label" [N] and ZipMap →
    /// "output_probability" seq(map(string, float)). Each leaf votes for both classes with its class probabilities
    /// divided by the tree count, as a random forest's export does. Fraud votes: tree 0: amount ≤ 100 (a missing
    /// amount goes this way) → 0.0625; else hour &lt; 6 → 0.375, else 0.125. Tree 1: merchant_risk ≤ 0.5 → 0.0625,
    /// else 0.375. Legit votes are 0.5 minus those. (With two classes ONNX Runtime 1.32's own label output says the
    /// second class whenever its score is above 0, which is why the server labels by the highest probability.)
    /// </summary>
    public static void WriteFraudClassifier(string folder, bool withFeaturesFile = true)
    {
        new OnnxGraphBuilder("fraud_forest")
            .Opset(Ml, MlOpset)
            .Input("float_input", OnnxGraphDataType.Float, "N", 3)
            .Node(new OnnxGraphNode("TreeEnsembleClassifier", ["float_input"], ["label", "probabilities"],
            [
                OnnxGraphAttribute.Strings("classlabels_strings", "legit", "fraud"),
                OnnxGraphAttribute.Ints("nodes_treeids", 0, 0, 0, 0, 0, 1, 1, 1),
                OnnxGraphAttribute.Ints("nodes_nodeids", 0, 1, 2, 3, 4, 0, 1, 2),
                OnnxGraphAttribute.Ints("nodes_featureids", 0, 0, 1, 0, 0, 2, 0, 0),
                OnnxGraphAttribute.Floats("nodes_values", 100, 0, 6, 0, 0, 0.5f, 0, 0),
                OnnxGraphAttribute.Strings("nodes_modes", "BRANCH_LEQ", "LEAF", "BRANCH_LT", "LEAF", "LEAF", "BRANCH_LEQ", "LEAF", "LEAF"),
                OnnxGraphAttribute.Ints("nodes_truenodeids", 1, 0, 3, 0, 0, 1, 0, 0),
                OnnxGraphAttribute.Ints("nodes_falsenodeids", 2, 0, 4, 0, 0, 2, 0, 0),
                OnnxGraphAttribute.Ints("nodes_missing_value_tracks_true", 1, 0, 0, 0, 0, 0, 0, 0),
                OnnxGraphAttribute.Ints("class_treeids", 0, 0, 0, 0, 0, 0, 1, 1, 1, 1),
                OnnxGraphAttribute.Ints("class_nodeids", 1, 1, 3, 3, 4, 4, 1, 1, 2, 2),
                OnnxGraphAttribute.Ints("class_ids", 0, 1, 0, 1, 0, 1, 0, 1, 0, 1),
                OnnxGraphAttribute.Floats("class_weights", 0.4375f, 0.0625f, 0.125f, 0.375f, 0.375f, 0.125f, 0.4375f, 0.0625f, 0.125f, 0.375f),
                OnnxGraphAttribute.String("post_transform", "NONE"),
            ], Domain: Ml))
            .Node(new OnnxGraphNode("Identity", ["label"], ["output_label"]))
            .Node(new OnnxGraphNode("ZipMap", ["probabilities"], ["output_probability"],
                [OnnxGraphAttribute.Strings("classlabels_strings", "legit", "fraud")], Domain: Ml))
            .Output("output_label", OnnxGraphDataType.String, "N")
            .SequenceOfMapsOutput("output_probability", OnnxGraphDataType.String, OnnxGraphDataType.Float)
            .WriteTo(Path.Combine(folder, "model.onnx"));
        if (withFeaturesFile)
            File.WriteAllText(Path.Combine(folder, "features.json"), """{"features": ["amount", "hour", "merchant_risk"]}""");
    }

    /// <summary>(legit, fraud) probabilities of <see cref="WriteFraudClassifier"/>; a null amount is missing.</summary>
    public static (float Legit, float Fraud) ExpectedFraud(double? amount, double hour, double risk)
    {
        var fraud = (amount is null or <= 100 ? 0.0625f : hour < 6 ? 0.375f : 0.125f) + (risk <= 0.5 ? 0.0625f : 0.375f);
        return (1 - fraud, fraud);
    }

    /// <summary>
    /// A sensor regressor with one input per feature, as converters write a pipeline over named columns:
    /// "temperature" and "vibration" float [N, 1], "line" int64 [N, 1], cast and concatenated into [N, 3] for a
    /// TreeEnsembleRegressor (SUM, base 10) → "variable" [N, 1]. Tree 0: temperature ≤ 50 → +1.5; else vibration
    /// &lt; 0.25 → +4, else +8.5. Tree 1: line == 3 → +0.25, else +0.
    /// </summary>
    public static void WriteSensorRegressor(string folder)
    {
        new OnnxGraphBuilder("sensor_trees")
            .Opset(Ml, MlOpset)
            .Input("temperature", OnnxGraphDataType.Float, "N", 1)
            .Input("vibration", OnnxGraphDataType.Float, "N", 1)
            .Input("line", OnnxGraphDataType.Int64, "N", 1)
            .Node("Cast", ["line"], ["line_f"], OnnxGraphAttribute.Int("to", (int)OnnxGraphDataType.Float))
            .Node("Concat", ["temperature", "vibration", "line_f"], ["x"], OnnxGraphAttribute.Int("axis", 1))
            .Node(new OnnxGraphNode("TreeEnsembleRegressor", ["x"], ["variable"],
            [
                OnnxGraphAttribute.Int("n_targets", 1),
                OnnxGraphAttribute.Ints("nodes_treeids", 0, 0, 0, 0, 0, 1, 1, 1),
                OnnxGraphAttribute.Ints("nodes_nodeids", 0, 1, 2, 3, 4, 0, 1, 2),
                OnnxGraphAttribute.Ints("nodes_featureids", 0, 0, 1, 0, 0, 2, 0, 0),
                OnnxGraphAttribute.Floats("nodes_values", 50, 0, 0.25f, 0, 0, 3, 0, 0),
                OnnxGraphAttribute.Strings("nodes_modes", "BRANCH_LEQ", "LEAF", "BRANCH_LT", "LEAF", "LEAF", "BRANCH_EQ", "LEAF", "LEAF"),
                OnnxGraphAttribute.Ints("nodes_truenodeids", 1, 0, 3, 0, 0, 1, 0, 0),
                OnnxGraphAttribute.Ints("nodes_falsenodeids", 2, 0, 4, 0, 0, 2, 0, 0),
                OnnxGraphAttribute.Ints("target_treeids", 0, 0, 0, 1, 1),
                OnnxGraphAttribute.Ints("target_nodeids", 1, 3, 4, 1, 2),
                OnnxGraphAttribute.Ints("target_ids", 0, 0, 0, 0, 0),
                OnnxGraphAttribute.Floats("target_weights", 1.5f, 4, 8.5f, 0.25f, 0),
                OnnxGraphAttribute.Floats("base_values", 10),
                OnnxGraphAttribute.String("aggregate_function", "SUM"),
                OnnxGraphAttribute.String("post_transform", "NONE"),
            ], Domain: Ml))
            .Output("variable", OnnxGraphDataType.Float, "N", 1)
            .WriteTo(Path.Combine(folder, "model.onnx"));
    }

    public static float ExpectedSensor(double temperature, double vibration, long line) =>
        10f + (temperature <= 50 ? 1.5f : vibration < 0.25 ? 4f : 8.5f) + (line == 3 ? 0.25f : 0f);

    /// <summary>
    /// An isolation-forest-style outlier detector, as skl2onnx writes IsolationForest: input "X" [N, 2],
    /// "label" int64 [N, 1] (-1 outlier, 1 inlier) and "scores" float [N, 1] (negative = anomalous).
    /// One tree: x0 ≤ 5 and x1 ≤ 5 → 0.25; x0 ≤ 5, x1 &gt; 5 → -0.125; x0 &gt; 5 → -0.375. label = score &lt; 0 ? -1 : 1.
    /// </summary>
    public static void WriteAnomalyDetector(string folder)
    {
        new OnnxGraphBuilder("isolation_forest")
            .Opset(Ml, MlOpset)
            .Input("X", OnnxGraphDataType.Float, "N", 2)
            .FloatInitializer("zero", [0], 1)
            .Int64Initializer("outlier", [-1], 1)
            .Int64Initializer("inlier", [1], 1)
            .Node(new OnnxGraphNode("TreeEnsembleRegressor", ["X"], ["scores"],
            [
                OnnxGraphAttribute.Int("n_targets", 1),
                OnnxGraphAttribute.Ints("nodes_treeids", 0, 0, 0, 0, 0),
                OnnxGraphAttribute.Ints("nodes_nodeids", 0, 1, 2, 3, 4),
                OnnxGraphAttribute.Ints("nodes_featureids", 0, 1, 0, 0, 0),
                OnnxGraphAttribute.Floats("nodes_values", 5, 5, 0, 0, 0),
                OnnxGraphAttribute.Strings("nodes_modes", "BRANCH_LEQ", "BRANCH_LEQ", "LEAF", "LEAF", "LEAF"),
                OnnxGraphAttribute.Ints("nodes_truenodeids", 1, 3, 0, 0, 0),
                OnnxGraphAttribute.Ints("nodes_falsenodeids", 2, 4, 0, 0, 0),
                OnnxGraphAttribute.Ints("target_treeids", 0, 0, 0),
                OnnxGraphAttribute.Ints("target_nodeids", 2, 3, 4),
                OnnxGraphAttribute.Ints("target_ids", 0, 0, 0),
                OnnxGraphAttribute.Floats("target_weights", -0.375f, 0.25f, -0.125f),
                OnnxGraphAttribute.String("aggregate_function", "SUM"),
                OnnxGraphAttribute.String("post_transform", "NONE"),
            ], Domain: Ml))
            .Node("Less", ["scores", "zero"], ["is_outlier"])
            .Node("Where", ["is_outlier", "outlier", "inlier"], ["label"])
            .Output("label", OnnxGraphDataType.Int64, "N", 1)
            .Output("scores", OnnxGraphDataType.Float, "N", 1)
            .WriteTo(Path.Combine(folder, "model.onnx"));
    }

    public static float ExpectedAnomalyScore(double x0, double x1) => x0 > 5 ? -0.375f : x1 <= 5 ? 0.25f : -0.125f;

    /// <summary>
    /// A linear classifier with integer class labels and a probability tensor (no ZipMap), as XGBoost's and
    /// LightGBM's converters can write: input "input" [N, 2], LinearClassifier with classlabels_ints 3, 5, 7 →
    /// "label" int64 [N] and "probabilities" float [N, 3] = x · coefficients + intercepts (no transform).
    /// </summary>
    public static void WriteLinearClassifier(string folder)
    {
        new OnnxGraphBuilder("linear")
            .Opset(Ml, MlOpset)
            .Input("input", OnnxGraphDataType.Float, "N", 2)
            .Node(new OnnxGraphNode("LinearClassifier", ["input"], ["label", "probabilities"],
            [
                OnnxGraphAttribute.Ints("classlabels_ints", 3, 5, 7),
                OnnxGraphAttribute.Floats("coefficients", LinearCoefficients),
                OnnxGraphAttribute.Floats("intercepts", LinearIntercepts),
                OnnxGraphAttribute.String("post_transform", "NONE"),
            ], Domain: Ml))
            .Output("label", OnnxGraphDataType.Int64, "N")
            .Output("probabilities", OnnxGraphDataType.Float, "N", 3)
            .WriteTo(Path.Combine(folder, "model.onnx"));
    }

    private static readonly float[] LinearCoefficients = [1, 0.5f, -1, 0.25f, 0, 1];
    private static readonly float[] LinearIntercepts = [0, 0.5f, -0.25f];

    /// <summary>The three class scores of <see cref="WriteLinearClassifier"/>, for classes 3, 5, 7.</summary>
    public static float[] ExpectedLinear(float x0, float x1) =>
        [.. Enumerable.Range(0, 3).Select(c => LinearCoefficients[c * 2] * x0 + LinearCoefficients[c * 2 + 1] * x1 + LinearIntercepts[c])];

    /// <summary>
    /// A model with a category column, as a pipeline with an encoder exports one: "country" string [N, 1] through
    /// LabelEncoder (DE → 1, FR → 2, US → 3, anything else → 0) plus "amount" float [N, 1] → "variable" [N, 1].
    /// </summary>
    public static void WriteCategoryRegressor(string folder)
    {
        new OnnxGraphBuilder("category")
            .Opset(Ml, MlOpset)
            .Input("country", OnnxGraphDataType.String, "N", 1)
            .Input("amount", OnnxGraphDataType.Float, "N", 1)
            .Node(new OnnxGraphNode("LabelEncoder", ["country"], ["country_code"],
            [
                OnnxGraphAttribute.Strings("keys_strings", "DE", "FR", "US"),
                OnnxGraphAttribute.Floats("values_floats", 1, 2, 3),
                OnnxGraphAttribute.Float("default_float", 0),
            ], Domain: Ml))
            .Node("Add", ["country_code", "amount"], ["variable"])
            .Output("variable", OnnxGraphDataType.Float, "N", 1)
            .WriteTo(Path.Combine(folder, "model.onnx"));
    }

    public static float ExpectedCategory(string country, float amount) =>
        amount + country switch { "DE" => 1, "FR" => 2, "US" => 3, _ => 0 };
}
