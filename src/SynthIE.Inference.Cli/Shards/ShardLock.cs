using SynthIE.Inference.Cli.Common;

namespace SynthIE.Inference.Cli.Shards;

/// <summary>
/// The exclusive lock a shard's writer holds on <c>&lt;output&gt;.lock</c> for as long as it runs, so that two tasks
/// started on one shard (a duplicated array task, a restarted pod whose predecessor still runs) never write the same
/// file: the second fails at once. .NET takes it with <c>flock</c>, which Linux maps to POSIX locks on NFS v4, CephFS and
/// Lustre, so it holds across nodes there. The lock file stays behind, empty.
/// </summary>
internal sealed class ShardLock : IDisposable
{
    private readonly FileStream _file;

    private ShardLock(FileStream file) => _file = file;

    /// <summary>Takes the lock of a shard's output file.</summary>
    /// <param name="outputPath">The shard's output file (full path).</param>
    /// <param name="shard">The shard, for the message.</param>
    /// <returns>The lock; dispose it to release.</returns>
    /// <exception cref="CliException">Another process holds the lock, or the lock file cannot be created.</exception>
    public static ShardLock Acquire(string outputPath, ShardSpec shard)
    {
        ArgumentNullException.ThrowIfNull(outputPath);
        string path = outputPath + ".lock";
        try
        {
            return new ShardLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException error) when (File.Exists(path) && !Directory.Exists(path))
        {
            throw new CliException($"shard {shard} is being written by another process: {path} is locked ({error.Message}); wait for it or stop it before running this shard again.", error);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"shard {shard}: cannot create the lock file {path} ({error.Message}).", error);
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _file.Dispose();
}
