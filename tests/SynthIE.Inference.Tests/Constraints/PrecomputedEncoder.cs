using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SynthIE.Inference.Constraints;

namespace SynthIE.Inference.Tests.Constraints;

/// <summary>TEMPORARY until the T5 tokenizer lands: ids computed by Google's sentencepiece, read from $SYNTHIE_TMP_IDS.</summary>
internal sealed class PrecomputedEncoder : ITokenSequenceEncoder
{
    private readonly Dictionary<string, int[]> _ids;
    private readonly byte[] _fingerprint;

    private PrecomputedEncoder(Dictionary<string, int[]> ids, byte[] fingerprint)
    {
        _ids = ids;
        _fingerprint = fingerprint;
    }

    public static PrecomputedEncoder Instance { get; } = Load();

    public int EndOfSequenceId => 1;

    public ReadOnlySpan<byte> Fingerprint => _fingerprint;

    public int Encode(ReadOnlySpan<char> text, Span<int> destination, out bool truncated)
    {
        if (!_ids.TryGetValue(text.ToString(), out int[]? ids))
        {
            throw new KeyNotFoundException($"No precomputed ids for '{text}'.");
        }

        truncated = ids.Length > destination.Length;
        if (truncated)
        {
            return 0;
        }

        ids.CopyTo(destination);
        return ids.Length;
    }

    private static PrecomputedEncoder Load()
    {
        string path = Environment.GetEnvironmentVariable("SYNTHIE_TMP_IDS") ?? "/tmp/con-ids/ids.json";
        byte[] bytes = File.ReadAllBytes(path);
        var ids = JsonSerializer.Deserialize<Dictionary<string, int[]>>(bytes)!;
        return new PrecomputedEncoder(ids, SHA256.HashData(Encoding.UTF8.GetBytes("precomputed")));
    }
}
