using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MicroAI.Tests.Shared;

/// <summary>
/// Writes small, real, runnable ONNX model folders laid out like Hugging Face / sentence-transformers
/// exports (model, tokenizer.json, vocab.txt, tokenizer_config.json, special_tokens_map.json,
/// config.json, modules.json, 1_Pooling/config.json …) whose outputs can be computed by hand, and
/// computes them: an embedding model (<see cref="BertEmbedder"/>), a text classifier
/// (<see cref="TextClassifier"/>) and a cross-encoder reranker (<see cref="CrossEncoder"/>).
/// All three share one 50-token BERT WordPiece vocabulary (<see cref="Vocabulary"/>) and a reference
/// encoder for it (<see cref="Encode(string)"/>). Every weight is a multiple of 1/8, so the models'
/// raw outputs (hidden states, logits) are exact in float32 and equal the helpers' values bit for bit.
/// </summary>
internal static class OnnxTestModels
{
    /// <summary>How the embedder's sentence-transformers Pooling module is configured.</summary>
    public enum Pooling
    {
        /// <summary>The hidden state of the first token ([CLS]).</summary>
        Cls,

        /// <summary>The mean of the hidden states where attention_mask is 1.</summary>
        Mean,

        /// <summary>The hidden state of the last token whose attention_mask is 1.</summary>
        LastToken,
    }

    public const long PadId = 0;
    public const long UnkId = 1;
    public const long ClsId = 2;
    public const long SepId = 3;
    public const long MaskId = 4;

    /// <summary>model_max_length in tokenizer_config.json (the reference encoder does not truncate).</summary>
    public const int ModelMaxLength = 32;

    /// <summary>Width D of the embedder's hidden states.</summary>
    public const int EmbeddingDimension = 4;

    /// <summary>The embedder adds this times the masked sum of the word rows to every position.</summary>
    public const float ContextScale = 0.25f;

    /// <summary>Width of the cross-encoder's topic vectors: france, germany, animals, weather, film.</summary>
    public const int RerankDimension = 5;

    /// <summary>What each document token (mask 1, type 1, the closing [SEP] included) adds to the cross-encoder's logit.</summary>
    public const float RerankDocumentTokenWeight = -0.125f;

    /// <summary>The vocabulary, by id: 5 special tokens, punctuation, 42 words and 3 "##" pieces.</summary>
    public static IReadOnlyList<string> Vocabulary { get; } =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",                                 // 0-4
        ".", ",", "?", "!",                                                           // 5-8
        "the", "a", "is", "of", "and", "to", "in", "it", "this", "that", "what", "i", "on", // 9-21
        "cat", "dog", "sat", "mat",                                                   // 22-25
        "paris", "france", "capital", "city", "berlin", "germany",                    // 26-31
        "weather", "sunny", "rain", "today",                                          // 32-35
        "movie", "film", "love", "hate", "great", "good", "bad", "terrible",          // 36-43
        "hello", "world", "play",                                                     // 44-46
        "##ing", "##s", "##ed",                                                       // 47-49
    ];

    private static readonly string[] SpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    private static readonly Dictionary<string, long> Ids = Vocabulary
        .Select((token, id) => (token, id))
        .ToDictionary(p => p.token, p => (long)p.id, StringComparer.Ordinal);

    /// <summary>The cross-encoder's topic rows (france, germany, animals, weather, film); every other token is 0.</summary>
    private static readonly Dictionary<string, float[]> RerankRows = new(StringComparer.Ordinal)
    {
        ["paris"] = [2, 0, 0, 0, 0],
        ["france"] = [1.5f, 0, 0, 0, 0],
        ["berlin"] = [0, 2, 0, 0, 0],
        ["germany"] = [0, 1.5f, 0, 0, 0],
        ["capital"] = [0.5f, 0.5f, 0, 0, 0],
        ["city"] = [0.5f, 0.5f, 0, 0, 0],
        ["cat"] = [0, 0, 2, 0, 0],
        ["dog"] = [0, 0, 1.5f, 0, 0],
        ["sat"] = [0, 0, 0.5f, 0, 0],
        ["mat"] = [0, 0, 0.5f, 0, 0],
        ["weather"] = [0, 0, 0, 2, 0],
        ["sunny"] = [0, 0, 0, 1.5f, 0],
        ["rain"] = [0, 0, 0, 1.5f, 0],
        ["today"] = [0, 0, 0, 0.5f, 0],
        ["movie"] = [0, 0, 0, 0, 2],
        ["film"] = [0, 0, 0, 0, 1.5f],
        ["love"] = [0, 0, 0, 0, 0.5f],
        ["hate"] = [0, 0, 0, 0, 0.5f],
        ["great"] = [0, 0, 0, 0, 0.5f],
        ["good"] = [0, 0, 0, 0, 0.5f],
        ["bad"] = [0, 0, 0, 0, 0.5f],
        ["terrible"] = [0, 0, 0, 0, 0.5f],
        ["play"] = [0, 0, 0, 0, 0.5f],
    };

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private const string Batch = "batch";
    private const string Sequence = "sequence";

    // ------------------------------------------------------------------ descriptions

    /// <summary>Token ids, token type ids and attention mask of one text or text pair.</summary>
    public sealed record EncodedText(IReadOnlyList<long> Ids, IReadOnlyList<long> TypeIds, IReadOnlyList<long> Mask)
    {
        public int Length => Ids.Count;

        /// <summary>Right-pads to <paramref name="length"/> with [PAD] (id 0), type 0, mask 0.</summary>
        public EncodedText PadTo(int length)
        {
            if (length < Length)
                throw new ArgumentOutOfRangeException(nameof(length), $"cannot pad {Length} tokens to {length}");
            var pad = length - Length;
            return new EncodedText(
                [.. Ids, .. Enumerable.Repeat(PadId, pad)],
                [.. TypeIds, .. Enumerable.Repeat(0L, pad)],
                [.. Mask, .. Enumerable.Repeat(0L, pad)]);
        }
    }

    /// <summary>An embedding model written by <see cref="BertEmbedder"/>.</summary>
    public sealed record EmbedderModel(string Folder, string ModelPath, Pooling Pooling, bool HasTokenTypeIds, bool Normalize)
    {
        public int HiddenSize => EmbeddingDimension;

        /// <summary>The exact last_hidden_state for one sequence ([sequence][D]); type ids are ignored when the model has none.</summary>
        public float[][] ExpectedHiddenStates(IReadOnlyList<long> ids, IReadOnlyList<long>? mask = null, IReadOnlyList<long>? typeIds = null) =>
            OnnxTestModels.ExpectedHiddenStates(ids, mask, HasTokenTypeIds ? typeIds : null);

        /// <summary>The sentence embedding this folder describes (pooling, then L2 when <see cref="Normalize"/>).</summary>
        public float[] ExpectedEmbedding(IReadOnlyList<long> ids, IReadOnlyList<long>? mask = null, IReadOnlyList<long>? typeIds = null) =>
            OnnxTestModels.ExpectedEmbedding(ids, mask, HasTokenTypeIds ? typeIds : null, Pooling, Normalize);

        /// <summary>The sentence embedding of <paramref name="text"/>, encoded by <see cref="Encode(string)"/>.</summary>
        public float[] ExpectedEmbedding(string text)
        {
            var e = Encode(text);
            return ExpectedEmbedding(e.Ids, e.Mask, e.TypeIds);
        }
    }

    /// <summary>A text classifier written by <see cref="TextClassifier"/>.</summary>
    public sealed record ClassifierModel(string Folder, string ModelPath, IReadOnlyList<string> Labels, bool MultiLabel)
    {
        /// <summary>The exact logits for one sequence: the sum of <see cref="ClassifierRow"/> over tokens whose mask is 1.</summary>
        public float[] ExpectedLogits(IReadOnlyList<long> ids, IReadOnlyList<long>? mask = null) =>
            OnnxTestModels.ExpectedLogits(ids, mask, Labels.Count);

        public float[] ExpectedLogits(string text)
        {
            var e = Encode(text);
            return ExpectedLogits(e.Ids, e.Mask);
        }

        /// <summary>Softmax of the logits, or a sigmoid per label when <see cref="MultiLabel"/>.</summary>
        public float[] ExpectedScores(string text)
        {
            var logits = ExpectedLogits(text);
            return MultiLabel ? [.. logits.Select(Sigmoid)] : Softmax(logits);
        }
    }

    /// <summary>A cross-encoder reranker written by <see cref="CrossEncoder"/>.</summary>
    public sealed record CrossEncoderModel(string Folder, string ModelPath)
    {
        /// <summary>The exact logit for one sequence (see <see cref="ExpectedRerankLogit"/>).</summary>
        public float ExpectedLogit(IReadOnlyList<long> ids, IReadOnlyList<long>? mask, IReadOnlyList<long> typeIds) =>
            ExpectedRerankLogit(ids, mask, typeIds);

        /// <summary>The exact logit for the pair [CLS] query [SEP] document [SEP].</summary>
        public float ExpectedLogit(string query, string document)
        {
            var e = Encode(query, document);
            return ExpectedRerankLogit(e.Ids, e.Mask, e.TypeIds);
        }

        /// <summary>sigmoid(<see cref="ExpectedLogit(string, string)"/>).</summary>
        public float ExpectedScore(string query, string document) => Sigmoid(ExpectedLogit(query, document));
    }

    // ------------------------------------------------------------------ factories

    /// <summary>
    /// A BERT-style embedding model and its sentence-transformers files.
    /// Inputs input_ids, attention_mask and (unless <paramref name="tokenTypeIds"/> is false)
    /// token_type_ids, int64 [batch, sequence]; output last_hidden_state float [batch, sequence, 4]:
    /// <c>h[s] = W[id[s]] + T[type[s]] + 0.25 · Σ_{s': mask[s']=1} W[id[s']]</c>
    /// (<see cref="WordEmbedding"/>, <see cref="TokenTypeEmbedding"/>). The context term makes every
    /// position, [CLS] included, depend on the whole masked text, as attention would; padded
    /// positions get the same context, so only the pooling's mask keeps them out.
    /// 1_Pooling/config.json selects <paramref name="pooling"/>; modules.json lists a Normalize
    /// module (and 2_Normalize/ exists) when <paramref name="normalize"/>.
    /// </summary>
    /// <param name="modelFile">Where the model goes, relative to <paramref name="dir"/>: "model.onnx" or "onnx/model.onnx".</param>
    public static EmbedderModel BertEmbedder(string dir, Pooling pooling = Pooling.Mean, bool tokenTypeIds = true, bool normalize = true, string modelFile = "model.onnx")
    {
        var root = PrepareFolder(dir);
        const int d = EmbeddingDimension;
        var words = new float[Vocabulary.Count * d];
        for (var id = 0; id < Vocabulary.Count; id++)
            WordEmbedding(id).CopyTo(words, id * d);
        float[] types = [.. TokenTypeEmbedding(0), .. TokenTypeEmbedding(1)];

        var g = new OnnxGraphBuilder("bert_embedder")
            .Input("input_ids", OnnxGraphDataType.Int64, Batch, Sequence)
            .Input("attention_mask", OnnxGraphDataType.Int64, Batch, Sequence);
        if (tokenTypeIds)
            g.Input("token_type_ids", OnnxGraphDataType.Int64, Batch, Sequence);
        g.FloatInitializer("embeddings.word_embeddings.weight", words, Vocabulary.Count, d)
            .FloatInitializer("context_scale", [ContextScale])
            .Int64Initializer("axes_1", [1], 1)
            .Int64Initializer("axes_2", [2], 1)
            .Node("Gather", ["embeddings.word_embeddings.weight", "input_ids"], ["word"], OnnxGraphAttribute.Int("axis", 0))
            .Node("Cast", ["attention_mask"], ["mask_f"], OnnxGraphAttribute.Int("to", (int)OnnxGraphDataType.Float))
            .Node("Unsqueeze", ["mask_f", "axes_2"], ["mask_3"])
            .Node("Mul", ["word", "mask_3"], ["word_masked"])
            .Node("ReduceSum", ["word_masked", "axes_1"], ["context_sum"], OnnxGraphAttribute.Int("keepdims", 1))
            .Node("Mul", ["context_sum", "context_scale"], ["context"]);
        if (tokenTypeIds)
        {
            g.FloatInitializer("embeddings.token_type_embeddings.weight", types, 2, d)
                .Node("Gather", ["embeddings.token_type_embeddings.weight", "token_type_ids"], ["type"], OnnxGraphAttribute.Int("axis", 0))
                .Node("Add", ["word", "type"], ["word_type"])
                .Node("Add", ["word_type", "context"], ["last_hidden_state"]);
        }
        else
        {
            g.Node("Add", ["word", "context"], ["last_hidden_state"]);
        }
        g.Output("last_hidden_state", OnnxGraphDataType.Float, Batch, Sequence, d);
        var modelPath = g.WriteTo(Path.Combine(root, modelFile));

        WriteTokenizerFiles(root);
        WriteJson(root, "config.json", BertConfig("BertModel", d, new JsonObject()));
        var modules = new JsonArray
        {
            Module(0, "", "sentence_transformers.models.Transformer"),
            Module(1, "1_Pooling", "sentence_transformers.models.Pooling"),
        };
        if (normalize)
        {
            modules.Add(Module(2, "2_Normalize", "sentence_transformers.models.Normalize"));
            Directory.CreateDirectory(Path.Combine(root, "2_Normalize"));
        }
        WriteJson(root, "modules.json", modules);
        WriteJson(root, "sentence_bert_config.json", new JsonObject { ["max_seq_length"] = ModelMaxLength, ["do_lower_case"] = false });
        WriteJson(root, "1_Pooling/config.json", new JsonObject
        {
            ["word_embedding_dimension"] = d,
            ["pooling_mode_cls_token"] = pooling == Pooling.Cls,
            ["pooling_mode_mean_tokens"] = pooling == Pooling.Mean,
            ["pooling_mode_max_tokens"] = false,
            ["pooling_mode_mean_sqrt_len_tokens"] = false,
            ["pooling_mode_weightedmean_tokens"] = false,
            ["pooling_mode_lasttoken"] = pooling == Pooling.LastToken,
            ["include_prompt"] = true,
        });
        return new EmbedderModel(root, modelPath, pooling, tokenTypeIds, normalize);
    }

    /// <summary>
    /// A sequence classifier: inputs input_ids and attention_mask, int64 [batch, sequence]; output
    /// logits float [batch, labels] = the sum of <see cref="ClassifierRow"/> over tokens whose mask is 1
    /// (Gather → Mul by the mask → ReduceSum over the sequence). config.json has id2label,
    /// label2id and problem_type single_label_classification or multi_label_classification.
    /// With a single label the registry takes it for a reranker (a [batch, 1] logits output).
    /// </summary>
    public static ClassifierModel TextClassifier(string dir, IReadOnlyList<string> labels, bool multiLabel = false, string modelFile = "model.onnx")
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0)
            throw new ArgumentException("at least one label", nameof(labels));
        if (labels.Distinct(StringComparer.Ordinal).Count() != labels.Count)
            throw new ArgumentException("labels must be distinct", nameof(labels));
        var root = PrepareFolder(dir);
        var n = labels.Count;
        var table = new float[Vocabulary.Count * n];
        for (var id = 0; id < Vocabulary.Count; id++)
            ClassifierRow(id, n).CopyTo(table, id * n);

        var modelPath = new OnnxGraphBuilder("text_classifier")
            .Input("input_ids", OnnxGraphDataType.Int64, Batch, Sequence)
            .Input("attention_mask", OnnxGraphDataType.Int64, Batch, Sequence)
            .FloatInitializer("classifier.token_logits", table, Vocabulary.Count, n)
            .Int64Initializer("axes_1", [1], 1)
            .Int64Initializer("axes_2", [2], 1)
            .Node("Gather", ["classifier.token_logits", "input_ids"], ["token_logits"], OnnxGraphAttribute.Int("axis", 0))
            .Node("Cast", ["attention_mask"], ["mask_f"], OnnxGraphAttribute.Int("to", (int)OnnxGraphDataType.Float))
            .Node("Unsqueeze", ["mask_f", "axes_2"], ["mask_3"])
            .Node("Mul", ["token_logits", "mask_3"], ["masked_logits"])
            .Node("ReduceSum", ["masked_logits", "axes_1"], ["logits"], OnnxGraphAttribute.Int("keepdims", 0))
            .Output("logits", OnnxGraphDataType.Float, Batch, n)
            .WriteTo(Path.Combine(root, modelFile));

        WriteTokenizerFiles(root);
        var extra = LabelMaps(labels);
        extra["problem_type"] = multiLabel ? "multi_label_classification" : "single_label_classification";
        WriteJson(root, "config.json", BertConfig("BertForSequenceClassification", n, extra));
        return new ClassifierModel(root, modelPath, [.. labels], multiLabel);
    }

    /// <summary>
    /// A cross-encoder reranker: inputs input_ids, attention_mask, token_type_ids, int64
    /// [batch, sequence]; output logits float [batch, 1] =
    /// <c>q · d − 0.125 · n</c>, where q sums the <see cref="RerankRow"/> topic vectors of the query
    /// tokens (mask 1, type 0), d those of the document tokens (mask 1, type 1) and n counts the
    /// document tokens: a document scores by how much it shares the query's topics, less a little
    /// for its length, so the pairing, the order of the pair and the token types all matter.
    /// config.json: BertForSequenceClassification with id2label {"0": "LABEL_0"}.
    /// </summary>
    public static CrossEncoderModel CrossEncoder(string dir, string modelFile = "model.onnx")
    {
        var root = PrepareFolder(dir);
        const int d = RerankDimension;
        var table = new float[Vocabulary.Count * d];
        for (var id = 0; id < Vocabulary.Count; id++)
            RerankRow(id).CopyTo(table, id * d);

        var modelPath = new OnnxGraphBuilder("cross_encoder")
            .Input("input_ids", OnnxGraphDataType.Int64, Batch, Sequence)
            .Input("attention_mask", OnnxGraphDataType.Int64, Batch, Sequence)
            .Input("token_type_ids", OnnxGraphDataType.Int64, Batch, Sequence)
            .FloatInitializer("topic_embeddings", table, Vocabulary.Count, d)
            .FloatInitializer("document_token_weight", [RerankDocumentTokenWeight])
            .Int64Initializer("axes_1", [1], 1)
            .Int64Initializer("axes_2", [2], 1)
            .Node("Gather", ["topic_embeddings", "input_ids"], ["topics"], OnnxGraphAttribute.Int("axis", 0))
            .Node("Cast", ["attention_mask"], ["mask_f"], OnnxGraphAttribute.Int("to", (int)OnnxGraphDataType.Float))
            .Node("Cast", ["token_type_ids"], ["type_f"], OnnxGraphAttribute.Int("to", (int)OnnxGraphDataType.Float))
            .Node("Mul", ["mask_f", "type_f"], ["doc_w"])
            .Node("Sub", ["mask_f", "doc_w"], ["query_w"])
            .Node("Unsqueeze", ["doc_w", "axes_2"], ["doc_w3"])
            .Node("Unsqueeze", ["query_w", "axes_2"], ["query_w3"])
            .Node("Mul", ["topics", "query_w3"], ["query_topics"])
            .Node("Mul", ["topics", "doc_w3"], ["doc_topics"])
            .Node("ReduceSum", ["query_topics", "axes_1"], ["query_vec"], OnnxGraphAttribute.Int("keepdims", 0))
            .Node("ReduceSum", ["doc_topics", "axes_1"], ["doc_vec"], OnnxGraphAttribute.Int("keepdims", 0))
            .Node("Mul", ["query_vec", "doc_vec"], ["products"])
            .Node("ReduceSum", ["products", "axes_1"], ["dot"], OnnxGraphAttribute.Int("keepdims", 1))
            .Node("ReduceSum", ["doc_w", "axes_1"], ["doc_count"], OnnxGraphAttribute.Int("keepdims", 1))
            .Node("Mul", ["doc_count", "document_token_weight"], ["length_term"])
            .Node("Add", ["dot", "length_term"], ["logits"])
            .Output("logits", OnnxGraphDataType.Float, Batch, 1)
            .WriteTo(Path.Combine(root, modelFile));

        WriteTokenizerFiles(root);
        WriteJson(root, "config.json", BertConfig("BertForSequenceClassification", d, LabelMaps(["LABEL_0"])));
        return new CrossEncoderModel(root, modelPath);
    }

    /// <summary>vocab.txt, tokenizer.json, tokenizer_config.json and special_tokens_map.json for <see cref="Vocabulary"/>.</summary>
    public static void WriteTokenizerFiles(string dir)
    {
        var root = PrepareFolder(dir);
        File.WriteAllText(Path.Combine(root, "vocab.txt"), string.Join("\n", Vocabulary) + "\n");

        var vocab = new JsonObject();
        for (var id = 0; id < Vocabulary.Count; id++)
            vocab[Vocabulary[id]] = id;
        var added = new JsonArray();
        var decoder = new JsonObject();
        foreach (var token in SpecialTokens)
        {
            added.Add(AddedToken(token, includeId: true));
            decoder[Ids[token].ToString(System.Globalization.CultureInfo.InvariantCulture)] = AddedToken(token, includeId: false);
        }
        WriteJson(root, "tokenizer.json", new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = new JsonObject
            {
                ["type"] = "BertNormalizer",
                ["clean_text"] = true,
                ["handle_chinese_chars"] = true,
                ["strip_accents"] = null,
                ["lowercase"] = true,
            },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "BertPreTokenizer" },
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray { Special("[CLS]", 0), Sequence("A", 0), Special("[SEP]", 0) },
                ["pair"] = new JsonArray { Special("[CLS]", 0), Sequence("A", 0), Special("[SEP]", 0), Sequence("B", 1), Special("[SEP]", 1) },
                ["special_tokens"] = new JsonObject
                {
                    ["[CLS]"] = new JsonObject { ["id"] = "[CLS]", ["ids"] = new JsonArray(ClsId), ["tokens"] = new JsonArray("[CLS]") },
                    ["[SEP]"] = new JsonObject { ["id"] = "[SEP]", ["ids"] = new JsonArray(SepId), ["tokens"] = new JsonArray("[SEP]") },
                },
            },
            ["decoder"] = new JsonObject { ["type"] = "WordPiece", ["prefix"] = "##", ["cleanup"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "WordPiece",
                ["unk_token"] = "[UNK]",
                ["continuing_subword_prefix"] = "##",
                ["max_input_chars_per_word"] = 100,
                ["vocab"] = vocab,
            },
        });
        WriteJson(root, "tokenizer_config.json", new JsonObject
        {
            ["added_tokens_decoder"] = decoder,
            ["clean_up_tokenization_spaces"] = true,
            ["cls_token"] = "[CLS]",
            ["do_basic_tokenize"] = true,
            ["do_lower_case"] = true,
            ["mask_token"] = "[MASK]",
            ["model_max_length"] = ModelMaxLength,
            ["never_split"] = null,
            ["pad_token"] = "[PAD]",
            ["padding_side"] = "right",
            ["sep_token"] = "[SEP]",
            ["strip_accents"] = null,
            ["tokenize_chinese_chars"] = true,
            ["tokenizer_class"] = "BertTokenizer",
            ["unk_token"] = "[UNK]",
        });
        WriteJson(root, "special_tokens_map.json", new JsonObject
        {
            ["cls_token"] = "[CLS]",
            ["mask_token"] = "[MASK]",
            ["pad_token"] = "[PAD]",
            ["sep_token"] = "[SEP]",
            ["unk_token"] = "[UNK]",
        });

        static JsonObject Special(string id, int typeId) =>
            new() { ["SpecialToken"] = new JsonObject { ["id"] = id, ["type_id"] = typeId } };

        static JsonObject Sequence(string id, int typeId) =>
            new() { ["Sequence"] = new JsonObject { ["id"] = id, ["type_id"] = typeId } };
    }

    // ------------------------------------------------------------------ weights

    /// <summary>The id of a vocabulary token ("paris", "##s", "[SEP]"); throws for one not in it.</summary>
    public static long TokenId(string token) =>
        Ids.TryGetValue(token, out var id) ? id : throw new ArgumentException($"'{token}' is not in the test vocabulary", nameof(token));

    /// <summary>
    /// The embedder's word row W[id] = [(id mod 5) − 2, (id mod 3) − 1, (id mod 4)/4 − 1/2, id/8 − 3]:
    /// distinct for every id (the last component), pointing in varied directions.
    /// </summary>
    public static float[] WordEmbedding(long id)
    {
        CheckId(id);
        return [(id % 5) - 2, (id % 3) - 1, (0.25f * (id % 4)) - 0.5f, (0.125f * id) - 3];
    }

    /// <summary>The embedder's token type row T[t] = [0, 0, 0, t] (t is 0 or 1).</summary>
    public static float[] TokenTypeEmbedding(long typeId)
    {
        if (typeId is not (0 or 1))
            throw new ArgumentOutOfRangeException(nameof(typeId), typeId, "token type ids are 0 or 1");
        return [0, 0, 0, typeId];
    }

    /// <summary>
    /// The classifier's row for a token, over <paramref name="labelCount"/> labels: a word or
    /// punctuation token (id ≥ 5) adds 1 to label id mod n; [CLS] adds 0.5 to label 0; [SEP] adds
    /// 0.25 to label 1 mod n; [UNK] and [MASK] add nothing; [PAD] adds 10·(k+1) to label k (only
    /// seen when a padded position is wrongly left in the attention mask).
    /// </summary>
    public static float[] ClassifierRow(long id, int labelCount)
    {
        CheckId(id);
        ArgumentOutOfRangeException.ThrowIfLessThan(labelCount, 1);
        var row = new float[labelCount];
        switch (id)
        {
            case PadId:
                for (var k = 0; k < labelCount; k++)
                    row[k] = 10 * (k + 1);
                break;
            case ClsId:
                row[0] += 0.5f;
                break;
            case SepId:
                row[1 % labelCount] += 0.25f;
                break;
            case UnkId or MaskId:
                break;
            default:
                row[id % labelCount] = 1;
                break;
        }
        return row;
    }

    /// <summary>The cross-encoder's topic vector of a token (france, germany, animals, weather, film); 0 for stop words, punctuation, pieces and special tokens.</summary>
    public static float[] RerankRow(long id)
    {
        CheckId(id);
        return RerankRows.TryGetValue(Vocabulary[(int)id], out var row) ? [.. row] : new float[RerankDimension];
    }

    // ------------------------------------------------------------------ expected outputs

    /// <summary>
    /// The embedder's exact last_hidden_state for one sequence, [sequence][4]:
    /// h[s] = W[id[s]] + T[type[s]] + 0.25 · Σ_{mask=1} W[id]. <paramref name="mask"/> null means all 1;
    /// <paramref name="typeIds"/> null means all 0 (also right for a model without token_type_ids).
    /// </summary>
    public static float[][] ExpectedHiddenStates(IReadOnlyList<long> ids, IReadOnlyList<long>? mask = null, IReadOnlyList<long>? typeIds = null)
    {
        var (m, t) = CheckSequence(ids, mask, typeIds);
        const int d = EmbeddingDimension;
        var context = new double[d];
        for (var s = 0; s < ids.Count; s++)
        {
            if (m[s] == 0)
                continue;
            var w = WordEmbedding(ids[s]);
            for (var k = 0; k < d; k++)
                context[k] += w[k];
        }
        var result = new float[ids.Count][];
        for (var s = 0; s < ids.Count; s++)
        {
            var w = WordEmbedding(ids[s]);
            var type = TokenTypeEmbedding(t[s]);
            result[s] = new float[d];
            for (var k = 0; k < d; k++)
                result[s][k] = (float)(w[k] + type[k] + (ContextScale * context[k]));
        }
        return result;
    }

    /// <summary>
    /// The sentence embedding a sentence-transformers pipeline makes of the embedder's output:
    /// pooling (CLS: position 0; mean: Σ over mask = 1 divided by their count; last token: the
    /// last position whose mask is 1), then, when <paramref name="normalize"/>, division by the L2
    /// norm. The hidden states are exact; the mean is the correctly rounded float of an exact sum
    /// divided by the count (what a float "sum, then divide" computes, bit for bit); the L2 step is
    /// done in double and rounded once, so a float32 implementation may differ in the last bit or
    /// two (compare normalised values to about 1e-6).
    /// </summary>
    public static float[] ExpectedEmbedding(IReadOnlyList<long> ids, IReadOnlyList<long>? mask = null, IReadOnlyList<long>? typeIds = null, Pooling pooling = Pooling.Mean, bool normalize = true)
    {
        var (m, _) = CheckSequence(ids, mask, typeIds);
        var hidden = ExpectedHiddenStates(ids, mask, typeIds);
        const int d = EmbeddingDimension;
        var pooled = new float[d];
        switch (pooling)
        {
            case Pooling.Cls:
                hidden[0].CopyTo(pooled, 0);
                break;
            case Pooling.LastToken:
                var last = Array.FindLastIndex(m, x => x != 0);
                if (last < 0)
                    throw new ArgumentException("the attention mask has no 1", nameof(mask));
                hidden[last].CopyTo(pooled, 0);
                break;
            case Pooling.Mean:
                var count = m.Count(x => x != 0);
                if (count == 0)
                    throw new ArgumentException("the attention mask has no 1", nameof(mask));
                for (var k = 0; k < d; k++)
                {
                    double sum = 0;
                    for (var s = 0; s < ids.Count; s++)
                    {
                        if (m[s] != 0)
                            sum += hidden[s][k];
                    }
                    pooled[k] = (float)(sum / count);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(pooling), pooling, null);
        }
        return normalize ? L2Normalize(pooled) : pooled;
    }

    /// <summary>The classifier's exact logits for one sequence over <paramref name="labelCount"/> labels.</summary>
    public static float[] ExpectedLogits(IReadOnlyList<long> ids, IReadOnlyList<long>? mask, int labelCount)
    {
        var (m, _) = CheckSequence(ids, mask, null);
        var logits = new double[labelCount];
        for (var s = 0; s < ids.Count; s++)
        {
            if (m[s] == 0)
                continue;
            var row = ClassifierRow(ids[s], labelCount);
            for (var k = 0; k < labelCount; k++)
                logits[k] += row[k];
        }
        return [.. logits.Select(x => (float)x)];
    }

    /// <summary>
    /// The cross-encoder's exact logit for one sequence: (Σ_{mask=1, type=0} RerankRow) ·
    /// (Σ_{mask=1, type=1} RerankRow) − 0.125 · (number of tokens with mask 1 and type 1).
    /// </summary>
    public static float ExpectedRerankLogit(IReadOnlyList<long> ids, IReadOnlyList<long>? mask, IReadOnlyList<long> typeIds)
    {
        ArgumentNullException.ThrowIfNull(typeIds);
        var (m, t) = CheckSequence(ids, mask, typeIds);
        var query = new double[RerankDimension];
        var doc = new double[RerankDimension];
        var docTokens = 0;
        for (var s = 0; s < ids.Count; s++)
        {
            if (m[s] == 0)
                continue;
            if (t[s] != 0)
                docTokens++;
            var row = RerankRow(ids[s]);
            var target = t[s] == 0 ? query : doc;
            for (var k = 0; k < RerankDimension; k++)
                target[k] += row[k];
        }
        double dot = 0;
        for (var k = 0; k < RerankDimension; k++)
            dot += query[k] * doc[k];
        return (float)(dot + (RerankDocumentTokenWeight * docTokens));
    }

    /// <summary>x / ‖x‖₂, computed in double and rounded once.</summary>
    public static float[] L2Normalize(IReadOnlyList<float> x)
    {
        double squares = 0;
        foreach (var v in x)
            squares += (double)v * v;
        var norm = Math.Sqrt(squares);
        return norm == 0 ? [.. x] : [.. x.Select(v => (float)(v / norm))];
    }

    /// <summary>Softmax computed in double (shifted by the maximum) and rounded once.</summary>
    public static float[] Softmax(IReadOnlyList<float> logits)
    {
        var max = logits.Max();
        var exp = logits.Select(v => Math.Exp((double)v - max)).ToArray();
        var sum = exp.Sum();
        return [.. exp.Select(e => (float)(e / sum))];
    }

    /// <summary>1 / (1 + e^−x) computed in double and rounded once.</summary>
    public static float Sigmoid(float x) => (float)(1 / (1 + Math.Exp(-(double)x)));

    // ------------------------------------------------------------------ reference encoder

    /// <summary>
    /// What the folders' tokenizer makes of <paramref name="text"/>: [CLS] tokens [SEP], type ids 0,
    /// mask 1 — BERT's basic tokenizer (lower case, split on whitespace and punctuation) and greedy
    /// longest-match WordPiece over <see cref="Vocabulary"/>, a word with no split becoming [UNK].
    /// ASCII only (it throws otherwise: accent stripping is not done here); no truncation.
    /// </summary>
    public static EncodedText Encode(string text)
    {
        var ids = new List<long> { ClsId };
        ids.AddRange(Tokenize(text));
        ids.Add(SepId);
        return new EncodedText(ids, [.. Enumerable.Repeat(0L, ids.Count)], [.. Enumerable.Repeat(1L, ids.Count)]);
    }

    /// <summary>A pair: [CLS] a [SEP] b [SEP], type ids 0 up to and including the first [SEP], then 1.</summary>
    public static EncodedText Encode(string first, string second)
    {
        var a = Tokenize(first);
        var b = Tokenize(second);
        List<long> ids = [ClsId, .. a, SepId, .. b, SepId];
        var firstLength = a.Count + 2;
        List<long> types = [.. Enumerable.Repeat(0L, firstLength), .. Enumerable.Repeat(1L, ids.Count - firstLength)];
        return new EncodedText(ids, types, [.. Enumerable.Repeat(1L, ids.Count)]);
    }

    /// <summary>
    /// The ids of <paramref name="text"/> without the [CLS]/[SEP] the template adds; special tokens
    /// written in the text ("[SEP]", exact case) are matched first, as added tokens are.
    /// </summary>
    public static List<long> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<long>();
        var start = 0;
        while (true)
        {
            var at = -1;
            string? special = null;
            foreach (var token in SpecialTokens)
            {
                var found = text.IndexOf(token, start, StringComparison.Ordinal);
                if (found >= 0 && (at < 0 || found < at))
                    (at, special) = (found, token);
            }
            if (special is null)
            {
                BasicTokenize(text[start..], ids);
                return ids;
            }
            BasicTokenize(text[start..at], ids);
            ids.Add(Ids[special]);
            start = at + special.Length;
        }
    }

    private static void BasicTokenize(string text, List<long> ids)
    {
        var word = new System.Text.StringBuilder();
        foreach (var c in text)
        {
            if (c > 0x7F)
                throw new ArgumentException($"the reference encoder handles ASCII only, not '{c}' (U+{(int)c:X4})", nameof(text));
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                // BertNormalizer clean_text: whitespace becomes a space, other control characters go.
                if (char.IsWhiteSpace(c))
                    Flush();
                continue;
            }
            if (IsAsciiPunctuation(c))
            {
                Flush();
                word.Append(c);
                Flush();
                continue;
            }
            word.Append(char.ToLowerInvariant(c));
        }
        Flush();

        void Flush()
        {
            if (word.Length == 0)
                return;
            WordPiece(word.ToString(), ids);
            word.Clear();
        }
    }

    private static void WordPiece(string word, List<long> output)
    {
        if (word.Length > 100)
        {
            output.Add(UnkId);
            return;
        }
        var pieces = new List<long>();
        var start = 0;
        while (start < word.Length)
        {
            long found = -1;
            var end = word.Length;
            for (; end > start; end--)
            {
                var piece = (start > 0 ? "##" : "") + word[start..end];
                if (Ids.TryGetValue(piece, out var id))
                {
                    found = id;
                    break;
                }
            }
            if (found < 0)
            {
                output.Add(UnkId);
                return;
            }
            pieces.Add(found);
            start = end;
        }
        output.AddRange(pieces);
    }

    private static bool IsAsciiPunctuation(char c) =>
        c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~');

    // ------------------------------------------------------------------ files

    private static string PrepareFolder(string dir)
    {
        ArgumentNullException.ThrowIfNull(dir);
        var root = Path.GetFullPath(dir);
        Directory.CreateDirectory(root);
        return root;
    }

    private static void WriteJson(string root, string relativePath, JsonNode node)
    {
        var path = Path.Combine(root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, node.ToJsonString(JsonOptions) + "\n");
    }

    private static JsonObject BertConfig(string architecture, int hiddenSize, JsonObject extra)
    {
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray(architecture),
            ["model_type"] = "bert",
            ["hidden_size"] = hiddenSize,
            ["num_hidden_layers"] = 1,
            ["num_attention_heads"] = 1,
            ["intermediate_size"] = hiddenSize,
            ["max_position_embeddings"] = ModelMaxLength,
            ["type_vocab_size"] = 2,
            ["vocab_size"] = Vocabulary.Count,
            ["pad_token_id"] = PadId,
            ["layer_norm_eps"] = 1e-12,
        };
        foreach (var (key, value) in extra.ToList())
        {
            extra.Remove(key);
            config[key] = value;
        }
        return config;
    }

    private static JsonObject LabelMaps(IReadOnlyList<string> labels)
    {
        var id2Label = new JsonObject();
        var label2Id = new JsonObject();
        for (var i = 0; i < labels.Count; i++)
        {
            id2Label[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = labels[i];
            label2Id[labels[i]] = i;
        }
        return new JsonObject { ["id2label"] = id2Label, ["label2id"] = label2Id };
    }

    private static JsonObject Module(int index, string path, string type) =>
        new()
        {
            ["idx"] = index,
            ["name"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["path"] = path,
            ["type"] = type,
        };

    private static JsonObject AddedToken(string token, bool includeId)
    {
        var o = new JsonObject();
        if (includeId)
            o["id"] = Ids[token];
        o["content"] = token;
        o["single_word"] = false;
        o["lstrip"] = false;
        o["rstrip"] = false;
        o["normalized"] = false;
        o["special"] = true;
        return o;
    }

    private static void CheckId(long id)
    {
        if (id < 0 || id >= Vocabulary.Count)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"token ids are 0..{Vocabulary.Count - 1}");
    }

    private static (long[] Mask, long[] TypeIds) CheckSequence(IReadOnlyList<long> ids, IReadOnlyList<long>? mask, IReadOnlyList<long>? typeIds)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
            throw new ArgumentException("an empty sequence", nameof(ids));
        if (mask is not null && mask.Count != ids.Count)
            throw new ArgumentException($"{mask.Count} mask values for {ids.Count} ids", nameof(mask));
        if (typeIds is not null && typeIds.Count != ids.Count)
            throw new ArgumentException($"{typeIds.Count} type ids for {ids.Count} ids", nameof(typeIds));
        foreach (var id in ids)
            CheckId(id);
        if (typeIds is not null && typeIds.Any(t => t is not (0 or 1)))
            throw new ArgumentException("token type ids are 0 or 1", nameof(typeIds));
        if (mask is not null && mask.Any(x => x is not (0 or 1)))
            throw new ArgumentException("attention mask values are 0 or 1", nameof(mask));
        return (mask is null ? [.. Enumerable.Repeat(1L, ids.Count)] : [.. mask],
                typeIds is null ? new long[ids.Count] : [.. typeIds]);
    }
}
