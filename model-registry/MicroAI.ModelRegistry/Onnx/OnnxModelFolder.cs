namespace MicroAI.ModelRegistry.Onnx;

/// <summary>
/// Recognises an ONNX model and the files that go with it, and which task it does, from the files
/// themselves — no hand-written descriptor:
/// <list type="bullet">
/// <item>a Hugging Face folder (model.onnx or onnx/model.onnx, tokenizer.json and/or vocab.txt,
/// config.json with id2label and problem_type, tokenizer_config.json, special_tokens_map.json):
/// text-classification, rerank or embeddings, by the model's outputs (see <see cref="OnnxTaskRules"/>);</item>
/// <item>a Google Magika folder (model.onnx + config.min.json with target_labels_space): byte-classification;</item>
/// <item>an image classifier (one 4-D image input, a class-score output; labels from labels.txt,
/// Labels.json or config.json): image-classification;</item>
/// <item>anything else: unknown, still with its inputs and outputs.</item>
/// </list>
/// Problems (no model, an unreadable or corrupt one) come back as <see cref="OnnxFolderResult.Error"/>;
/// lesser ones (bad JSON beside a good model, a missing tokenizer) as <see cref="OnnxModelDescription.Warnings"/>.
/// </summary>
public static class OnnxModelFolder
{
    private const string OnnxSubfolder = "onnx";

    /// <summary>Files that belong to a model when they sit in its folder, in the order they are listed.</summary>
    private static readonly string[] CompanionFiles =
    [
        // tokenizers
        "tokenizer.json", "vocab.txt", "vocab.json", "merges.txt", "sentencepiece.bpe.model", "spiece.model",
        "tokenizer.model", "added_tokens.json", "tokenizer_config.json", "special_tokens_map.json",
        // configuration
        "config.json", "preprocessor_config.json", "modules.json", "sentence_bert_config.json",
        "config_sentence_transformers.json", "1_Pooling/config.json",
        // tabular models: the names of the feature columns
        "features.json",
        // labels
        "labels.json", "labels.txt", "synset.txt",
        // Magika
        "config.min.json", "content_types_kb.min.json",
    ];

    private static readonly string[] TokenizerFiles =
        ["tokenizer.json", "vocab.txt", "vocab.json", "sentencepiece.bpe.model", "spiece.model", "tokenizer.model"];

    private static readonly string[] FolderMarkers =
        ["config.json", "tokenizer.json", "vocab.txt", "tokenizer_config.json"];

    /// <summary>
    /// Inspects an .onnx file, or a folder holding one (model.onnx, onnx/model.onnx, or the only
    /// .onnx file at the top or in onnx/).
    /// </summary>
    public static OnnxFolderResult Inspect(string pathToOnnxFileOrFolder)
    {
        ArgumentNullException.ThrowIfNull(pathToOnnxFileOrFolder);
        try
        {
            var full = Path.GetFullPath(pathToOnnxFileOrFolder);
            string root;
            string modelPath;
            if (File.Exists(full))
            {
                modelPath = full;
                root = FolderOf(full);
            }
            else if (Directory.Exists(full))
            {
                root = full;
                var found = FindModel(root, out var problem);
                if (found is null)
                    return OnnxFolderResult.Fail(problem!);
                modelPath = found;
            }
            else
            {
                return OnnxFolderResult.Fail($"no such file or folder: {pathToOnnxFileOrFolder}");
            }

            var read = OnnxModelReader.Read(modelPath);
            if (!read.Success)
                return OnnxFolderResult.Fail($"{modelPath}: {read.Error}");
            return OnnxFolderResult.Ok(Describe(root, modelPath, read.Model));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            return OnnxFolderResult.Fail($"cannot inspect {pathToOnnxFileOrFolder}: {e.Message}");
        }
    }

    /// <summary>The folder a model file belongs to: its own, or the parent of a Hugging Face "onnx/" subfolder.</summary>
    public static string FolderOf(string modelPath)
    {
        var dir = Path.GetDirectoryName(modelPath)!;
        var parent = Path.GetDirectoryName(dir);
        if (parent is not null
            && Path.GetFileName(dir).Equals(OnnxSubfolder, StringComparison.OrdinalIgnoreCase)
            && FolderMarkers.Any(m => File.Exists(Path.Combine(parent, m))))
            return parent;
        return dir;
    }

    private static string? FindModel(string root, out string? problem)
    {
        problem = null;
        var sub = Path.Combine(root, OnnxSubfolder);
        foreach (var candidate in (ReadOnlySpan<string>)[Path.Combine(root, "model.onnx"), Path.Combine(sub, "model.onnx")])
        {
            if (File.Exists(candidate))
                return candidate;
        }

        foreach (var dir in (ReadOnlySpan<string>)[root, sub])
        {
            if (!Directory.Exists(dir))
                continue;
            var onnx = Directory.EnumerateFiles(dir)
                .Where(f => f.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (onnx.Count == 1)
                return onnx[0];
            if (onnx.Count > 1)
            {
                problem = $"{dir} holds several ONNX models ({string.Join(", ", onnx.Select(Path.GetFileName))}); name the file to use";
                return null;
            }
        }
        problem = $"no .onnx model in {root}";
        return null;
    }

    private static OnnxModelDescription Describe(string root, string modelPath, OnnxModelInfo model)
    {
        var warnings = new List<string>();
        var files = new List<string> { Relative(root, modelPath) };
        foreach (var data in ExternalDataFiles(modelPath, model, warnings))
            AddOnce(files, Relative(root, data));

        var companions = FindCompanions(root, Path.GetDirectoryName(modelPath)!);
        foreach (var path in companions.Values)
            AddOnce(files, Relative(root, path));

        var hf = companions.TryGetValue("config.json", out var configPath)
            ? OnnxLabelFiles.ReadHfConfig(configPath, "config.json", warnings)
            : null;
        var magikaLabels = companions.TryGetValue("config.min.json", out var magikaPath)
            ? OnnxLabelFiles.ReadMagikaLabels(magikaPath, "config.min.json", warnings)
            : null;

        OnnxTaskRules.Choice? choice;
        if (magikaLabels is not null)
        {
            choice = new OnnxTaskRules.Choice(OnnxTasks.ByteClassification, model.Outputs.FirstOrDefault()?.Name, magikaLabels);
        }
        else if (OnnxTaskRules.IsTextModel(model))
        {
            choice = OnnxTaskRules.Text(model, hf?.Labels, warnings);
            if (choice is not null && !TokenizerFiles.Any(companions.ContainsKey))
                warnings.Add("no tokenizer (tokenizer.json, vocab.txt, …) beside the model");
        }
        else
        {
            choice = OnnxTaskRules.Image(model);
            if (choice is not null)
            {
                choice = choice with { Labels = LabelFile(companions, warnings) ?? hf?.Labels };
            }
            else
            {
                var featureNames = companions.TryGetValue(OnnxFeatureFile.FileName, out var featuresPath) ? OnnxFeatureFile.Read(featuresPath, warnings) : null;
                choice = OnnxTaskRules.Tabular(model, featureNames, warnings);
                if (choice is { Tabular.Kind: OnnxTabularInfo.Classifier })
                    choice = choice with { Labels = LabelFile(companions, warnings) ?? model.ClassLabels ?? hf?.Labels };
            }
        }
        choice ??= new OnnxTaskRules.Choice(OnnxTasks.Unknown, null, null);

        CheckLabelCount(model, choice, warnings);
        return new OnnxModelDescription
        {
            Folder = root,
            ModelFile = files[0],
            Task = choice.Task,
            Files = files,
            Labels = choice.Labels,
            MultiLabel = hf?.MultiLabel ?? false,
            Inputs = model.Inputs,
            Outputs = model.Outputs,
            ImageLayout = choice.ImageLayout,
            ImageElementType = choice.ImageElementType,
            Tabular = choice.Tabular,
            PrimaryOutput = choice.PrimaryOutput,
            Capabilities = CapabilitiesOf(choice.Task),
            Warnings = warnings,
            ModelInfo = model,
        };
    }

    private static IReadOnlyList<string> CapabilitiesOf(string task) => task switch
    {
        OnnxTasks.Embeddings => [ModelCapability.Embeddings.Name],
        OnnxTasks.Rerank => [ModelCapability.Rerank.Name],
        OnnxTasks.TextClassification or OnnxTasks.ImageClassification or OnnxTasks.ByteClassification or OnnxTasks.Tabular => [ModelCapability.Classification.Name],
        _ => [],
    };

    private static IReadOnlyList<string>? LabelFile(Dictionary<string, string> companions, List<string> warnings)
    {
        if (companions.TryGetValue("labels.json", out var json) && OnnxLabelFiles.ReadJson(json, Path.GetFileName(json), warnings) is { } fromJson)
            return fromJson;
        foreach (var name in (ReadOnlySpan<string>)["labels.txt", "synset.txt"])
        {
            if (companions.TryGetValue(name, out var text) && OnnxLabelFiles.ReadText(text, Path.GetFileName(text), warnings) is { } fromText)
                return fromText;
        }
        return null;
    }

    private static void CheckLabelCount(OnnxModelInfo model, OnnxTaskRules.Choice choice, List<string> warnings)
    {
        if (choice.Labels is null || choice.PrimaryOutput is null)
            return;
        var output = model.Outputs.First(o => o.Name == choice.PrimaryOutput);
        if (OnnxTaskRules.ClassDim(output) is { Value: { } classes } && classes != choice.Labels.Count)
            warnings.Add($"{choice.Labels.Count} labels, but output '{output.Name}' has {classes} classes");
    }

    /// <summary>
    /// Companion files by canonical (lower-case) name → full path: looked up in the model's folder,
    /// then beside the model file; an exact-case match wins over others (Labels.txt, LABELS.TXT).
    /// </summary>
    private static Dictionary<string, string> FindCompanions(string root, string modelDir)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var listings = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var name in CompanionFiles)
        {
            foreach (var dir in (ReadOnlySpan<string>)[root, modelDir])
            {
                if (FindFile(dir, name, listings) is { } path)
                {
                    found[name] = path;
                    break;
                }
            }
        }
        return found;
    }

    private static string? FindFile(string dir, string relativeName, Dictionary<string, List<string>> listings)
    {
        var exact = Path.Combine(dir, relativeName);
        if (File.Exists(exact))
            return exact;
        var folder = Path.GetDirectoryName(exact)!;
        if (!listings.TryGetValue(folder, out var names))
        {
            names = Directory.Exists(folder) ? Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal).ToList() : [];
            listings[folder] = names;
        }
        var fileName = Path.GetFileName(relativeName);
        return names.FirstOrDefault(n => Path.GetFileName(n).Equals(fileName, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// External data: the locations the model's initializers name (inside its folder), files named
    /// after the model (model.onnx_data, model.onnx.data) and, when the model is the only one in
    /// its folder, any other *.onnx_data / *.onnx.data there.
    /// </summary>
    private static List<string> ExternalDataFiles(string modelPath, OnnxModelInfo model, List<string> warnings)
    {
        var dir = Path.GetDirectoryName(modelPath)!;
        var result = new List<string>();
        foreach (var location in model.ExternalDataFiles)
        {
            var full = Path.GetFullPath(Path.Combine(dir, location));
            if (Path.IsPathRooted(location) || !full.StartsWith(dir + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                warnings.Add($"external data location '{location}' is outside the model's folder and was ignored");
                continue;
            }
            if (File.Exists(full))
                AddOnce(result, full);
            else
                warnings.Add($"external data file '{location}' is missing");
        }

        foreach (var candidate in (ReadOnlySpan<string>)[modelPath + "_data", modelPath + ".data"])
        {
            if (File.Exists(candidate))
                AddOnce(result, candidate);
        }

        var all = Directory.EnumerateFiles(dir).ToList();
        if (all.Count(f => f.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) == 1)
        {
            foreach (var f in all.Order(StringComparer.Ordinal))
            {
                if (f.EndsWith(".onnx_data", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".onnx.data", StringComparison.OrdinalIgnoreCase))
                    AddOnce(result, f);
            }
        }
        return result;
    }

    private static void AddOnce(List<string> list, string item)
    {
        if (!list.Contains(item, StringComparer.Ordinal))
            list.Add(item);
    }

    private static string Relative(string root, string path) =>
        Path.GetRelativePath(root, path).Replace('\\', '/');
}
