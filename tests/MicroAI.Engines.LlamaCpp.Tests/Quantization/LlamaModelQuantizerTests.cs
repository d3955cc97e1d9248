using MicroAI.Engines.Evaluation;
using MicroAI.Engines.LlamaCpp.Evaluation;
using MicroAI.Engines.LlamaCpp.Quantization;
using MicroAI.Engines.Quantization;
using MicroAI.ModelRegistry;
using MicroAI.ModelRegistry.Gguf;
using MicroAI.ModelRegistry.Store;
using MicroAI.Runtime;
using MicroAI.Tests.Shared;
using Microsoft.Extensions.Options;

namespace MicroAI.Engines.LlamaCpp.Tests.Quantization;

/// <summary>llama_model_quantize through the quantizer service on a registry of its own, with stories260K (F32, n_embd 64).</summary>
public sealed class LlamaModelQuantizerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "microai-quant-" + Guid.NewGuid().ToString("N"));
    private readonly ModelCatalog _catalog;

    public LlamaModelQuantizerTests()
    {
        LlamaTestRuntime.EnsureInitialised();
        _catalog = new ModelCatalog(Options.Create(new ModelRegistryOptions { DataDirectory = _root, OllamaModelsDirectory = "none" }));
        var imported = _catalog.Store.ImportAsync(new ImportRequest(TestPaths.Stories260K, "stories"), null, CancellationToken.None).GetAwaiter().GetResult();
        Assert.True(imported.Success, imported.Error);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private LlamaModelQuantizer Quantizer(Func<string, long>? freeBytes = null) =>
        new(_catalog, Options.Create(new EngineOptions { Threads = 2 }), LlamaTestRuntime.Logs) { FreeBytes = freeBytes ?? (_ => long.MaxValue) };

    private static LlamaModelEvaluator Evaluator() => new(Options.Create(new EngineOptions { Threads = 2, GpuLayers = 0 }), LlamaTestRuntime.Logs);

    private string[] Names() => [.. _catalog.Store.List().Select(m => m.ModelName.ToString()).Order()];

    private string[] Partials() => Directory.Exists(_catalog.Store.Blobs.PartialDirectory) ? Directory.GetFiles(_catalog.Store.Blobs.PartialDirectory) : [];

    [Fact]
    public void Default_params_are_those_llama_h_documents()
    {
        var p = LlamaCpp.Native.LlamaNative.llama_model_quantize_default_params();
        Assert.Equal(64, System.Runtime.CompilerServices.Unsafe.SizeOf<LlamaCpp.Native.LlamaModelQuantizeParams>());
        Assert.Equal(0, p.nthread);
        Assert.Equal((int)LlamaCpp.Native.LlamaFtype.MostlyQ8_0, p.ftype);
        Assert.Equal(43, p.output_tensor_type);      // GGML_TYPE_COUNT: the ftype decides
        Assert.Equal(43, p.token_embedding_type);
        Assert.Equal(0, p.allow_requantize);
        Assert.Equal(1, p.quantize_output_tensor);
        Assert.Equal(0, p.only_copy | p.pure | p.keep_split | p.dry_run);
        Assert.Equal(0, p.imatrix | p.kv_overrides | p.tt_overrides | p.prune_layers);
        Assert.Equal(8UL << 30, (ulong)p.max_buf_size);
    }

    [Fact]
    public async Task Q8_0_is_smaller_has_lineage_reports_progress_and_keeps_perplexity_within_one_percent()
    {
        var progress = new List<QuantizeProgress>();
        var result = await Quantizer().QuantizeAsync(new QuantizeRequest("stories", "q8_0", Options: new QuantizeOptions(Threads: 2)),
            new SyncProgress<QuantizeProgress>(progress.Add), CancellationToken.None);

        Assert.True(result.Success, result.Error);
        var m = result.Manifest!;
        Assert.Equal("stories-q8_0:latest", m.ModelName.ToString());
        Assert.Equal("Q8_0", m.Quantization);
        var source = _catalog.Store.Find("stories")!;
        Assert.InRange(m.TotalSize, source.TotalSize / 4, source.TotalSize / 2);
        Assert.Equal(new ManifestLineage { Operation = "quantize", ParentName = "stories:latest", ParentDigest = source.MainFile!.Digest, Type = "Q8_0" } with { Parameters = m.Lineage!.Parameters }, m.Lineage);
        Assert.Equal("2", m.Lineage.Parameters["threads"]);
        var gguf = GgufReader.Read(_catalog.Store.PathOf(m.MainFile!)).File!;
        Assert.Equal(7UL, gguf.GetUInt64("general.file_type"));
        // One progress line per tensor, in order, up to the model's count.
        var tensors = progress.Where(p => p.Status == "quantizing" && p.Completed > 0).Select(p => p.Completed).ToList();
        Assert.Equal(Enumerable.Range(1, gguf.Tensors.Count), tensors);
        Assert.Empty(Partials());

        var f32 = await Evaluator().EvaluateAsync(new EvaluationRequest(TestPaths.Stories260K, EvaluationTexts.Default, GenerateTokens: 16), null, CancellationToken.None);
        var q8 = await Evaluator().EvaluateAsync(new EvaluationRequest(_catalog.Store.PathOf(m.MainFile!), EvaluationTexts.Default, GenerateTokens: 16), null, CancellationToken.None);
        Assert.True(Math.Abs(q8.Perplexity.Perplexity / f32.Perplexity.Perplexity - 1) < 0.01, $"F32 {f32.Perplexity.Perplexity:0.0000}, Q8_0 {q8.Perplexity.Perplexity:0.0000}");
        Assert.NotEqual(f32.Perplexity.Perplexity, q8.Perplexity.Perplexity);
        Assert.Equal(512, f32.ContextSize);
        Assert.True(f32.Perplexity.Chunks.Count >= 2);
        Assert.True(f32.PromptTokensPerSecond > 0 && f32.GenerationTokensPerSecond > 0);
    }

    [Fact]
    public async Task Q4_0_is_smaller_than_Q8_0_and_costs_more_perplexity()
    {
        var q8 = await Quantizer().QuantizeAsync(new QuantizeRequest("stories", "Q8_0"), null, CancellationToken.None);
        var q4 = await Quantizer().QuantizeAsync(new QuantizeRequest("stories", "Q4_0", "stories:q4"), null, CancellationToken.None);
        Assert.True(q4.Success, q4.Error);
        Assert.True(q4.Manifest!.TotalSize < q8.Manifest!.TotalSize, $"Q4_0 {q4.Manifest.TotalSize} B, Q8_0 {q8.Manifest.TotalSize} B");
        Assert.Equal("Q4_0", q4.Manifest.Quantization);

        var ppl8 = (await Evaluator().EvaluateAsync(new EvaluationRequest(_catalog.Store.PathOf(q8.Manifest.MainFile!), EvaluationTexts.Default, GenerateTokens: 0), null, CancellationToken.None)).Perplexity.Perplexity;
        var ppl4 = (await Evaluator().EvaluateAsync(new EvaluationRequest(_catalog.Store.PathOf(q4.Manifest.MainFile!), EvaluationTexts.Default, GenerateTokens: 0), null, CancellationToken.None)).Perplexity.Perplexity;
        Assert.True(ppl4 > ppl8, $"Q4_0 {ppl4:0.0000}, Q8_0 {ppl8:0.0000}");
    }

    [Fact]
    public async Task A_K_quant_on_rows_of_64_falls_back_per_tensor_and_still_loads()
    {
        // Q4_K blocks are 256 weights; stories260K's rows are 64, so llama.cpp falls back to Q5_0 (32).
        var result = await Quantizer().QuantizeAsync(new QuantizeRequest("stories", "Q4_K_M"), null, CancellationToken.None);
        Assert.True(result.Success, result.Error);
        var gguf = GgufReader.Read(_catalog.Store.PathOf(result.Manifest!.MainFile!)).File!;
        Assert.DoesNotContain(gguf.Tensors, t => t.TypeName == "Q4_K");
        Assert.Contains(gguf.Tensors, t => t.TypeName is "Q5_0" or "Q8_0");
        using var model = LlamaModel.Load(LlamaTestRuntime.Entry(_catalog.Store.PathOf(result.Manifest.MainFile!)), new Engines.Abstractions.ModelLoadSettings(0, null), LlamaTestRuntime.Logs.CreateLogger("t"));
    }

    [Theory]
    [InlineData("stories", "Q9_9", "Unknown quantization type 'Q9_9'. Types: F32, F16, BF16, Q8_0, Q6_K")]
    [InlineData("stories", "IQ2_XXS", "needs an importance matrix")]
    [InlineData("stories", "F32", "would not make it smaller")]
    [InlineData("nope", "Q4_0", "does not exist")]
    [InlineData("stories", "Q4_0", "is the model being quantized", "stories")]
    public async Task Refusals_are_clear_and_leave_nothing(string model, string type, string message, string? name = null)
    {
        var before = Names();
        var result = await Quantizer().QuantizeAsync(new QuantizeRequest(model, type, name), null, CancellationToken.None);
        Assert.False(result.Success);
        Assert.Contains(message, result.Error);
        Assert.Equal(before, Names());
        Assert.Empty(Partials());
    }

    [Fact]
    public async Task An_already_quantized_model_is_refused_unless_requantizing_is_allowed()
    {
        var q4 = await Quantizer().QuantizeAsync(new QuantizeRequest("stories", "Q4_0"), null, CancellationToken.None);
        Assert.True(q4.Success, q4.Error);
        var before = Names();

        var same = await Quantizer().QuantizeAsync(new QuantizeRequest("stories-q4_0", "Q8_0"), null, CancellationToken.None);
        Assert.Equal(StoreErrorKind.Invalid, same.Kind);
        Assert.Contains("would not make it smaller", same.Error);
        var f16 = await Quantizer().QuantizeAsync(new QuantizeRequest("stories-q4_0", "F16"), null, CancellationToken.None);
        Assert.Contains("would not make it smaller", f16.Error);
        var smaller = await Quantizer().QuantizeAsync(new QuantizeRequest("stories-q4_0", "Q2_K"), null, CancellationToken.None);
        Assert.Contains("already quantized (Q4_0)", smaller.Error);
        Assert.Equal(before, Names());

        var allowed = await Quantizer().QuantizeAsync(new QuantizeRequest("stories-q4_0", "Q8_0", "requant", new QuantizeOptions(AllowRequantize: true)), null, CancellationToken.None);
        Assert.True(allowed.Success, allowed.Error);
        Assert.Equal("true", allowed.Manifest!.Lineage!.Parameters["allow_requantize"]);
    }

    [Fact]
    public async Task Not_GGUF_is_refused()
    {
        Directory.CreateDirectory(Path.Combine(_root, "models"));
        await File.WriteAllTextAsync(Path.Combine(_root, "models", "fake.gguf"), "this is not a model");
        var before = Names();
        var result = await Quantizer().QuantizeAsync(new QuantizeRequest("fake", "Q4_0"), null, CancellationToken.None);
        Assert.Equal(StoreErrorKind.Invalid, result.Kind);
        Assert.Contains("'fake' is not a usable GGUF file", result.Error);
        Assert.Equal(before, Names());
    }

    [Fact]
    public async Task Too_little_disk_space_is_refused_before_writing()
    {
        long asked = 0;
        var result = await Quantizer(_ => { asked++; return 100_000; }).QuantizeAsync(new QuantizeRequest("stories", "Q4_0"), null, CancellationToken.None);
        Assert.Equal(StoreErrorKind.Failed, result.Kind);
        Assert.Contains("Not enough disk space", result.Error);
        Assert.Contains("Nothing was written", result.Error);
        Assert.Equal(1, asked);
        Assert.Equal(["stories:latest"], Names());
        Assert.Empty(Partials());
    }

    [Fact]
    public async Task Cancellation_mid_quantization_deletes_the_partial()
    {
        using var cts = new CancellationTokenSource();
        var before = Names();
        var progress = new SyncProgress<QuantizeProgress>(p =>
        {
            if (p.Status == "quantizing" && p.Completed == 2)
                cts.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Quantizer().QuantizeAsync(new QuantizeRequest("stories", "Q8_0"), progress, cts.Token));
        // The native call runs out into the unlinked file; nothing of it may reappear.
        await Task.Delay(500);
        Assert.Empty(Partials());
        Assert.Equal(before, Names());
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
