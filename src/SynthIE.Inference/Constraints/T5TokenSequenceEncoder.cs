using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace SynthIE.Inference.Constraints;

/// <summary>
/// <see cref="ITokenSequenceEncoder"/> over <see cref="T5Tokenizer"/>. Its fingerprint is SHA-256 over the vocabulary
/// (every piece, in id order) and the ids of fixed probe texts that exercise normalization, unknown characters,
/// special tokens and segmentation (which depends on the piece scores), so a cache built with another vocabulary or
/// model is not reused.
/// </summary>
internal sealed class T5TokenSequenceEncoder : ITokenSequenceEncoder
{
    private static readonly ConditionalWeakTable<T5Tokenizer, T5TokenSequenceEncoder> Encoders = [];

    private static readonly string[] Probes =
    [
        "Journal_of_Colloid_and_Interface_Science",
        "indexed in bibliographic review",
        "[s] Douglas_Adams [r] occupation [o] Novelist [e] [et]",
        "Erhards_Grove_Township,_Otter_Tail_County,_Minnesota",
        "Adémaï_au_poteau-frontière Austra_Skujiņa Köppen 4_×_400_metres_relay",
        "ＦＵＬＬＷＩＤＴＨ ﬁ ½ Ⅻ 生活的真谛是 {curly} <angle> ¥€",
        "  two  spaces\tand\ttabs\n ",
        "a</s>b<pad><unk><extra_id_0> <extra_id_99>",
        "1998 FIFA World Cup, HD 12345, (2005 film), 'Amran_Governorate, .NET_Framework",
        "unbelievably antidisestablishmentarianism photosynthesis neurotransmitter",
    ];

    private readonly T5Tokenizer _tokenizer;
    private readonly Lazy<byte[]> _fingerprint;

    private T5TokenSequenceEncoder(T5Tokenizer tokenizer)
    {
        _tokenizer = tokenizer;
        _fingerprint = new Lazy<byte[]>(ComputeFingerprint);
    }

    public int EndOfSequenceId => T5Tokenizer.EndOfSequenceId;

    public int UnknownId => T5Tokenizer.UnknownId;

    public string? Decode(ReadOnlySpan<int> ids) => _tokenizer.Decode(ids);

    public ReadOnlySpan<byte> Fingerprint => _fingerprint.Value;

    /// <summary>Returns the (cached) encoder of <paramref name="tokenizer"/>.</summary>
    public static T5TokenSequenceEncoder For(T5Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return Encoders.GetValue(tokenizer, static t => new T5TokenSequenceEncoder(t));
    }

    public int Encode(ReadOnlySpan<char> text, Span<int> destination, out bool truncated) =>
        _tokenizer.EncodeToIds(text, destination, addEndOfSequence: true, out truncated);

    private byte[] ComputeFingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData("T5Tokenizer"u8);
        hash.AppendData(BitConverter.GetBytes(_tokenizer.VocabularySize));
        for (int id = 0; id < _tokenizer.VocabularySize; id++)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(_tokenizer.IdToPiece(id) ?? string.Empty));
            hash.AppendData([0]);
        }

        foreach (string probe in Probes)
        {
            foreach (int id in _tokenizer.EncodeToIds(probe))
            {
                hash.AppendData(BitConverter.GetBytes(id));
            }

            hash.AppendData([0xFF, 0xFF, 0xFF, 0xFF]);
        }

        return hash.GetHashAndReset();
    }
}
