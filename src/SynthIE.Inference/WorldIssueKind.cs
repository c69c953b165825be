namespace SynthIE.Inference;

/// <summary>Why an entry was left out of a world catalog. Every skip is counted in <see cref="WorldCatalogReport"/>.</summary>
public enum WorldIssueKind
{
    /// <summary>The label is empty or only whitespace.</summary>
    EmptyLabel,

    /// <summary>The label contains a linearization marker (<c>[s]</c>, <c>[r]</c>, <c>[o]</c>, <c>[e]</c> or <c>[et]</c>), which the model could never write as a name.</summary>
    LabelContainsMarker,

    /// <summary>The same entry (id and label, or the same plain name) was given again.</summary>
    DuplicateEntry,

    /// <summary>The id was already given with a different label; the first label is kept.</summary>
    ConflictingLabel,

    /// <summary>The world lists an id that the id→name mapping does not have (SynthIE skips these too).</summary>
    MissingLabel,

    /// <summary>The name gives no tokens at all with the tokenizer (reported by the constraint builder, not the loader).</summary>
    TokenizesToNothing,

    /// <summary>
    /// The name holds characters the tokenizer cannot encode (its ids contain <c>&lt;unk&gt;</c>, as CJK or emoji do for
    /// T5), so the model could never write it back (reported by the constraint builder, not the loader).
    /// </summary>
    UnknownToken,

    /// <summary>
    /// The tokenizer does not give the name back unchanged (encode, then decode: characters it normalizes, such as
    /// ligatures or full-width letters), so an output naming it could not be matched to the world; SynthIE's
    /// <c>genie_t5_tokenizeable</c> world leaves these out (reported by the constraint builder, not the loader).
    /// </summary>
    ChangedByTokenizer,
}
