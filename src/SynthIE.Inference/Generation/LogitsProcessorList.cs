using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Generation;

/// <summary>
/// The ordered logits processors of a search, combined into one mask per row and step. With one restricting processor
/// its allowed span is used as is (no copy); with several, their intersection is built in a reusable buffer.
/// </summary>
internal sealed class LogitsProcessorList
{
    private readonly ILogitsProcessor[] _processors;
    private readonly int _vocabularySize;
    private int[] _stamps = [];
    private int[] _intersection = [];
    private int _stamp;

    /// <summary>Initializes a new instance of the <see cref="LogitsProcessorList"/> class.</summary>
    /// <param name="processors">The processors, in order.</param>
    /// <param name="vocabularySize">The width of a logits row; every allowed id must be below it.</param>
    public LogitsProcessorList(IEnumerable<ILogitsProcessor> processors, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(processors);
        _processors = [.. processors];
        _vocabularySize = vocabularySize;
    }

    /// <summary>Gets the number of processors.</summary>
    public int Count => _processors.Length;

    /// <summary>Builds the processors the options ask for (today: the constraint, if any).</summary>
    /// <param name="options">The decoding options.</param>
    /// <param name="vocabularySize">The width of a logits row.</param>
    /// <returns>The processor list.</returns>
    public static LogitsProcessorList Create(DecodingOptions options, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(options);
        ILogitsProcessor[] list = options.Constraint is null ? [] : [new ConstraintLogitsProcessor(options.Constraint)];
        return new LogitsProcessorList(list, vocabularySize);
    }

    /// <summary>Starts a search over <paramref name="slotCount"/> slots.</summary>
    /// <param name="slotCount">The number of slots.</param>
    public void Reset(int slotCount)
    {
        foreach (ILogitsProcessor processor in _processors)
        {
            processor.Reset(slotCount);
        }
    }

    /// <summary>Returns the tokens a slot may take next under every processor.</summary>
    /// <param name="slot">The slot.</param>
    /// <param name="allowed">The allowed ids (unsorted, no duplicates), valid until the next call.</param>
    /// <returns><see langword="false"/> when no processor restricts the slot.</returns>
    public bool TryGetAllowedTokens(int slot, out ReadOnlySpan<int> allowed)
    {
        allowed = default;
        int restricting = 0;
        foreach (ILogitsProcessor processor in _processors)
        {
            if (!processor.TryGetAllowedTokens(slot, out ReadOnlySpan<int> ids))
            {
                continue;
            }

            restricting++;
            if (restricting == 1)
            {
                allowed = ids;
                continue;
            }

            if (restricting == 2)
            {
                BeginIntersection();
                int first = ++_stamp;
                foreach (int id in allowed)
                {
                    _stamps[CheckId(id, slot)] = first;
                }
            }

            int current = _stamp;
            int next = ++_stamp;
            int count = 0;
            foreach (int id in ids)
            {
                if (_stamps[CheckId(id, slot)] == current)
                {
                    _stamps[id] = next;
                    _intersection[count++] = id;
                }
            }

            allowed = _intersection.AsSpan(0, count);
        }

        return restricting > 0;
    }

    /// <summary>Lets every processor follow one search step (see <see cref="ILogitsProcessor.Advance"/>).</summary>
    /// <param name="sourceSlots">For each slot, the slot it continues, or −1.</param>
    /// <param name="appendedTokens">For each slot, the appended token, or −1 for a hypothesis that scored −∞.</param>
    public void Advance(ReadOnlySpan<int> sourceSlots, ReadOnlySpan<int> appendedTokens)
    {
        foreach (ILogitsProcessor processor in _processors)
        {
            processor.Advance(sourceSlots, appendedTokens);
        }
    }

    // One intersection uses at most one stamp per processor; restart the stamps before they could overflow.
    private void BeginIntersection()
    {
        if (_stamps.Length != _vocabularySize)
        {
            _stamps = new int[_vocabularySize];
            _intersection = new int[_vocabularySize];
            _stamp = 0;
        }
        else if (_stamp > int.MaxValue - _processors.Length - 1)
        {
            Array.Clear(_stamps);
            _stamp = 0;
        }
    }

    private int CheckId(int id, int slot)
    {
        if ((uint)id >= (uint)_vocabularySize)
        {
            ThrowHelper.TokenOutsideVocabulary("A logits processor", id, _vocabularySize, slot);
        }

        return id;
    }
}
