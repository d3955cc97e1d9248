using System.Net;
using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Inference;

/// <summary>Tabular models (tests/Shared/TabularTestModels.cs) served through /v1/classifications, with answers computed by hand.</summary>
public sealed class TabularModelsServerFixture : ServerFixture
{
    public const string Fraud = "fraud";
    public const string FraudUnnamed = "fraud-unnamed";
    public const string Sensor = "sensor";
    public const string Anomaly = "anomaly";
    public const string Linear = "linear";
    public const string Category = "category";

    private readonly string _root = Directory.CreateTempSubdirectory("microai-tabular-").FullName;

    public TabularModelsServerFixture()
    {
        TabularTestModels.WriteFraudClassifier(Folder(Fraud));
        TabularTestModels.WriteFraudClassifier(Folder(FraudUnnamed), withFeaturesFile: false);
        TabularTestModels.WriteSensorRegressor(Folder(Sensor));
        TabularTestModels.WriteAnomalyDetector(Folder(Anomaly));
        TabularTestModels.WriteLinearClassifier(Folder(Linear));
        TabularTestModels.WriteCategoryRegressor(Folder(Category));
    }

    private string Folder(string model) => Directory.CreateDirectory(Path.Combine(_root, model)).FullName;

    protected override IEnumerable<string> ExtraArguments =>
        new[] { Fraud, FraudUnnamed, Sensor, Anomaly, Linear, Category }.Select(m => $"--MicroAI:Models:{m}:Path={Path.Combine(_root, m)}")
            .Append("--MicroAI:Onnx:IntraOpThreads=1");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class TabularModelsCollection : ICollectionFixture<TabularModelsServerFixture>
{
    public const string Name = "tabular models server";
}

[Collection(TabularModelsCollection.Name)]
public sealed class TabularModelsTests(TabularModelsServerFixture server)
{
    private async Task<JsonArray> ClassifyAsync(string model, JsonNode input, int? topK = null)
    {
        var body = new JsonObject { ["model"] = model, ["input"] = input };
        if (topK is not null)
            body["top_k"] = topK;
        var (response, json, raw) = await server.Http.PostJsonAsync("v1/classifications", body.ToJsonString());
        Assert.True(200 == (int)response.StatusCode, raw);
        Assert.Equal(model, (string?)json!["model"]);
        return json["data"]!.AsArray();
    }

    private async Task<JsonNode> ErrorAsync(string model, JsonNode input, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        var body = new JsonObject { ["model"] = model, ["input"] = input };
        var (response, json, raw) = await server.Http.PostJsonAsync("v1/classifications", body.ToJsonString());
        Assert.True(status == response.StatusCode, raw);
        return json!["error"]!;
    }

    private static float Score(JsonNode item, string label) =>
        (float)item["labels"]!.AsArray().Single(l => (string?)l!["label"] == label)!["score"]!;

    [Fact]
    public async Task A_tree_classifier_returns_its_label_and_the_ZipMap_probabilities_by_name_or_position()
    {
        var data = await ClassifyAsync(TabularModelsServerFixture.Fraud, new JsonArray(
            new JsonObject { ["values"] = new JsonObject { ["amount"] = 250, ["hour"] = 3, ["merchant_risk"] = 0.9 } },
            new JsonObject { ["features"] = new JsonArray(20, 14, 0.1) },
            new JsonObject { ["values"] = new JsonObject { ["merchant_risk"] = 0.2, ["hour"] = 22, ["amount"] = 999.5 } }));

        Assert.Equal(3, data.Count);
        var rows = new (double Amount, double Hour, double Risk)[] { (250, 3, 0.9), (20, 14, 0.1), (999.5, 22, 0.2) };
        for (var i = 0; i < rows.Length; i++)
        {
            var (legit, fraud) = TabularTestModels.ExpectedFraud(rows[i].Amount, rows[i].Hour, rows[i].Risk);
            Assert.Equal(i, (int)data[i]!["index"]!);
            Assert.Equal(legit, Score(data[i]!, "legit"));
            Assert.Equal(fraud, Score(data[i]!, "fraud"));
            Assert.Equal(fraud > legit ? "fraud" : "legit", (string?)data[i]!["label"]);
            Assert.Equal((string?)data[i]!["label"], (string?)data[i]!["labels"]![0]!["label"]);
            Assert.Null(data[i]!["score"]);
        }
        Assert.Equal("fraud", (string?)data[0]!["label"]);
        Assert.Equal(0.75f, Score(data[0]!, "fraud"));
    }

    [Fact]
    public async Task A_null_value_is_a_missing_value_that_follows_the_trees_missing_branch()
    {
        // amount missing → tree 0 takes its true branch (missing_value_tracks_true), as for a small amount.
        var data = await ClassifyAsync(TabularModelsServerFixture.Fraud,
            new JsonObject { ["values"] = new JsonObject { ["amount"] = null, ["hour"] = 3, ["merchant_risk"] = 0.9 } });

        var (legit, fraud) = TabularTestModels.ExpectedFraud(null, 3, 0.9);
        Assert.Equal(0.5625f, legit);
        Assert.Equal(legit, Score(data[0]!, "legit"));
        Assert.Equal(fraud, Score(data[0]!, "fraud"));
        Assert.Equal("legit", (string?)data[0]!["label"]);
    }

    [Fact]
    public async Task A_bare_array_of_numbers_is_one_row_and_an_array_of_arrays_is_a_batch()
    {
        var one = await ClassifyAsync(TabularModelsServerFixture.FraudUnnamed, new JsonArray(250, 3, 0.9));
        var batch = await ClassifyAsync(TabularModelsServerFixture.FraudUnnamed, new JsonArray(new JsonArray(250, 3, 0.9), new JsonArray(20, 14, 0.1)));

        Assert.Equal("fraud", (string?)Assert.Single(one)!["label"]);
        Assert.Equal(["fraud", "legit"], batch.Select(d => (string?)d!["label"]));
    }

    [Fact]
    public async Task A_regressor_returns_its_value_for_named_one_column_inputs_of_different_types()
    {
        var rows = new (double T, double V, long Line)[] { (30, 0.9, 1), (70, 0.1, 3), (70, 0.5, 2), (50, 0.3, 3) };
        var input = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
        {
            ["values"] = new JsonObject { ["temperature"] = r.T, ["vibration"] = r.V, ["line"] = r.Line },
        })]);

        var data = await ClassifyAsync(TabularModelsServerFixture.Sensor, input);

        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(TabularTestModels.ExpectedSensor(rows[i].T, rows[i].V, rows[i].Line), (float)data[i]!["score"]!);
            Assert.Null(data[i]!["labels"]);
            Assert.Null(data[i]!["label"]);
        }
        Assert.Equal(14.25f, (float)data[1]!["score"]!);
        Assert.Equal("14.25", data[1]!["score"]!.ToJsonString());
    }

    [Fact]
    public async Task An_outlier_detector_returns_its_score_and_flags_outliers()
    {
        var points = new (double X0, double X1)[] { (1, 1), (1, 9), (9, 1) };
        var data = await ClassifyAsync(TabularModelsServerFixture.Anomaly,
            new JsonArray([.. points.Select(p => (JsonNode)new JsonObject { ["features"] = new JsonArray(p.X0, p.X1) })]));

        for (var i = 0; i < points.Length; i++)
        {
            var expected = TabularTestModels.ExpectedAnomalyScore(points[i].X0, points[i].X1);
            Assert.Equal(expected, (float)data[i]!["score"]!);
            Assert.Equal(expected < 0, (bool)data[i]!["outlier"]!);
            Assert.Equal(expected < 0 ? "outlier" : "inlier", (string?)data[i]!["label"]);
        }
    }

    [Fact]
    public async Task A_linear_classifier_with_integer_classes_returns_the_class_labels_and_its_scores_as_computed()
    {
        var data = await ClassifyAsync(TabularModelsServerFixture.Linear, new JsonObject { ["features"] = new JsonArray(2, -1) }, topK: 0);

        var expected = TabularTestModels.ExpectedLinear(2, -1);
        var classes = new[] { "3", "5", "7" };
        var item = Assert.Single(data)!;
        for (var c = 0; c < 3; c++)
            Assert.Equal(expected[c], Score(item, classes[c]));
        var best = classes[Array.IndexOf(expected, expected.Max())];
        Assert.Equal(best, (string?)item["label"]);
        Assert.Equal(best, (string?)item["labels"]![0]!["label"]);
    }

    [Fact]
    public async Task A_category_column_takes_strings_by_name_or_position()
    {
        var data = await ClassifyAsync(TabularModelsServerFixture.Category, new JsonArray(
            new JsonObject { ["values"] = new JsonObject { ["country"] = "FR", ["amount"] = 10.5 } },
            new JsonObject { ["features"] = new JsonArray("US", 1) },
            new JsonObject { ["values"] = new JsonObject { ["amount"] = 4, ["country"] = "JP" } }));

        Assert.Equal(TabularTestModels.ExpectedCategory("FR", 10.5f), (float)data[0]!["score"]!);
        Assert.Equal(TabularTestModels.ExpectedCategory("US", 1), (float)data[1]!["score"]!);
        Assert.Equal(TabularTestModels.ExpectedCategory("JP", 4), (float)data[2]!["score"]!);

        var error = await ErrorAsync(TabularModelsServerFixture.Category, new JsonObject { ["values"] = new JsonObject { ["country"] = 49, ["amount"] = 1 } });
        Assert.Equal("input[0].values.country", (string?)error["param"]);
        Assert.Contains("is a category and takes a string", (string?)error["message"]);
    }

    [Fact]
    public async Task Top_k_limits_the_labels_of_a_tabular_classifier()
    {
        var data = await ClassifyAsync(TabularModelsServerFixture.Linear, new JsonObject { ["features"] = new JsonArray(2, -1) }, topK: 1);

        Assert.Single(data[0]!["labels"]!.AsArray());
    }

    [Theory]
    [InlineData("""{"features": [1, 2]}""", "input[0]", "has 2 values; 'fraud' reads 3: amount, hour, merchant_risk")]
    [InlineData("""{"values": {"amount": 1, "hour": 2}}""", "input[0]", "lacks 1 of the features 'fraud' reads: merchant_risk")]
    [InlineData("""{"values": {"amount": 1, "hour": 2, "merchant_risk": 0, "country": 4}}""", "input[0].values.country", "names 'country', which 'fraud' does not read")]
    [InlineData("""{"values": {"amount": "12", "hour": 2, "merchant_risk": 0}}""", "input[0].values.amount", "takes a number")]
    [InlineData("\"a transaction\"", "input[0]", "scores rows of 3 features")]
    public async Task Wrong_rows_are_400s_that_name_the_value(string input, string param, string message)
    {
        var error = await ErrorAsync(TabularModelsServerFixture.Fraud, JsonNode.Parse(input)!);

        Assert.Equal(param, (string?)error["param"]);
        Assert.Contains(message, (string?)error["message"]);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
    }

    [Fact]
    public async Task Named_values_need_names()
    {
        var error = await ErrorAsync(TabularModelsServerFixture.FraudUnnamed,
            new JsonObject { ["values"] = new JsonObject { ["amount"] = 1, ["hour"] = 2, ["merchant_risk"] = 0 } });

        Assert.Contains("has no names for its 3 feature columns", (string?)error["message"]);
        Assert.Contains("features.json", (string?)error["message"]);
    }

    [Theory]
    [InlineData("""{"temperature": 1, "vibration": 2, "line": 2.5}""", "input[0].values.line", "takes whole numbers")]
    [InlineData("""{"temperature": 1, "vibration": 2, "line": null}""", "input[0].values.line", "has no missing value")]
    public async Task Integer_columns_take_whole_numbers_only(string values, string param, string message)
    {
        var error = await ErrorAsync(TabularModelsServerFixture.Sensor, new JsonObject { ["values"] = JsonNode.Parse(values) });

        Assert.Equal(param, (string?)error["param"]);
        Assert.Contains(message, (string?)error["message"]);
    }

    [Fact]
    public async Task Feature_rows_sent_to_a_text_model_or_malformed_rows_are_400s()
    {
        var (duplicate, _, raw) = await server.Http.PostJsonAsync("v1/classifications",
            """{"model": "fraud", "input": {"values": {"amount": 1, "amount": 2, "hour": 1, "merchant_risk": 0}}}""");
        Assert.True(HttpStatusCode.BadRequest == duplicate.StatusCode, raw);
        Assert.Contains("twice", raw);

        var (nested, _, nestedRaw) = await server.Http.PostJsonAsync("v1/classifications", """{"model": "fraud", "input": {"features": [[1], 2, 3]}}""");
        Assert.True(HttpStatusCode.BadRequest == nested.StatusCode, nestedRaw);
    }

    [Fact]
    public async Task The_model_describes_itself_as_tabular_in_the_models_list()
    {
        using var response = await server.Http.GetAsync($"api/models/{TabularModelsServerFixture.Fraud}");
        var raw = await response.Content.ReadAsStringAsync();

        Assert.True(200 == (int)response.StatusCode, raw);
        Assert.Contains("tabular", raw);
        Assert.Contains("merchant_risk", raw);
        Assert.Contains("classification", raw);
    }
}
