using System.Text.Json;
using MicroAI.Engines.Abstractions;
using MicroAI.Engines.Onnx.Pipelines;
using MicroAI.Engines.Onnx.Pipelines.Magika;
using MicroAI.Engines.Onnx.Pipelines.Tabular;
using MicroAI.Imaging;
using MicroAI.ModelRegistry;
using MicroAI.ModelRegistry.Onnx;
using MicroAI.Tokenizers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroAI.Engines.Onnx;

/// <summary>
/// The ONNX Runtime engine: serves ONNX models for classification (text, content bytes, images, tabular feature rows),
/// embeddings and rerank. The pipeline is chosen from what the registry recognised in the model's
/// folder (<see cref="OnnxModelFolder"/>); one ORT session per loaded model, shared by concurrent
/// requests (ORT's Run is thread-safe).
/// </summary>
internal sealed class OnnxEngine(IOptions<OnnxRuntimeOptions> options, ILoggerFactory loggerFactory) : IModelEngine
{
    private readonly ILogger _logger = loggerFactory.CreateLogger(OnnxRuntimeEnvironment.LogCategory);

    public string Name => "ONNX Runtime";

    /// <summary>ONNX models for the whole-request capabilities; which task a model has is checked at load (<see cref="OnnxModelFolder"/>).</summary>
    public bool CanServe(ModelEntry entry, ModelCapability capability) =>
        entry.Format == ModelFormat.Onnx && (capability == ModelCapability.Classification || capability == ModelCapability.Embeddings || capability == ModelCapability.Rerank);

    public EnginePreflight Preflight() => OnnxPreflight.Check(options.Value.NativeDirectory);

    // Start() keeps the default: ONNX Runtime is optional and loads on first use, so a server
    // without ONNX models never pays for it (nor fails for its absence).

    public void WriteDevices(Utf8JsonWriter w)
    {
        OnnxRuntimeEnvironment? ort = null;
        string? problem = null;
        try
        {
            ort = OnnxRuntimeEnvironment.Shared(options.Value.NativeDirectory, loggerFactory);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or OnnxRuntimeException)
        {
            problem = ex.Message;
        }
        w.WriteStartObject();
        w.WriteString("name", "onnxruntime");
        w.WriteString("version", ort?.Version);
        w.WriteString("execution_provider", options.Value.ExecutionProvider);
        if (problem is not null)
            w.WriteString("error", problem);
        w.WriteStartArray("providers");
        foreach (var provider in ort?.DescribeProviders() ?? [])
        {
            w.WriteStartObject();
            w.WriteString("name", provider.Provider);
            w.WriteBoolean("available", provider.Used);
            if (provider.Reason is not null)
                w.WriteString("reason", provider.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public IInferenceModel LoadInferenceModel(ModelEntry entry, ModelCapability capability, ModelLoadSettings settings)
    {
        var modelPath = OnnxModelFiles.Materialize(entry);
        var inspected = OnnxModelFolder.Inspect(modelPath);
        if (!inspected.Success)
            throw new ModelLoadException($"'{entry.Id}': {inspected.Error}");
        var d = inspected.Model;
        ModelCapability? expected = d.Task switch
        {
            OnnxTasks.Embeddings => ModelCapability.Embeddings,
            OnnxTasks.Rerank => ModelCapability.Rerank,
            OnnxTasks.TextClassification or OnnxTasks.ByteClassification or OnnxTasks.ImageClassification or OnnxTasks.Tabular => ModelCapability.Classification,
            _ => null,
        };
        if (expected != capability)
            throw new ModelLoadException($"'{entry.Id}' is recognised as {d.Task}, which does not serve {capability}.");

        var session = OpenSession(entry, Path.Combine(d.Folder, d.ModelFile));
        try
        {
            return d.Task switch
            {
                OnnxTasks.ByteClassification => new MagikaClassifier(entry.Id, session, LoadMagika(d)),
                OnnxTasks.ImageClassification => new ImageClassificationPipeline(entry.Id, session, d.Folder, d.Labels, d.ImageLayout, d.PrimaryOutput, ImageDecodeLimits.Default),
                OnnxTasks.TextClassification => new TextClassificationPipeline(entry.Id, session, LoadTokenizer(entry, d), d.Folder, d.Labels, d.MultiLabel, d.PrimaryOutput),
                OnnxTasks.Tabular => new TabularPipeline(entry.Id, session, d.Tabular!, d.Labels),
                OnnxTasks.Embeddings => new SentenceEmbeddingPipeline(entry.Id, session, LoadTokenizer(entry, d), d.Folder, d.PrimaryOutput),
                OnnxTasks.Rerank => new CrossEncoderPipeline(entry.Id, session, LoadTokenizer(entry, d), d.Folder, d.PrimaryOutput),
                _ => throw new ModelLoadException($"'{entry.Id}': no pipeline for task {d.Task}."),
            };
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private OnnxSession OpenSession(ModelEntry entry, string modelPath)
    {
        OnnxRuntimeEnvironment environment;
        try
        {
            environment = OnnxRuntimeEnvironment.Shared(options.Value.NativeDirectory, loggerFactory);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or OnnxRuntimeException)
        {
            throw new ModelLoadException("The ONNX Runtime engine is not available: " + ex.Message, ex);
        }
        try
        {
            var session = environment.OpenSession(modelPath, options.Value);
            _logger.LogInformation("ONNX model {Model} runs on {Provider}.", entry.Id, session.ExecutionProvider);
            return session;
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or ArgumentException)
        {
            throw new ModelLoadException($"ONNX Runtime could not load '{entry.Id}': {ex.Message}", ex);
        }
    }

    private static ITokenizer LoadTokenizer(ModelEntry entry, OnnxModelDescription d)
    {
        try
        {
            return TokenizerFactory.FromFolder(d.Folder);
        }
        catch (TokenizerLoadException ex)
        {
            throw new ModelLoadException($"'{entry.Id}': its tokenizer cannot be used: {ex.Message}", ex);
        }
    }

    private static MagikaConfig LoadMagika(OnnxModelDescription d)
    {
        try
        {
            var kb = Path.Combine(d.Folder, "content_types_kb.min.json");
            return MagikaConfig.Load(Path.Combine(d.Folder, "config.min.json"), File.Exists(kb) ? kb : null);
        }
        catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or IOException or InvalidOperationException or FormatException)
        {
            throw new ModelLoadException($"Magika configuration in {d.Folder} cannot be used: {ex.Message}", ex);
        }
    }
}
