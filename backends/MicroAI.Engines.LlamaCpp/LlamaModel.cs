using System.Text;
using MicroAI.Engines.Abstractions;
using MicroAI.Engines.LlamaCpp.Native;
using MicroAI.ModelRegistry;
using MicroAI.ModelRegistry.Gguf;
using Microsoft.Extensions.Logging;

namespace MicroAI.Engines.LlamaCpp;

/// <summary>A GGUF model loaded by llama.cpp: weights, vocabulary and chat format.</summary>
internal sealed unsafe class LlamaModel : ITextModel
{
    private readonly SafeLlamaModelHandle _handle;
    private readonly nint _vocab;
    private readonly LlamaChatFormatter _chat;
    private readonly ILogger _logger;
    private readonly string _bos;
    private readonly string _eos;

    private LlamaModel(SafeLlamaModelHandle handle, TextModelInfo info, LlamaChatFormatter chat, ILogger logger)
    {
        _handle = handle;
        _vocab = LlamaNative.llama_model_get_vocab(handle);
        (_bos, _eos) = SpecialTokenTexts(_vocab);
        _chat = chat;
        _logger = logger;
        Info = info;
    }

    public TextModelInfo Info { get; }
    internal SafeLlamaModelHandle Handle => _handle;
    internal nint Vocab => _vocab;

    public static LlamaModel Load(ModelEntry entry, ModelLoadSettings settings, ILogger logger) =>
        Load(entry, settings, new Placement(null, settings.GpuLayers, "engine default"), logger);

    /// <param name="forGeneration">Require a decoder (text generation); embedding and rerank models may be encoders.</param>
    public static LlamaModel Load(ModelEntry entry, ModelLoadSettings settings, Placement placement, ILogger logger, bool forGeneration = true)
    {
        var mp = LlamaNative.llama_model_default_params();
        mp.n_gpu_layers = placement.GpuLayers;
        // One device: a NULL-terminated ggml_backend_dev_t list that lives through the load call.
        var devices = stackalloc nint[2];
        if (placement.Device is { } device)
        {
            devices[0] = device.Handle;
            devices[1] = 0;
            mp.devices = (nint)devices;
            mp.split_mode = 0; // LLAMA_SPLIT_MODE_NONE: the whole offloaded part on that device
        }
        // llama.cpp's own GGUF parser is native code that trusts more of the file than ours does (it has
        // had overflow CVEs on hostile counts and lengths): it is only ever handed a file that
        // MicroAI's bounds-checked reader accepts. Reading the header costs milliseconds (arrays
        // beyond 1,024 elements are skipped, not stored), against a load of 100 ms and more.
        var checkedFile = GgufReader.Read(entry.Path);
        if (!checkedFile.IsSuccess)
            throw new ModelLoadException($"The model file of '{entry.Id}' is not a valid GGUF file ({entry.Path}): {checkedFile.Error}");
        var raw = LlamaNative.llama_model_load_from_file(entry.Path, mp);
        if (raw == 0)
            throw new ModelLoadException($"llama.cpp could not load '{entry.Path}' (see the log above for its reason: not a GGUF file, an unsupported architecture, or not enough memory).");
        var handle = new SafeLlamaModelHandle(raw);
        try
        {
            if (forGeneration && !LlamaNative.llama_model_has_decoder(handle))
                throw new ModelLoadException($"'{entry.Id}' has no decoder; it cannot generate text.");
            var vocab = LlamaNative.llama_model_get_vocab(handle);
            var template = TemplateText(settings.ChatTemplate) ?? LlamaNative.PtrToString(LlamaNative.llama_model_chat_template(handle, null));
            var (bos, eos) = SpecialTokenTexts(vocab);
            var chat = LlamaChatFormatter.Create(template, settings.ChatTemplate is not null, bos, eos);
            if (chat.Warning is { } warning)
                logger.LogWarning("Model {Model}: {Warning}", entry.Id, warning);

            Span<byte> desc = stackalloc byte[256];
            int n;
            fixed (byte* p = desc)
                n = LlamaNative.llama_model_desc(handle, p, (nuint)desc.Length);
            var info = new TextModelInfo(
                entry.Id,
                n > 0 ? Encoding.UTF8.GetString(desc[..Math.Min(n, desc.Length - 1)]) : "unknown",
                LlamaNative.llama_model_n_ctx_train(handle),
                LlamaNative.llama_model_n_embd(handle),
                LlamaNative.llama_vocab_n_tokens(vocab),
                LlamaNative.llama_model_n_params(handle),
                LlamaNative.llama_model_size(handle),
                chat.Name) { ChatTemplate = chat.Name == "jinja" ? template : null };
            return new LlamaModel(handle, info, chat, logger);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>A configured template: a path to a .jinja file is read; anything else is a template name or text.</summary>
    private static string? TemplateText(string? configured)
    {
        if (configured is null || !configured.EndsWith(".jinja", StringComparison.OrdinalIgnoreCase))
            return configured;
        try
        {
            return File.ReadAllText(configured);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ModelLoadException($"The configured chat template file '{configured}' cannot be read: {ex.Message}");
        }
    }

    /// <summary>The text of the BOS and EOS tokens (e.g. "&lt;s&gt;", "&lt;|im_end|&gt;"), as chat templates print them.</summary>
    private static (string Bos, string Eos) SpecialTokenTexts(nint vocab)
    {
        string Text(int token) => token < 0 ? string.Empty : LlamaNative.PtrToString(LlamaNative.llama_vocab_get_text(vocab, token)) ?? string.Empty;
        return (Text(LlamaNative.llama_vocab_bos(vocab)), Text(LlamaNative.llama_vocab_eos(vocab)));
    }

    /// <summary>The rendered chat prompt as text (for /apply-template), or the error a chat request would get.</summary>
    public GenerationError? TryRenderChat(GenerateRequest request, out string prompt)
    {
        prompt = string.Empty;
        var chat = request.ChatTemplate is { } perRequest
            ? LlamaChatFormatter.ForRequest(perRequest, _bos, _eos)
            : _chat;
        var rendered = chat.Render(request.Messages ?? [], request.Tools);
        if (rendered.Error is { } error)
            return new GenerationError(GenerationErrorCode.InvalidPrompt, error, request.ChatTemplate is null ? RequestPart.Messages : RequestPart.ChatTemplate);
        prompt = rendered.Prompt!;
        return null;
    }

    /// <summary>
    /// What the sampler chain would refuse at admission, checked here on the request thread so that
    /// it is a 400 before a stream starts: the fuzz suite found a bad grammar arriving as an error
    /// event inside a 200 stream. The grammar is parsed again when the slot's sampler is built: one
    /// more parse of its text per request, which llama.cpp does without touching the model's weights.
    /// </summary>
    private GenerationError? CheckSampling(SamplingParameters p)
    {
        if (p.LogitBias is { Count: > 0 } bias)
        {
            var n = Info.VocabularySize;
            foreach (var token in bias.Keys)
            {
                if ((uint)token >= (uint)n)
                    return new GenerationError(GenerationErrorCode.InvalidPrompt, $"'logit_bias' names token {token}, outside the vocabulary (0..{n - 1}).", RequestPart.LogitBias);
            }
        }
        if (p.Grammar is { } grammar)
        {
            if (!LlamaGrammar.TryCreateSampler(_vocab, grammar, out var sampler, out var error))
                return new GenerationError(GenerationErrorCode.InvalidPrompt, error, RequestPart.Grammar);
            LlamaNative.llama_sampler_free(sampler);
        }
        return null;
    }

    public GenerationError? TryPreparePrompt(GenerateRequest request, out PreparedPrompt prompt)
    {
        prompt = PreparedPrompt.Empty;
        if (CheckSampling(request.Sampling) is { } samplingError)
            return samplingError;
        if (request.Prompt is { Tokens: { } given })
        {
            var n = Info.VocabularySize;
            for (var i = 0; i < given.Count; i++)
            {
                if ((uint)given[i] >= (uint)n)
                    return new GenerationError(GenerationErrorCode.InvalidPrompt, $"Token id {given[i]} at index {i} is outside the vocabulary (0..{n - 1}).", RequestPart.Prompt);
            }
            prompt = new PreparedPrompt(given.ToArray(), []);
            return null;
        }

        if (request.Suffix is { } suffix)
            return TryPrepareInfill(request.Prompt?.Text ?? string.Empty, suffix, out prompt);

        string text;
        IReadOnlyList<string> stops = [];
        var addSpecial = true;
        if (request.Messages is { } messages)
        {
            var chat = request.ChatTemplate is { } perRequest ? LlamaChatFormatter.ForRequest(perRequest, _bos, _eos) : _chat;
            var rendered = chat.Render(messages, request.Tools);
            if (rendered.Error is { } error)
                return new GenerationError(GenerationErrorCode.InvalidPrompt, error, request.ChatTemplate is null ? RequestPart.Messages : RequestPart.ChatTemplate);
            text = rendered.Prompt!;
            stops = rendered.Stops;
            // Templates print bos_token themselves; llama.cpp would add a second one.
            addSpecial = !rendered.StartsWithBos;
        }
        else
        {
            text = request.Prompt?.Text ?? string.Empty;
        }

        prompt = new PreparedPrompt(Tokenize(text, addSpecial, parseSpecial: true), stops);
        return null;
    }

    /// <summary>
    /// Fill-in-the-middle in the prefix-suffix-middle order code models are trained on:
    /// [BOS] FIM_PRE prefix FIM_SUF suffix FIM_MID, then the model writes the middle.
    /// </summary>
    private GenerationError? TryPrepareInfill(string prefix, string suffix, out PreparedPrompt prompt)
    {
        prompt = PreparedPrompt.Empty;
        int pre = LlamaNative.llama_vocab_fim_pre(_vocab), suf = LlamaNative.llama_vocab_fim_suf(_vocab), mid = LlamaNative.llama_vocab_fim_mid(_vocab);
        if (pre < 0 || suf < 0 || mid < 0)
            return new GenerationError(GenerationErrorCode.InvalidPrompt,
                $"'{Info.Id}' has no fill-in-the-middle tokens, so it cannot complete between a prompt and a 'suffix'; use a code model trained for infilling.", RequestPart.Suffix);
        var tokens = new List<int>();
        if (LlamaNative.llama_vocab_get_add_bos(_vocab))
            tokens.Add(LlamaNative.llama_vocab_bos(_vocab));
        tokens.Add(pre);
        tokens.AddRange(Tokenize(prefix, addSpecial: false, parseSpecial: false));
        tokens.Add(suf);
        tokens.AddRange(Tokenize(suffix, addSpecial: false, parseSpecial: false));
        tokens.Add(mid);
        prompt = new PreparedPrompt(tokens.ToArray(), []);
        return null;
    }

    /// <summary>Thread-safe tokenization (llama.cpp documents llama_tokenize as such).</summary>
    public int[] Tokenize(string text, bool addSpecial, bool parseSpecial)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var tokens = new int[bytes.Length + 2];
        fixed (byte* t = bytes)
        {
            int n;
            fixed (int* o = tokens)
                n = LlamaNative.llama_tokenize(_vocab, t, bytes.Length, o, tokens.Length, addSpecial, parseSpecial);
            if (n < 0)
            {
                if (n == int.MinValue)
                    throw new InvalidOperationException("The prompt is too long to tokenize.");
                tokens = new int[-n];
                fixed (int* o = tokens)
                    n = LlamaNative.llama_tokenize(_vocab, t, bytes.Length, o, tokens.Length, addSpecial, parseSpecial);
            }
            return n == tokens.Length ? tokens : tokens.AsSpan(0, Math.Max(n, 0)).ToArray();
        }
    }

    public byte[] TokenBytes(int token)
    {
        Span<byte> buffer = stackalloc byte[128];
        int n;
        fixed (byte* p = buffer)
            n = LlamaNative.llama_token_to_piece(_vocab, token, p, buffer.Length, 0, true);
        if (n >= 0)
            return buffer[..n].ToArray();
        var big = new byte[-n];
        fixed (byte* p = big)
            n = LlamaNative.llama_token_to_piece(_vocab, token, p, big.Length, 0, true);
        return n >= 0 ? big[..n] : [];
    }

    public IBatchDecoder CreateDecoder(DecoderOptions options) => new LlamaBatchDecoder(this, options, _logger);

    public void Dispose() => _handle.Dispose();
}
