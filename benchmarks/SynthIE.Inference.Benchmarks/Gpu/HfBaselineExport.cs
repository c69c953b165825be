using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SynthIE.Inference.Constraints;

namespace SynthIE.Inference.Benchmarks.Gpu;

/// <summary>
/// Writes what <c>benchmarks/gpu/hf_baseline.py</c> needs to run Hugging Face <c>generate</c> on the same problem as the
/// device table: the documents' input ids (tokenized by the extractor), the world's names as the extractor's tries hold
/// them (token ids without the end token; names the tries leave out are left out here too), the marker ids, the
/// linearization and the decoding settings. So the baseline needs no tokenizer, and every name it allows is one the
/// library allows: each exported name is walked through the library's own constraint before it is written.
/// </summary>
internal static class HfBaselineExport
{
    public static void Write(string path, SynthIEExtractor extractor, int[][] inputs, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        if (extractor.Constraint is not SynthIEConstraint constraint || extractor.World is null)
        {
            throw new InvalidOperationException("--export-hf needs constrained decoding over a world.");
        }

        ITokenSequenceEncoder encoder = T5TokenSequenceEncoder.For(extractor.Tokenizer);
        List<int[]> entities = TrieNames(extractor.World.Entities.Labels, encoder);
        List<int[]> relations = TrieNames(extractor.World.Relations.Labels, encoder);
        Check(entities.Count, constraint.EntityTrie, "entity");
        Check(relations.Count, constraint.RelationTrie, "relation");
        int[][] markers = [.. constraint.MarkerIds.Select(m => m.ToArray())];
        CheckAgainstConstraint(constraint, markers, entities, relations);

        var document = new JsonObject
        {
            ["kind"] = "synthie-hf-baseline-inputs",
            ["model_directory"] = extractor.ModelDirectory,
            ["linearization"] = extractor.Linearization.Identifier,
            ["collapses_subjects"] = constraint.Linearization.CollapsesSubjects,
            ["markers"] = Ids(markers),
            ["decoder_start_token_id"] = extractor.DecodingOptions.DecoderStartTokenId,
            ["eos_token_id"] = extractor.DecodingOptions.EosTokenId,
            ["pad_token_id"] = extractor.DecodingOptions.PadTokenId,
            ["num_beams"] = extractor.NumBeams,
            ["num_return_sequences"] = extractor.NumReturnSequences,
            ["length_penalty"] = extractor.LengthPenalty,
            ["max_new_tokens"] = extractor.MaxNewTokens,
            ["max_input_tokens"] = extractor.MaxInputTokens,
            ["entity_names_left_out"] = constraint.EntityTrie.SkippedNames,
            ["relation_names_left_out"] = constraint.RelationTrie.SkippedNames,
            ["entities"] = Ids(entities),
            ["relations"] = Ids(relations),
            ["documents"] = Ids(inputs),
        };
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"HF baseline inputs: {path} ({inputs.Length} documents, {entities.Count:N0} entity and {relations.Count:N0} relation names, markers {string.Join(" ", markers.Select(m => $"[{string.Join(',', m)}]"))})"));
    }

    /// <summary>The names a trie holds, as its builder keeps them (see <c>TokenTrieBuilder.Build</c> with skipping on).</summary>
    private static List<int[]> TrieNames(IEnumerable<string> names, ITokenSequenceEncoder encoder)
    {
        var kept = new List<int[]>();
        foreach (string name in names)
        {
            int[] ids = encoder.EncodeToArray(name);
            int end = Array.IndexOf(ids, encoder.EndOfSequenceId);
            if (end >= 0)
            {
                ids = ids[..end];
            }

            if (ids.Length == 0 || ids.Contains(encoder.UnknownId) || !string.Equals(encoder.Decode(ids), name, StringComparison.Ordinal))
            {
                continue;
            }

            kept.Add(ids);
        }

        return kept;
    }

    private static void Check(int exported, TrieSummary summary, string what)
    {
        int inTrie = summary.Names - summary.SkippedNames;
        if (exported != inTrie)
        {
            throw new InvalidOperationException($"Exported {exported} {what} names, but the library's {what} trie holds {inTrie}.");
        }
    }

    /// <summary>Every exported name must be writable under the library's constraint: [s] entity [r] relation [o] entity.</summary>
    private static void CheckAgainstConstraint(SynthIEConstraint constraint, int[][] markers, List<int[]> entities, List<int[]> relations)
    {
        ConstraintState Walk(ConstraintState state, IEnumerable<int> ids, string what)
        {
            foreach (int id in ids)
            {
                if (!constraint.Allowed(state).Contains(id))
                {
                    throw new InvalidOperationException($"The library's constraint does not allow token {id} in {what}.");
                }

                state = constraint.Advance(state, id);
            }

            return state;
        }

        ConstraintState afterSubject = Walk(Walk(constraint.Initial, markers[0], "[s]"), entities[0], "the first entity name");
        ConstraintState afterRelationMarker = Walk(afterSubject, markers[1], "[r]");
        foreach (int[] relation in relations)
        {
            _ = Walk(afterRelationMarker, relation, "a relation name");
        }

        ConstraintState afterObjectMarker = Walk(Walk(afterRelationMarker, relations[0], "the first relation name"), markers[2], "[o]");
        foreach (int[] entity in entities)
        {
            _ = Walk(afterObjectMarker, entity, "an entity name");
        }
    }

    private static JsonArray Ids(IEnumerable<int[]> sequences)
        => new([.. sequences.Select(s => (JsonNode?)new JsonArray([.. s.Select(id => (JsonNode?)id)]))]);
}
