using System.Text;

namespace SynthIE.Inference.Tests.Tokenization;

/// <summary>Writes small SentencePiece <c>ModelProto</c> files (protobuf) for loader tests.</summary>
internal sealed class SentencePieceModelBuilder
{
    private readonly List<byte[]> _pieces = [];
    private byte[]? _charsMap;
    private int? _modelType;

    /// <summary>Starts a model with T5's special pieces: &lt;pad&gt; and &lt;/s&gt; (control), &lt;unk&gt; (unknown).</summary>
    public static SentencePieceModelBuilder WithT5Specials() =>
        new SentencePieceModelBuilder().Piece("<pad>", 0, 3).Piece("</s>", 0, 3).Piece("<unk>", 0, 2);

    public SentencePieceModelBuilder Piece(string piece, float score, int type = 1)
    {
        MemoryStream message = new();
        WriteBytes(message, 1, Encoding.UTF8.GetBytes(piece));
        WriteKey(message, 2, 5);
        message.Write(BitConverter.GetBytes(score));
        WriteKey(message, 3, 0);
        WriteVarint(message, (ulong)type);
        _pieces.Add(message.ToArray());
        return this;
    }

    public SentencePieceModelBuilder CharsMap(byte[] blob)
    {
        _charsMap = blob;
        return this;
    }

    public SentencePieceModelBuilder ModelType(int type)
    {
        _modelType = type;
        return this;
    }

    public byte[] Build()
    {
        MemoryStream model = new();
        foreach (byte[] piece in _pieces)
        {
            WriteBytes(model, 1, piece);
        }
        if (_modelType is int type)
        {
            MemoryStream trainer = new();
            WriteKey(trainer, 3, 0);
            WriteVarint(trainer, (ulong)type);
            WriteBytes(model, 2, trainer.ToArray());
        }

        MemoryStream normalizer = new();
        WriteBytes(normalizer, 1, _charsMap is null ? "identity"u8.ToArray() : "nmt_nfkc"u8.ToArray());
        if (_charsMap is not null)
        {
            WriteBytes(normalizer, 2, _charsMap);
        }

        WriteBytes(model, 3, normalizer.ToArray());
        return model.ToArray();
    }

    private static void WriteBytes(MemoryStream stream, int field, byte[] payload)
    {
        WriteKey(stream, field, 2);
        WriteVarint(stream, (ulong)payload.Length);
        stream.Write(payload);
    }

    private static void WriteKey(MemoryStream stream, int field, int wireType) => WriteVarint(stream, ((ulong)field << 3) | (uint)wireType);

    private static void WriteVarint(MemoryStream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        stream.WriteByte((byte)value);
    }
}
