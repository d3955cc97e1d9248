using System.Globalization;
using System.Text.RegularExpressions;
using MicroAI.Engines.LlamaCpp.Native;
using MicroAI.Engines.Quantization;
using MicroAI.ModelRegistry;
using MicroAI.ModelRegistry.Gguf;
using MicroAI.ModelRegistry.Store;
using MicroAI.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroAI.Engines.LlamaCpp.Quantization;

/// <summary>
/// llama_model_quantize run in-process on a thread of its own, into the registry's partial/ area,
/// then imported with lineage. llama_model_quantize_params has no progress callback and no abort
/// flag, so progress is the tensor count from the "[ i/ n] name …" line llama.cpp logs on the calling
/// thread before each tensor (LlamaLogBridge.ObserveThisThread), and cancellation unlinks the partial
/// file at once and lets the native call run out into the deleted file (POSIX keeps the inode until
/// it is closed; the call cannot be interrupted). The output file's size is no use for progress:
/// llama.cpp sizes the file up front and writes tensors into place.
/// </summary>
public sealed partial class LlamaModelQuantizer(IModelCatalog catalog, IOptions<EngineOptions> options, ILoggerFactory loggerFactory) : IModelQuantizer
{
    // One at a time: each already uses every core it is given, and two would double the disk estimate's margin.
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly ILogger _logger = loggerFactory.CreateLogger("MicroAI.Quantize");

    /// <summary>Free bytes on the volume holding a path; replaced by tests to simulate a full disk.</summary>
    internal Func<string, long> FreeBytes { get; init; } = path => new DriveInfo(Path.GetPathRoot(Path.GetFullPath(path))!).AvailableFreeSpace;

    public IReadOnlyList<QuantizationType> Types => LlamaQuantizationTypes.All;

    public async Task<StoreResult> QuantizeAsync(QuantizeRequest request, IProgress<QuantizeProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var opts = request.Options ?? new QuantizeOptions();
        var plan = Plan(request, opts);
        if (plan.Error is { } refused)
            return refused;

        progress?.Report(new QuantizeProgress("waiting", 0, plan.Tensors));
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        var released = false;
        try
        {
            var store = catalog.Store;
            Directory.CreateDirectory(store.Blobs.PartialDirectory);
            var free = FreeBytes(store.Blobs.PartialDirectory);
            if (free < plan.EstimatedBytes)
                return StoreResult.Failed($"Not enough disk space for {plan.Type!.Name} of '{plan.Entry!.Id}': about {Mib(plan.EstimatedBytes)} needed, {Mib(free)} free at {store.Blobs.PartialDirectory}. Nothing was written.");

            var parentDigest = plan.Entry!.Manifest?.MainFile?.Digest ?? await Digest.OfFileAsync(plan.Entry.Path, cancellationToken).ConfigureAwait(false);
            var partial = Path.Combine(store.Blobs.PartialDirectory, $"quantize-{Guid.NewGuid():N}.part");
            progress?.Report(new QuantizeProgress("quantizing", 0, plan.Tensors));
            var started = DateTime.UtcNow;
            // The native call outlives a cancellation; the gate is released when it really ends.
            var native = RunNative(plan.Entry.Path, partial, plan.Type!, opts, progress, plan.Tensors);
            released = true;
            _ = native.ContinueWith(_ => _one.Release(), TaskScheduler.Default);
            string? failure;
            try
            {
                failure = await native.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                TryDelete(partial);
                _ = native.ContinueWith(_ => TryDelete(partial), TaskScheduler.Default);
                throw;
            }
            if (failure is not null)
            {
                TryDelete(partial);
                return StoreResult.Failed($"llama.cpp could not quantize '{plan.Entry.Id}' to {plan.Type!.Name}: {failure}");
            }

            progress?.Report(new QuantizeProgress("importing", plan.Tensors, plan.Tensors));
            var lineage = new ManifestLineage
            {
                Operation = "quantize",
                ParentName = plan.Entry.Id,
                ParentDigest = parentDigest,
                Type = plan.Type!.Name,
                Parameters = Parameters(opts),
            };
            var imported = await store.ImportDerivedAsync(partial, plan.Name!, lineage, CancellationToken.None).ConfigureAwait(false);
            if (imported.Success)
                LogQuantized(_logger, plan.Entry.Id, plan.Type.Name, imported.Manifest!.ModelName.ToString(), imported.Manifest.TotalSize, (DateTime.UtcNow - started).TotalSeconds);
            return imported;
        }
        finally
        {
            if (!released)
                _one.Release();
        }
    }

    private sealed record QuantizePlan(StoreResult? Error, ModelEntry? Entry = null, QuantizationType? Type = null, string? Name = null, int Tensors = 0, long EstimatedBytes = 0);

    /// <summary>Every refusal that needs no work: the type, the model, its format, its size against the type's, the name.</summary>
    private QuantizePlan Plan(QuantizeRequest request, QuantizeOptions opts)
    {
        var type = LlamaQuantizationTypes.Find(request.Type ?? "");
        if (type is null)
            return Refuse($"Unknown quantization type '{Shorten(request.Type)}'. Types: {string.Join(", ", Types.Where(t => !t.NeedsImportanceMatrix).Select(t => t.Name))}.");
        if (type.NeedsImportanceMatrix)
            return Refuse($"{type.Name} needs an importance matrix (llama.cpp refuses to make it without one), which MicroAI does not compute. Without one: IQ3_S, IQ3_XS, Q3_K_S, Q2_K or larger.");
        if (opts.Threads is < 0)
            return Refuse("threads must be 0 (every core) or positive.");
        var entry = catalog.Find(request.Model ?? "");
        if (entry is null)
            return new(StoreResult.NotFound($"The model '{Shorten(request.Model)}' does not exist."));
        if (entry.Format != ModelFormat.Gguf)
            return Refuse($"'{entry.Id}' is an {entry.Format.ToString().ToUpperInvariant()} model; only GGUF models can be quantized.");
        if (entry.Problem is { } problem)
            return Refuse($"'{entry.Id}' is not a usable GGUF file: {problem}");
        var read = GgufReader.Read(entry.Path);
        if (!read.IsSuccess)
            return Refuse($"'{entry.Id}' is not a valid GGUF file: {read.Error}");
        var gguf = read.File!;
        if (gguf.GetString("general.type") is "adapter")
            return Refuse($"'{entry.Id}' is a LoRA adapter, not a model.");

        long weightElements = 0, weightBytes = 0, otherBytes = 0;
        var quantized = false;
        foreach (var t in gguf.Tensors)
        {
            var bytes = t.ByteSize ?? 0;
            if (IsMatrix(t) && !(opts.LeaveOutputTensor && t.Name == "output.weight"))
            {
                weightElements += t.ElementCount;
                weightBytes += bytes;
                quantized |= t.GgmlType is not (0 or 1 or 30); // F32, F16, BF16
            }
            else
            {
                otherBytes += bytes;
            }
        }
        if (weightElements == 0)
            return Refuse($"'{entry.Id}' has no weight matrices to quantize.");
        var sourceBits = weightBytes * 8.0 / weightElements;
        var sourceName = entry.Manifest?.Quantization ?? GgufModelInfo.From(gguf).Quantization ?? "its type";
        if (!opts.AllowRequantize)
        {
            if (type.BitsPerWeight >= sourceBits - 0.01)
                return Refuse($"'{entry.Id}' is {sourceName} ({sourceBits:0.##} bits per weight): {type.Name} ({type.BitsPerWeight:0.##}) would not make it smaller. Choose a smaller type, or pass allow-requantize to do it anyway.");
            if (quantized)
                return Refuse($"'{entry.Id}' is already quantized ({sourceName}); quantizing it again compounds the loss. Quantize its F32/F16 original, or pass allow-requantize to do it anyway.");
        }

        var nameText = request.Name ?? $"{entry.Id.Split(':')[0]}-{type.Name.ToLowerInvariant()}";
        if (!ModelName.TryParse(nameText, out var name, out var nameError))
            return Refuse(nameError!);
        if (catalog.Store.Find(entry.Id) is { } sourceManifest && sourceManifest.ModelName == name)
            return Refuse($"'{name}' is the model being quantized; give the result another name.");

        // Matrices at the type's nominal size, 10% over for the mixes' Q6_K layers and row-padding
        // fallbacks; the rest as they are; the header as it is (metadata is copied unchanged).
        var estimate = gguf.DataOffset + otherBytes + (long)(weightElements * Math.Max(type.BitsPerWeight, 4.5) / 8 * 1.1) + (1 << 20);
        return new(null, entry, type, name.ToString(), gguf.Tensors.Count, estimate);

        static QuantizePlan Refuse(string message) => new(StoreResult.Invalid(message));
    }

    // A name quoted back in an error stays readable whatever was sent.
    private static string Shorten(string? text) => text is null ? "" : text.Length <= 64 ? text : text[..64] + "…";

    private static bool IsMatrix(GgufTensorInfo t) => t.Dimensions.Count >= 2 && t.Name.EndsWith(".weight", StringComparison.Ordinal);

    private Task<string?> RunNative(string input, string output, QuantizationType type, QuantizeOptions opts, IProgress<QuantizeProgress>? progress, int tensors)
    {
        LlamaRuntime.EnsureInitialised(options.Value.NativeDirectory, loggerFactory);
        var done = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            string? lastError = null;
            try
            {
                var p = LlamaNative.llama_model_quantize_default_params();
                p.nthread = opts.Threads ?? options.Value.Threads;
                p.ftype = type.FileType;
                p.allow_requantize = LlamaNative.ToByte(opts.AllowRequantize);
                p.quantize_output_tensor = LlamaNative.ToByte(!opts.LeaveOutputTensor);
                p.pure = LlamaNative.ToByte(opts.Pure);
                uint rc;
                using (LlamaLogBridge.ObserveThisThread(line =>
                {
                    var m = TensorLine().Match(line);
                    if (m.Success)
                        progress?.Report(new QuantizeProgress("quantizing", int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), tensors));
                    else if (line.Contains("failed to quantize: ", StringComparison.Ordinal))
                        lastError = line[(line.IndexOf("failed to quantize: ", StringComparison.Ordinal) + 20)..];
                }))
                {
                    unsafe
                    {
                        rc = LlamaNative.llama_model_quantize(input, output, &p);
                    }
                }
                done.SetResult(rc == 0 ? null : lastError ?? $"llama_model_quantize returned {rc}");
            }
            catch (Exception e)
            {
                done.SetResult(e.Message);
            }
        })
        { IsBackground = true, Name = "llama-quantize" };
        thread.Start();
        return done.Task;
    }

    private static Dictionary<string, string> Parameters(QuantizeOptions o)
    {
        var p = new Dictionary<string, string>(StringComparer.Ordinal);
        if (o.Threads is > 0) p["threads"] = o.Threads.Value.ToString(CultureInfo.InvariantCulture);
        if (o.AllowRequantize) p["allow_requantize"] = "true";
        if (o.LeaveOutputTensor) p["leave_output_tensor"] = "true";
        if (o.Pure) p["pure"] = "true";
        return p;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Windows: still open by the native call; its continuation deletes it when the call ends.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Mib(long bytes) => $"{bytes / 1048576.0:0.#} MiB";

    [GeneratedRegex(@"^\[\s*(\d+)/\s*(\d+)\]")]
    private static partial Regex TensorLine();

    [LoggerMessage(Level = LogLevel.Information, Message = "Quantized {Source} to {Type} as {Model} ({Bytes} bytes, {Seconds:0.0} s)")]
    private static partial void LogQuantized(ILogger logger, string source, string type, string model, long bytes, double seconds);
}
