using System.Security.Cryptography;
using System.Text;
using MicroAI.Engines.Abstractions;
using MicroAI.ModelRegistry;

namespace MicroAI.Engines.Onnx;

/// <summary>
/// Where an ONNX model's files are, laid out as in its original folder. A loose model is read in
/// place. A registry model's files are blobs named by digest, so they are linked into a view
/// folder under the temp directory by their original names ("onnx/model.onnx",
/// "onnx/model.onnx_data", "1_Pooling/config.json"): ONNX Runtime then finds external data next to
/// the model, and the pipelines find tokenizer and configuration files, exactly as in the source.
/// </summary>
internal static class OnnxModelFiles
{
    /// <summary>The model file's path in a folder that holds all its files.</summary>
    public static string Materialize(ModelEntry entry)
    {
        if (entry.Files.Count == 0)
            return entry.Path;
        var main = entry.Files.FirstOrDefault(kv => string.Equals(kv.Value, entry.Path, StringComparison.Ordinal)).Key
            ?? throw new ModelLoadException($"'{entry.Id}': the registry manifest does not list its model file.");
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', entry.Files.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value)))))[..16];
        var view = Path.Combine(Path.GetTempPath(), "microai-onnx-views", key);
        foreach (var (name, blob) in entry.Files)
        {
            var target = Path.GetFullPath(Path.Combine(view, name));
            if (!target.StartsWith(Path.GetFullPath(view) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new ModelLoadException($"'{entry.Id}': the manifest names a file outside the model's folder ('{name}').");
            if (File.Exists(target) || Directory.Exists(target))
                continue;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            try
            {
                File.CreateSymbolicLink(target, blob);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Windows without the symlink privilege: a copy costs disk but works the same.
                File.Copy(blob, target, overwrite: true);
            }
        }
        return Path.Combine(view, main);
    }
}
