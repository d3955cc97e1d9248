namespace MicroAI.ModelRegistry.Store;

/// <summary>
/// An exclusive lock on the registry shared by every process using it (server and CLI): an open
/// of <c>root/registry.lock</c> with FileShare.None (flock on Unix, a share lock on Windows).
/// Held only around the short steps that change which blobs are referenced (saving a manifest,
/// removing one and its unreferenced blobs), never around a download.
/// </summary>
public sealed class RegistryLock : IDisposable
{
    private readonly FileStream _file;

    private RegistryLock(FileStream file) => _file = file;

    public static async Task<RegistryLock> AcquireAsync(string root, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(root);
        var path = Path.Combine(root, "registry.lock");
        var delay = 10;
        while (true)
        {
            try
            {
                return new RegistryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = Math.Min(delay * 2, 200);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
