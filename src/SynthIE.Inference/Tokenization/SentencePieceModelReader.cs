using System.Text;

namespace SynthIE.Inference.Tokenization;

/// <summary>
/// Reads a SentencePiece <c>ModelProto</c> (<c>spiece.model</c>): field 1 pieces (piece, score, type), field 2
/// trainer_spec (model_type, byte_fallback), field 3 normalizer_spec (name, precompiled_charsmap, add_dummy_prefix,
/// remove_extra_whitespaces, escape_whitespaces). Other fields are skipped.
/// </summary>
internal static class SentencePieceModelReader
{
    private const int UnigramModelType = 1;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static SentencePieceModelData Read(ReadOnlySpan<byte> data, string sourceName)
    {
        if (data.IsEmpty)
        {
            throw new InvalidDataException($"{sourceName}: not a valid SentencePiece model: the file is empty.");
        }

        List<string> pieces = new(capacity: 32_768);
        List<float> scores = new(capacity: 32_768);
        List<SentencePieceType> types = new(capacity: 32_768);
        byte[] charsMap = [];
        string normalizerName = string.Empty;
        bool addDummyPrefix = true, removeExtraWhitespaces = true, escapeWhitespaces = true;
        int modelType = UnigramModelType;
        bool byteFallback = false;

        ProtobufReader reader = new(data, sourceName, "ModelProto");
        while (!reader.AtEnd)
        {
            (int field, int wire) = reader.ReadKey();
            switch (field)
            {
                case 1:
                    reader.Expect(field, wire, ProtobufReader.WireLengthDelimited);
                    ReadPiece(reader.ReadLengthDelimited(out int pieceOffset), pieceOffset, sourceName, pieces, scores, types);
                    break;
                case 2:
                    reader.Expect(field, wire, ProtobufReader.WireLengthDelimited);
                    ReadTrainerSpec(reader.ReadLengthDelimited(out int trainerOffset), trainerOffset, sourceName, ref modelType, ref byteFallback);
                    break;
                case 3:
                    reader.Expect(field, wire, ProtobufReader.WireLengthDelimited);
                    ReadNormalizerSpec(
                        reader.ReadLengthDelimited(out int normalizerOffset), normalizerOffset, sourceName,
                        ref normalizerName, ref charsMap, ref addDummyPrefix, ref removeExtraWhitespaces, ref escapeWhitespaces);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (pieces.Count == 0)
        {
            throw new InvalidDataException($"{sourceName}: not a valid SentencePiece model: it has no pieces (ModelProto field 1).");
        }

        if (modelType != UnigramModelType)
        {
            throw new InvalidDataException($"{sourceName}: trainer_spec.model_type is {modelType}; T5 uses a Unigram model (1).");
        }

        if (byteFallback)
        {
            throw new InvalidDataException($"{sourceName}: trainer_spec.byte_fallback is set; T5 vocabularies have no byte fallback and this tokenizer does not support it.");
        }

        if (charsMap.Length == 0 && normalizerName is not ("" or "identity"))
        {
            throw new InvalidDataException($"{sourceName}: normalizer_spec '{normalizerName}' has no precompiled_charsmap; only precompiled normalizers are supported.");
        }

        SentencePieceModelData model = new(
            sourceName, [.. pieces], [.. scores], [.. types], charsMap,
            addDummyPrefix, removeExtraWhitespaces, escapeWhitespaces, SentencePieceModelData.DefaultExtraIdCount);
        model.Validate();
        return model;
    }

    private static void ReadPiece(
        ReadOnlySpan<byte> message, int offset, string sourceName, List<string> pieces, List<float> scores, List<SentencePieceType> types)
    {
        string? piece = null;
        float score = 0;
        int type = (int)SentencePieceType.Normal;
        ProtobufReader reader = new(message, sourceName, $"piece {pieces.Count}", offset);
        while (!reader.AtEnd)
        {
            (int field, int wire) = reader.ReadKey();
            switch (field)
            {
                case 1:
                    reader.Expect(field, wire, ProtobufReader.WireLengthDelimited);
                    piece = DecodeUtf8(reader.ReadLengthDelimited(out int at), sourceName, $"piece {pieces.Count}", at);
                    break;
                case 2:
                    reader.Expect(field, wire, ProtobufReader.WireFixed32);
                    score = reader.ReadFloat();
                    break;
                case 3:
                    reader.Expect(field, wire, ProtobufReader.WireVarint);
                    ulong raw = reader.ReadVarint();
                    type = raw is >= 1 and <= 6 ? (int)raw : throw reader.Error($"type {raw} is not a SentencePiece.Type (1-6)", 0);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (piece is null)
        {
            throw reader.Error("the piece string (field 1) is missing", 0);
        }

        pieces.Add(piece);
        scores.Add(score);
        types.Add((SentencePieceType)type);
    }

    private static void ReadTrainerSpec(ReadOnlySpan<byte> message, int offset, string sourceName, ref int modelType, ref bool byteFallback)
    {
        ProtobufReader reader = new(message, sourceName, "trainer_spec", offset);
        while (!reader.AtEnd)
        {
            (int field, int wire) = reader.ReadKey();
            if (field == 3 && wire == ProtobufReader.WireVarint)
            {
                modelType = (int)Math.Min(reader.ReadVarint(), int.MaxValue);
            }
            else if (field == 35 && wire == ProtobufReader.WireVarint)
            {
                byteFallback = reader.ReadVarint() != 0;
            }
            else
            {
                reader.Skip(wire);
            }
        }
    }

    private static void ReadNormalizerSpec(
        ReadOnlySpan<byte> message, int offset, string sourceName, ref string name, ref byte[] charsMap,
        ref bool addDummyPrefix, ref bool removeExtraWhitespaces, ref bool escapeWhitespaces)
    {
        ProtobufReader reader = new(message, sourceName, "normalizer_spec", offset);
        while (!reader.AtEnd)
        {
            (int field, int wire) = reader.ReadKey();
            switch (field)
            {
                case 1:
                    reader.Expect(field, wire, ProtobufReader.WireLengthDelimited);
                    name = DecodeUtf8(reader.ReadLengthDelimited(out int at), sourceName, "normalizer_spec.name", at);
                    break;
                case 2:
                    reader.Expect(field, wire, ProtobufReader.WireLengthDelimited);
                    charsMap = reader.ReadLengthDelimited(out _).ToArray();
                    break;
                case 3:
                    reader.Expect(field, wire, ProtobufReader.WireVarint);
                    addDummyPrefix = reader.ReadVarint() != 0;
                    break;
                case 4:
                    reader.Expect(field, wire, ProtobufReader.WireVarint);
                    removeExtraWhitespaces = reader.ReadVarint() != 0;
                    break;
                case 5:
                    reader.Expect(field, wire, ProtobufReader.WireVarint);
                    escapeWhitespaces = reader.ReadVarint() != 0;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
    }

    private static string DecodeUtf8(ReadOnlySpan<byte> bytes, string sourceName, string what, int offset)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDataException($"{sourceName}: not a valid SentencePiece model: {what} is not valid UTF-8 (at byte {offset}).");
        }
    }
}
