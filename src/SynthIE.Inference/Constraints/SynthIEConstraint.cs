namespace SynthIE.Inference.Constraints;

/// <summary>
/// SynthIE's constrained decoding as an incremental <see cref="ITokenConstraint"/>: for every decoder prefix it allows
/// exactly the token ids SynthIE's <c>prefix_allowed_tokens_fn</c> returns (for the fully expanded, subject collapsed
/// and <c>[et]</c> linearizations), but in O(1) per token from a small <see cref="ConstraintState"/> instead of
/// rescanning the prefix, and <see cref="Allowed"/> returns a precomputed span without allocating.
/// <para>
/// The rules it reproduces: after the end token nothing is allowed; otherwise the last complete marker decides the
/// part being written (none yet counts as after the end marker). If the ids since that marker end with the first ids of
/// a marker that may come next, only that marker's next id is allowed. Otherwise, after the end marker (or at the start)
/// the end token or the first id of <c>[s]</c>; after <c>[r]</c> a continuation in the relation trie; after <c>[s]</c> or
/// <c>[o]</c> a continuation in the entity trie, where a finished name also allows the first id of the markers that may
/// follow (<c>[r]</c> after a subject; the end marker, or also <c>[r]</c> when subject collapsed, after an object).
/// </para>
/// The state's <see cref="ConstraintState.Phase"/> is the part being written, <see cref="ConstraintState.Node"/> the
/// trie node of the name so far (-1 outside a trie) and <see cref="ConstraintState.Offset"/> how much of a marker the
/// last ids match. Immutable and thread-safe; dispose to release memory-mapped cache files once no search uses it.
/// </summary>
internal sealed class SynthIEConstraint : ITokenConstraint, IDisposable
{
    private const int NoNode = -1;
    private const int UseTrie = -1;
    private const int PhaseCount = 7;

    private readonly TokenTrie _entities;
    private readonly TokenTrie _relations;
    private readonly MarkerMatcher _matcher;
    private readonly int _endOfSequenceId;
    private readonly int _states;
    private readonly int[] _fixedIds;
    private readonly int[] _fixedStart;
    private readonly int[] _fixedLength;
    private readonly int[][] _finishedNameIds;

    internal SynthIEConstraint(
        TokenTrie entities,
        TokenTrie relations,
        Linearization linearization,
        IReadOnlyList<int[]> markerIds,
        int endOfSequenceId,
        int decoderStartId)
    {
        ArgumentNullException.ThrowIfNull(entities);
        ArgumentNullException.ThrowIfNull(relations);
        ArgumentNullException.ThrowIfNull(linearization);
        ArgumentNullException.ThrowIfNull(markerIds);
        if (markerIds.Count != 4)
        {
            throw new ArgumentException("Expected the ids of four markers: subject, relation, object, end.", nameof(markerIds));
        }

        foreach (int[] marker in markerIds)
        {
            if (marker.Contains(endOfSequenceId))
            {
                throw new ArgumentException($"A marker's ids [{string.Join(", ", marker)}] contain the end token {endOfSequenceId}.", nameof(markerIds));
            }
        }

        _entities = entities;
        _relations = relations;
        Linearization = linearization;
        _endOfSequenceId = endOfSequenceId;
        _matcher = new MarkerMatcher(markerIds);
        _states = _matcher.StateCount;
        MarkerIds = [.. markerIds.Select(marker => (IReadOnlyList<int>)marker.ToArray())];

        _finishedNameIds = new int[PhaseCount][];
        for (int phase = 0; phase < PhaseCount; phase++)
        {
            _finishedNameIds[phase] = [.. NextMarkers((SynthIEPhase)phase).Select(m => markerIds[m][0]).Distinct()];
        }

        CheckContinuation(entities, SynthIEPhase.Subject, "entity");
        CheckContinuation(entities, SynthIEPhase.Object, "entity");
        CheckContinuation(relations, SynthIEPhase.Relation, "relation");

        // Everything that does not depend on a trie node, per (phase, marker state).
        var ids = new List<int>();
        _fixedStart = new int[PhaseCount * _states];
        _fixedLength = new int[PhaseCount * _states];
        for (int phase = 0; phase < PhaseCount; phase++)
        {
            for (int state = 0; state < _states; state++)
            {
                int index = (phase * _states) + state;
                List<int> allowed = FixedAllowed((SynthIEPhase)phase, state, markerIds, out bool useTrie);
                _fixedStart[index] = ids.Count;
                _fixedLength[index] = useTrie ? UseTrie : allowed.Count;
                ids.AddRange(allowed);
            }
        }

        _fixedIds = [.. ids];
        Initial = new ConstraintState((int)SynthIEPhase.Start, NoNode, _matcher.Next(0, decoderStartId));
    }

    /// <summary>Gets the linearization whose grammar this constraint enforces.</summary>
    public Linearization Linearization { get; }

    /// <summary>Gets the token ids of the subject, relation, object and end markers (the tokenizer's ids of the marker text, end token removed).</summary>
    public IReadOnlyList<IReadOnlyList<int>> MarkerIds { get; }

    /// <summary>Gets how the entity trie was made.</summary>
    public TrieSummary EntityTrie { get; private init; } = null!;

    /// <summary>Gets how the relation trie was made.</summary>
    public TrieSummary RelationTrie { get; private init; } = null!;

    /// <inheritdoc />
    public ConstraintState Initial { get; }

    /// <inheritdoc />
    public ConstraintState Advance(in ConstraintState state, int token)
    {
        int phase = state.Phase;
        if (phase >= (int)SynthIEPhase.Finished)
        {
            return new ConstraintState((int)SynthIEPhase.Dead, NoNode, 0);
        }

        if (token == _endOfSequenceId)
        {
            return new ConstraintState((int)SynthIEPhase.Finished, NoNode, 0);
        }

        int markerState = _matcher.Next(state.Offset, token);
        int completed = _matcher.CompletedMarker[markerState];
        if (completed >= 0)
        {
            // Marker index + 1 is its phase (subject 1, relation 2, object 3, end 4); a new name starts at the root.
            int next = completed + 1;
            return new ConstraintState(next, next == (int)SynthIEPhase.Closed ? NoNode : TokenTrie.Root, 0);
        }

        int node = state.Node;
        if (node >= 0)
        {
            node = (phase == (int)SynthIEPhase.Relation ? _relations : _entities).Child(node, token);
        }

        return new ConstraintState(phase, node, markerState);
    }

    /// <inheritdoc />
    public ReadOnlySpan<int> Allowed(in ConstraintState state)
    {
        int index = (state.Phase * _states) + state.Offset;
        int length = _fixedLength[index];
        if (length != UseTrie)
        {
            return new ReadOnlySpan<int>(_fixedIds, _fixedStart[index], length);
        }

        int node = state.Node;
        if (node < 0)
        {
            return [];
        }

        TokenTrie trie = state.Phase == (int)SynthIEPhase.Relation ? _relations : _entities;
        ReadOnlySpan<int> children = trie.Children(node);
        return children.IsEmpty && trie.IsTerminal(node) ? _finishedNameIds[state.Phase] : children;
    }

    /// <summary>
    /// Builds the constraint for a world: the entity trie from <see cref="World.Entities"/>' names, the relation trie
    /// from <see cref="World.Relations"/>' names, tokenized with <paramref name="tokenizer"/> (as SynthIE builds its tries
    /// from a constrained world). Names that give no token ids are left out and counted in <see cref="EntityTrie"/> and
    /// <see cref="RelationTrie"/>, as are names holding characters the tokenizer cannot encode (any <c>&lt;unk&gt;</c> id) and
    /// names it does not give back unchanged (encode, then decode), as SynthIE's <c>genie_t5_tokenizeable</c> world does. With <see cref="SynthIEConstraintOptions.CacheDirectory"/>, the tries are
    /// memory-mapped from cache files, which are built (or rebuilt when the names or the tokenizer changed) as needed.
    /// </summary>
    /// <param name="world">The world.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="linearization">The model's linearization.</param>
    /// <param name="options">Cache settings, or <see langword="null"/> to build in memory.</param>
    /// <returns>The constraint.</returns>
    /// <exception cref="WorldFileException">No entity name, or no relation name, is left once the names the tokenizer cannot encode are left out.</exception>
    /// <exception cref="NotSupportedException">The tokenizer splits the markers in a way the incremental constraint cannot reproduce exactly.</exception>
    public static SynthIEConstraint Create(
        World world,
        T5Tokenizer tokenizer,
        Linearization linearization,
        SynthIEConstraintOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        return SynthIEConstraintBuilder.Build(
            NameSource.FromCatalog(world.Entities),
            NameSource.FromCatalog(world.Relations),
            T5TokenSequenceEncoder.For(tokenizer),
            linearization,
            options,
            skipEmptyNames: true);
    }

    /// <summary>
    /// Builds the constraint from names used exactly as given, like SynthIE's <c>from_string_iterables</c> (no
    /// spelling changes; entity names should already use <c>_</c> for spaces). As in SynthIE, a name that gives no token
    /// ids makes an empty name acceptable.
    /// </summary>
    /// <param name="entityNames">Entity names.</param>
    /// <param name="relationNames">Relation names.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="linearization">The model's linearization.</param>
    /// <param name="options">Cache settings, or <see langword="null"/> to build in memory.</param>
    /// <returns>The constraint.</returns>
    public static SynthIEConstraint FromNames(
        IEnumerable<string> entityNames,
        IEnumerable<string> relationNames,
        T5Tokenizer tokenizer,
        Linearization linearization,
        SynthIEConstraintOptions? options = null) =>
        SynthIEConstraintBuilder.Build(
            NameSource.FromNames(entityNames),
            NameSource.FromNames(relationNames),
            T5TokenSequenceEncoder.For(tokenizer),
            linearization,
            options,
            skipEmptyNames: false);

    /// <summary>Returns whether the hypothesis ended with the end token.</summary>
    /// <param name="state">The hypothesis's state.</param>
    /// <returns>Whether it is finished.</returns>
    public static bool IsFinished(in ConstraintState state) => state.Phase == (int)SynthIEPhase.Finished;

    /// <summary>Releases memory-mapped trie files. No search may use the constraint afterwards.</summary>
    public void Dispose()
    {
        _entities.Dispose();
        _relations.Dispose();
    }

    /// <summary>Creates the constraint from tries and summaries made by a factory.</summary>
    internal static SynthIEConstraint FromTries(
        TokenTrie entities,
        TokenTrie relations,
        Linearization linearization,
        IReadOnlyList<int[]> markerIds,
        int endOfSequenceId,
        int decoderStartId,
        TrieSummary entitySummary,
        TrieSummary relationSummary) =>
        new(entities, relations, linearization, markerIds, endOfSequenceId, decoderStartId)
        {
            EntityTrie = entitySummary with { Kind = WorldItemKind.Entity },
            RelationTrie = relationSummary with { Kind = WorldItemKind.Relation },
        };

    /// <summary>Returns the marker indices (0 subject, 1 relation, 2 object, 3 end) that may follow <paramref name="phase"/>.</summary>
    internal int[] NextMarkers(SynthIEPhase phase) => phase switch
    {
        SynthIEPhase.Start or SynthIEPhase.Closed => [0],
        SynthIEPhase.Subject => [1],
        SynthIEPhase.Relation => [2],
        SynthIEPhase.Object => Linearization.CollapsesSubjects ? [1, 3] : [3],
        _ => [],
    };

    /// <summary>Returns the first ids of the markers that may follow a finished name: in the relation trie (<paramref name="relationTrie"/>) or the entity trie.</summary>
    internal static int[] ContinuationIdsFor(Linearization linearization, IReadOnlyList<int[]> markerIds, bool relationTrie)
    {
        // The relation trie serves [r] (then [o] follows); the entity trie serves [s] (then [r]) and [o] (then the end
        // marker, or also [r] when subject collapsed).
        ArgumentNullException.ThrowIfNull(linearization);
        int[] markers = relationTrie ? [2] : [1, 3];
        return [.. markers.Select(m => markerIds[m][0]).Distinct().Order()];
    }

    private void CheckContinuation(TokenTrie trie, SynthIEPhase phase, string what)
    {
        int[] expected = [.. _finishedNameIds[(int)phase].Order()];
        if (!trie.ContinuationIds.SequenceEqual(expected))
        {
            throw new NotSupportedException(
                $"The {what} trie adds [{string.Join(", ", trie.ContinuationIds.ToArray())}] after finished names but {phase} needs " +
                $"[{string.Join(", ", expected)}]: with this tokenizer the markers that may follow a subject and an object start " +
                "with different ids, which one entity trie cannot serve.");
        }
    }

    private List<int> FixedAllowed(SynthIEPhase phase, int markerState, IReadOnlyList<int[]> markerIds, out bool useTrie)
    {
        useTrie = false;
        var allowed = new List<int>();
        if (phase is SynthIEPhase.Finished or SynthIEPhase.Dead)
        {
            return allowed;
        }

        // The ids since the last marker end with the first k ids of a marker that may come next: its id k (longest k).
        foreach (int marker in NextMarkers(phase))
        {
            int longest = 0;
            foreach ((int matchedMarker, int length) in _matcher.MatchedPrefixes[markerState])
            {
                if (matchedMarker == marker && length < markerIds[marker].Length && length > longest)
                {
                    longest = length;
                }
            }

            if (longest > 0 && !allowed.Contains(markerIds[marker][longest]))
            {
                allowed.Add(markerIds[marker][longest]);
            }
        }

        if (allowed.Count > 0)
        {
            return allowed;
        }

        if (phase is SynthIEPhase.Start or SynthIEPhase.Closed)
        {
            allowed.Add(_endOfSequenceId);
            foreach (int id in _finishedNameIds[(int)phase])
            {
                if (!allowed.Contains(id))
                {
                    allowed.Add(id);
                }
            }

            return allowed;
        }

        useTrie = true;
        return allowed;
    }
}
