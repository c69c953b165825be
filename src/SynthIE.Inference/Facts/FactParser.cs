using SynthIE.Inference.Internal;

namespace SynthIE.Inference.Facts;

/// <summary>
/// Reads facts from a model's output text (<c>tokenizer.Decode(ids)</c> with special tokens skipped) the way SynthIE's
/// <c>text_to_triplet_list</c> does, in order and with duplicates kept and flagged, and reports everything that does not
/// follow the linearization as <see cref="ParseDiagnostic"/>s instead of dropping it silently. With a
/// <see cref="World"/>, each argument also gets its Wikidata ids. Thread-safe.
/// </summary>
internal sealed class FactParser
{
    private readonly string[] _markers;
    private readonly int _endMarker;

    /// <summary>Creates a parser.</summary>
    /// <param name="linearization">The linearization the model was trained with.</param>
    /// <param name="world">The world whose ids to attach, or <see langword="null"/> for labels only.</param>
    public FactParser(Linearization linearization, World? world = null)
    {
        ArgumentNullException.ThrowIfNull(linearization);
        Linearization = linearization;
        World = world;
        _markers = [.. linearization.Markers];
        _endMarker = 3;
    }

    private const int NoMarker = -1;
    private const int SubjectMarker = 0;
    private const int RelationMarker = 1;
    private const int ObjectMarker = 2;

    /// <summary>Gets the linearization.</summary>
    public Linearization Linearization { get; }

    /// <summary>Gets the world used for ids, if any.</summary>
    public World? World { get; }

    /// <summary>Reads the facts in <paramref name="text"/>.</summary>
    /// <param name="text">A model output.</param>
    /// <returns>The facts and diagnostics.</returns>
    public FactParseResult Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var diagnostics = new List<ParseDiagnostic>();
        List<Piece> pieces = Split(text, _markers);
        CheckMarkerSequence(text, pieces, diagnostics);

        var labels = new List<(string Subject, string Relation, string Object, int Position)>();
        if (Linearization.CollapsesSubjects)
        {
            ReadCollapsed(text, diagnostics, labels);
        }
        else
        {
            ReadExpanded(pieces, diagnostics, labels);
        }

        var facts = new List<Fact>(labels.Count);
        var seen = new HashSet<(string, string, string)>();
        var entityIds = new Dictionary<string, FactArgument>(StringComparer.Ordinal);
        var relationIds = new Dictionary<string, FactArgument>(StringComparer.Ordinal);
        foreach ((string subject, string relation, string @object, int position) in labels)
        {
            facts.Add(new Fact(
                Argument(subject, entityIds, World?.Entities, ParseDiagnosticKind.UnknownEntity, position, diagnostics),
                Argument(relation, relationIds, World?.Relations, ParseDiagnosticKind.UnknownRelation, position, diagnostics),
                Argument(@object, entityIds, World?.Entities, ParseDiagnosticKind.UnknownEntity, position, diagnostics),
                IsDuplicate: !seen.Add((subject, relation, @object))));
        }

        return new FactParseResult(text, facts, [.. diagnostics.OrderBy(d => d.Position)]);
    }

    /// <summary>
    /// Reads the facts in generated ids: decodes them as SynthIE does (<c>tokenizer.decode(ids,
    /// skip_special_tokens=True)</c>, with Hugging Face's clean-up of spaces) and parses the text.
    /// </summary>
    /// <param name="ids">Generated ids (the decoder start token and end token may be included).</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <returns>The facts and diagnostics.</returns>
    public FactParseResult Parse(ReadOnlySpan<int> ids, T5Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return Parse(tokenizer.Decode(ids, skipSpecialTokens: true, cleanUpTokenizationSpaces: true));
    }

    private static FactArgument Argument(
        string label,
        Dictionary<string, FactArgument> cache,
        WorldCatalog? catalog,
        ParseDiagnosticKind unknownKind,
        int position,
        List<ParseDiagnostic> diagnostics)
    {
        if (cache.TryGetValue(label, out FactArgument? argument))
        {
            return argument;
        }

        if (catalog is null)
        {
            argument = new FactArgument(label);
        }
        else
        {
            argument = new FactArgument(label, catalog.GetIds(label));
            if (!catalog.ContainsLabel(label))
            {
                string what = unknownKind == ParseDiagnosticKind.UnknownEntity ? "entity" : "relation";
                diagnostics.Add(new ParseDiagnostic(unknownKind, position, label, $"The {what} '{label}' is not in the world."));
            }
        }

        cache[label] = argument;
        return argument;
    }

    /// <summary>SynthIE's fully expanded reading: every non-blank piece between markers is a name; names are taken three at a time.</summary>
    private static void ReadExpanded(
        List<Piece> pieces,
        List<ParseDiagnostic> diagnostics,
        List<(string, string, string, int)> labels)
    {
        var names = new List<(string Name, int Position)>();
        foreach (Piece piece in pieces)
        {
            if (!PythonText.IsBlank(piece.Text))
            {
                names.Add((PythonText.Strip(piece.Text.ToString()), piece.NameStart));
            }
        }

        int complete = names.Count - (names.Count % 3);
        for (int i = 0; i < complete; i += 3)
        {
            labels.Add((names[i].Name, names[i + 1].Name, names[i + 2].Name, names[i].Position));
        }

        ReportLeftover(names, complete, diagnostics, "the output");
    }

    /// <summary>SynthIE's subject-collapsed reading: groups split at <c>[e]</c>; in each, a subject then (relation, object) pairs.</summary>
    private void ReadCollapsed(string text, List<ParseDiagnostic> diagnostics, List<(string, string, string, int)> labels)
    {
        string endMarker = _markers[_endMarker];
        string[] groupMarkers = [_markers[SubjectMarker], _markers[RelationMarker], _markers[ObjectMarker]];
        int groupStart = 0;
        while (groupStart <= text.Length)
        {
            int end = text.IndexOf(endMarker, groupStart, StringComparison.Ordinal);
            int groupEnd = end < 0 ? text.Length : end;
            string group = text[groupStart..groupEnd];
            if (!PythonText.IsBlank(group))
            {
                var names = new List<(string Name, int Position)>();
                foreach (Piece piece in Split(group, groupMarkers))
                {
                    if (!PythonText.IsBlank(piece.Text))
                    {
                        names.Add((PythonText.Strip(piece.Text.ToString()), groupStart + piece.NameStart));
                    }
                }

                if (names.Count == 0)
                {
                    diagnostics.Add(new ParseDiagnostic(
                        ParseDiagnosticKind.EmptyGroup,
                        groupStart,
                        group,
                        $"The group '{group.Trim()}' has no subject; it is skipped (as SynthIE does)."));
                }
                else
                {
                    int pairs = (names.Count - 1) / 2;
                    for (int pair = 0; pair < pairs; pair++)
                    {
                        labels.Add((names[0].Name, names[1 + (2 * pair)].Name, names[2 + (2 * pair)].Name, names[1 + (2 * pair)].Position));
                    }

                    ReportLeftover(names, 1 + (2 * pairs), diagnostics, $"the group of '{names[0].Name}'");
                }
            }

            if (end < 0)
            {
                break;
            }

            groupStart = end + endMarker.Length;
        }
    }

    private static void ReportLeftover(List<(string Name, int Position)> names, int used, List<ParseDiagnostic> diagnostics, string where)
    {
        if (used < names.Count)
        {
            string leftover = string.Join(" ", names.Skip(used).Select(name => name.Name));
            diagnostics.Add(new ParseDiagnostic(
                ParseDiagnosticKind.IncompleteFact,
                names[used].Position,
                leftover,
                $"'{leftover}' at the end of {where} does not make a whole fact; it is dropped (as SynthIE does)."));
        }
    }

    /// <summary>Checks the order of markers against the linearization's grammar, and the text between them.</summary>
    private void CheckMarkerSequence(string text, List<Piece> pieces, List<ParseDiagnostic> diagnostics)
    {
        if (PythonText.IsBlank(text))
        {
            return;
        }

        // Which marker comes next: after nothing or an end marker, [s]; after [s], [r]; after [r], [o]; after [o], the
        // end marker (and, subject-collapsed, also [r]).
        int previous = NoMarker;
        foreach (Piece piece in pieces)
        {
            if (piece.Marker != NoMarker)
            {
                bool allowed = previous switch
                {
                    NoMarker => piece.Marker == SubjectMarker,
                    SubjectMarker => piece.Marker == RelationMarker,
                    RelationMarker => piece.Marker == ObjectMarker,
                    ObjectMarker => piece.Marker == _endMarker || (Linearization.CollapsesSubjects && piece.Marker == RelationMarker),
                    _ => piece.Marker == SubjectMarker,
                };
                if (!allowed)
                {
                    string after = previous is NoMarker ? "at the start" : $"after {_markers[previous]}";
                    diagnostics.Add(new ParseDiagnostic(
                        ParseDiagnosticKind.UnexpectedMarker,
                        piece.MarkerStart,
                        _markers[piece.Marker],
                        $"{_markers[piece.Marker]} is not allowed {after} in {Linearization.Identifier}."));
                }

                previous = piece.Marker;
            }

            bool blank = PythonText.IsBlank(piece.Text);
            if (piece.Marker is NoMarker || piece.Marker == _endMarker)
            {
                if (!blank)
                {
                    string where = piece.Marker is NoMarker ? "before the first marker" : $"after {_markers[_endMarker]}";
                    string fragment = PythonText.Strip(piece.Text.ToString());
                    diagnostics.Add(new ParseDiagnostic(
                        ParseDiagnosticKind.TextOutsideFact,
                        piece.NameStart,
                        fragment,
                        $"'{fragment}' stands {where}, outside any fact."));
                }
            }
            else if (blank)
            {
                diagnostics.Add(new ParseDiagnostic(
                    ParseDiagnosticKind.EmptyPart,
                    piece.MarkerStart,
                    _markers[piece.Marker],
                    $"{_markers[piece.Marker]} is not followed by a name."));
            }
        }

        if (previous != _endMarker)
        {
            diagnostics.Add(new ParseDiagnostic(
                ParseDiagnosticKind.MissingEndMarker,
                text.Length,
                string.Empty,
                $"The output does not end with {_markers[_endMarker]}."));
        }
    }

    /// <summary>
    /// Splits <paramref name="text"/> at every occurrence of a marker (leftmost first, like Python's <c>re.split</c>
    /// with the markers as alternatives): the text before the first marker, then each marker with the text after it.
    /// </summary>
    private static List<Piece> Split(string text, string[] markers)
    {
        var pieces = new List<Piece>();
        int pieceStart = 0;
        int marker = NoMarker;
        int markerStart = 0;
        int position = 0;
        while (position < text.Length)
        {
            int found = position < text.Length ? text.IndexOf('[', position) : -1;
            if (found < 0)
            {
                break;
            }

            int matched = NoMarker;
            for (int m = 0; m < markers.Length; m++)
            {
                if (text.AsSpan(found).StartsWith(markers[m], StringComparison.Ordinal))
                {
                    matched = m;
                    break;
                }
            }

            if (matched == NoMarker)
            {
                position = found + 1;
                continue;
            }

            pieces.Add(new Piece(marker, markerStart, pieceStart, text.AsMemory(pieceStart, found - pieceStart)));
            marker = matched;
            markerStart = found;
            pieceStart = found + markers[matched].Length;
            position = pieceStart;
        }

        pieces.Add(new Piece(marker, markerStart, pieceStart, text.AsMemory(pieceStart)));
        return pieces;
    }

    /// <summary>The text after a marker (or before the first one, with <see cref="NoMarker"/>).</summary>
    private readonly record struct Piece(int Marker, int MarkerStart, int Start, ReadOnlyMemory<char> Memory)
    {
        public ReadOnlySpan<char> Text => Memory.Span;

        /// <summary>Gets where the text starts once leading whitespace is skipped.</summary>
        public int NameStart
        {
            get
            {
                ReadOnlySpan<char> text = Text;
                int skipped = 0;
                while (skipped < text.Length && PythonWhitespace.IsWhiteSpace(text[skipped]))
                {
                    skipped++;
                }

                return Start + skipped;
            }
        }
    }
}
