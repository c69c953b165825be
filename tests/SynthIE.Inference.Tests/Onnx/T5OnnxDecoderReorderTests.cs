using SynthIE.Inference.Generation;
using SynthIE.Inference.Model.Onnx;

namespace SynthIE.Inference.Tests.Onnx;

/// <summary>
/// The cached decoder's row bookkeeping under scripted reorders (rows continued twice, rows dropped, permutations, rows
/// taken from another item, finished items leaving), step by step against the no-cache decoder, which keeps each row's
/// whole history and so cannot get a reorder wrong. The rows are arranged in place (rows that leave become views of the
/// first rows); every row must get the logits of its own history.
/// </summary>
public sealed class T5OnnxDecoderReorderTests : IClassFixture<T5OnnxRunnerTests.ModelFixture>
{
    private const int RowsPerItem = 3;
    private readonly T5OnnxRunnerTests.ModelFixture _fixture;

    public T5OnnxDecoderReorderTests(T5OnnxRunnerTests.ModelFixture fixture) => _fixture = fixture;

    public static TheoryData<string> Decoders => new() { "merged", "pair" };

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Every_beam_row_gets_the_logits_of_its_own_history(string decoderForm)
    {
        // Rows 0-2 belong to item 0 and rows 3-5 to item 1 until items leave.
        int[][] reorders =
        [
            [0, 1, 2, 3, 4, 5], // expansion after the first step (one physical row per item before)
            [1, 1, 0, 5, 3, 3], // item 0: row 1 twice, row 2 dropped; item 1: permuted, row 3 twice, row 4 dropped
            [2, 0, 1, 3, 4, 5], // a pure permutation: nothing to copy
            [0, 0, 0, 4, 4, 3], // one row continued by all three beams
            [1, 2, 0, 5, 3, 4], // a permutation after in-place copies
            [3, 1, 2, 0, 4, 5], // rows swapped across items: the row tensors must follow
            [0, 0, 2, 5, 5, 5], // item 1 on five rows: rows of item 0 get item 1's encoder tensors copied in
            [3, 4, 4],          // item 0 leaves: fewer rows (views of the first rows), rows from the end move down
            [2, 2, 0],          // in place again after rows left
            [1],                // one row left
        ];
        AssertSameLogits(decoderForm, RowsPerItem, reorders);
    }

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Greedy_rows_leaving_from_the_middle_keep_their_histories(string decoderForm)
    {
        // One row per item (greedy) over three items: item 1 leaves right after the first step (before the per-row
        // encoder tensors exist), then item 0 (the row of item 2 moves down into row 0).
        AssertSameLogits(decoderForm, rowsPerItem: 1, [[0, 2], [0, 1], [1]], texts: 3);
    }

    private void AssertSameLogits(string decoderForm, int rowsPerItem, int[][] reorders, int texts = 2)
    {
        T5OnnxModel model = decoderForm == "merged" ? _fixture.Merged : _fixture.Pair;
        int[][] inputs = [.. ScriptedReorders.Sentences.Take(texts).Select(text => _fixture.Tokenizer.EncodeToIds(text).ToArray())];
        var batch = PaddedBatch.RightPad(inputs);
        using T5EncoderOutput encoded = model.Encode(batch, observer: null, default);
        using var cached = new T5OnnxDecoder(model, encoded, rowsPerItem);
        var reference = new NoCacheDecoder(
            _fixture.Pair.Decoder!, encoded.HiddenStates.GetTensorDataAsSpan<float>().ToArray(), batch.AttentionMask, batch.ItemCount, batch.Length,
            _fixture.Config.ModelDimension, rowsPerItem, _fixture.Config.VocabularySize);
        int vocabulary = _fixture.Config.VocabularySize;
        ScriptedReorders.Run(reference, cached, inputs.Length * rowsPerItem, reorders, seed: 5, (step, expected, actual) =>
        {
            for (int row = 0; row < expected.Length / vocabulary; row++)
            {
                float largest = 0;
                for (int v = 0; v < vocabulary; v++)
                {
                    largest = Math.Max(largest, Math.Abs(expected[(row * vocabulary) + v] - actual[(row * vocabulary) + v]));
                }

                Assert.True(largest < 1e-4f, $"{decoderForm}, step {step}, row {row}: logits differ by up to {largest}");
            }
        });

        // Every row was fed its own random tokens, so a row that kept another row's cache would have failed above.
        Assert.Equal(reorders.Length + 1, cached.PastLength);
    }
}
