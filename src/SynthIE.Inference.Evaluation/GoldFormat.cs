namespace SynthIE.Inference.Evaluation;

/// <summary>The JSON Lines layouts <see cref="GoldReader"/> reads gold documents from.</summary>
public enum GoldFormat
{
    /// <summary>
    /// SynthIE's datasets (<c>martinjosifoski/SynthIE</c>, e.g. <c>sdg_text_davinci_003/test.jsonl.gz</c> and
    /// <c>processed/rebel/test.jsonl.gz</c>): one object a line with <c>id</c> (integer or string), <c>text</c> and
    /// <c>triplets</c>: <c>[{"subject": {"surfaceform", "uri"}, "predicate": {...}, "object": {...}}]</c>. The
    /// <c>surfaceform</c>s are the Wikidata names the models are trained to produce.
    /// </summary>
    SynthIE,

    /// <summary>
    /// REBEL's raw documents (Babelscape/rebel, as in <c>shared/data/rebel-sample/sample.jsonl</c>): <c>docid</c>,
    /// <c>text</c> and <c>triples</c> with the same subject/predicate/object objects. Here an entity's
    /// <c>surfaceform</c> is its mention in the text, not its Wikidata name, so scores on this format are not
    /// comparable with the SynthIE paper's REBEL numbers (which use SynthIE's processed REBEL, i.e.
    /// <see cref="SynthIE"/> format).
    /// </summary>
    Rebel,
}
