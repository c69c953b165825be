using Microsoft.ML.OnnxRuntime;
using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Tests.Onnx;

/// <summary>
/// An independent decoder for cross-checking the cached runner: every step runs decoder_model.onnx (no past inputs) on
/// each row's whole token history, so there is no cache to reorder or get wrong.
/// </summary>
internal sealed class NoCacheDecoder : IDecoderStep
{
    private readonly InferenceSession _decoder;
    private readonly float[] _encoderStates; // items × length × d_model
    private readonly long[] _mask;           // items × length
    private readonly int _length;
    private readonly int _modelDim;
    private List<List<long>> _histories;
    private List<int> _items;

    public NoCacheDecoder(InferenceSession decoder, float[] encoderStates, long[] mask, int items, int length, int modelDim, int rowsPerItem, int vocabularySize)
    {
        _decoder = decoder;
        _encoderStates = encoderStates;
        _mask = mask;
        _length = length;
        _modelDim = modelDim;
        VocabularySize = vocabularySize;
        _histories = [];
        _items = [];
        for (int i = 0; i < items * rowsPerItem; i++)
        {
            _histories.Add([]);
            _items.Add(i / rowsPerItem);
        }
    }

    public int VocabularySize { get; }

    public int RowCount => _histories.Count;

    public void Step(ReadOnlySpan<long> tokens, Span<float> logits)
    {
        int rows = RowCount;
        for (int r = 0; r < rows; r++)
        {
            _histories[r].Add(tokens[r]);
        }

        int t = _histories[0].Count;
        var ids = new long[rows * t];
        var states = new float[rows * _length * _modelDim];
        var mask = new long[rows * _length];
        for (int r = 0; r < rows; r++)
        {
            _histories[r].CopyTo(ids, r * t);
            Array.Copy(_encoderStates, _items[r] * _length * _modelDim, states, r * _length * _modelDim, _length * _modelDim);
            Array.Copy(_mask, _items[r] * _length, mask, r * _length, _length);
        }

        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [rows, t]);
        using var statesValue = OrtValue.CreateTensorValueFromMemory(states, [rows, _length, _modelDim]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [rows, _length]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = _decoder.Run(
            runOptions, ["encoder_attention_mask", "input_ids", "encoder_hidden_states"], [maskValue, idsValue, statesValue], ["logits"]);
        ReadOnlySpan<float> all = outputs[0].GetTensorDataAsSpan<float>();
        int v = VocabularySize;
        for (int r = 0; r < rows; r++)
        {
            all.Slice(((r * t) + t - 1) * v, v).CopyTo(logits.Slice(r * v, v));
        }
    }

    public void Reorder(ReadOnlySpan<int> sourceRows)
    {
        var histories = new List<List<long>>(sourceRows.Length);
        var items = new List<int>(sourceRows.Length);
        foreach (int source in sourceRows)
        {
            histories.Add([.. _histories[source]]);
            items.Add(_items[source]);
        }

        _histories = histories;
        _items = items;
    }
}
