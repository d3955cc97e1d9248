using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MicroAI.ModelRegistry;

namespace MicroAI.Server.Ollama.Models;

/// <summary>A model as Ollama's list, show and ps describe it, from the registry manifest (or the one made from the file's metadata).</summary>
internal static class OllamaModelJson
{
    /// <summary>The fields /api/tags and /api/ps share: name, model, size, digest, details.</summary>
    public static void WriteSummary(Utf8JsonWriter w, ModelEntry e, long size)
    {
        w.WriteString("name", e.Id);
        w.WriteString("model", e.Id);
        w.WriteNumber("size", size);
        w.WriteString("digest", Digest(e));
        WriteDetails(w, e);
    }

    public static void WriteDetails(Utf8JsonWriter w, ModelEntry e)
    {
        var m = e.Manifest;
        w.WriteStartObject("details");
        w.WriteString("parent_model", "");
        w.WriteString("format", e.Format.Name());
        w.WriteString("family", m?.Architecture ?? "");
        w.WriteStartArray("families");
        if (m?.Architecture is { } architecture)
            w.WriteStringValue(architecture);
        w.WriteEndArray();
        w.WriteString("parameter_size", m?.ParameterCount is { } p ? ParameterSize(p) : "");
        w.WriteString("quantization_level", m?.Quantization ?? "");
        w.WriteEndObject();
    }

    /// <summary>
    /// The registry's digest of the model file, hex as Ollama lists it. A loose file outside the
    /// registry is not hashed on every listing (gigabytes): its digest is of its path, size and
    /// time instead, stable while the file is unchanged, but not a content digest.
    /// </summary>
    public static string Digest(ModelEntry e)
    {
        if (e.Source == "registry" && e.Manifest?.MainFile?.Digest is { } digest)
            return digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest["sha256:".Length..] : digest;
        var identity = string.Create(CultureInfo.InvariantCulture, $"{e.Path}|{e.SizeBytes}|{e.CreatedUtc.ToUnixTimeMilliseconds()}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
    }

    /// <summary>Ollama's capability names: completion, tools, insert, embedding.</summary>
    public static IEnumerable<string> Capabilities(ModelEntry e, string? chatTemplate)
    {
        if (e.Has(ModelCapability.Completion) || e.Has(ModelCapability.Chat))
        {
            yield return "completion";
            if (chatTemplate?.Contains("tools", StringComparison.Ordinal) == true)
                yield return "tools";
        }
        if (e.Has(ModelCapability.Embeddings))
            yield return "embedding";
    }

    /// <summary>"260K", "1.1B", "7.2B": Ollama's rounding of the parameter count.</summary>
    public static string ParameterSize(long count) => count switch
    {
        >= 1_000_000_000 => (count / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + "B",
        >= 1_000_000 => (count / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (count / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "K",
        _ => count.ToString(CultureInfo.InvariantCulture),
    };
}
