namespace SynthIE.Inference.Evaluation;

/// <summary>One relation's counts and scores: the triplet-set metrics restricted to triplets with this relation.</summary>
public sealed class RelationScore
{
    internal RelationScore(string relation, TripletCounts counts, int documentCount)
    {
        Relation = relation;
        Counts = counts;
        DocumentCount = documentCount;
    }

    /// <summary>Gets the relation's name as compared (normalized like gold).</summary>
    public string Relation { get; }

    /// <summary>Gets the relation's counts.</summary>
    public TripletCounts Counts { get; }

    /// <summary>Gets the support: the number of distinct gold triplets with this relation.</summary>
    public int Support => Counts.Gold;

    /// <summary>Gets the number of scored documents whose gold or predicted set has this relation.</summary>
    public int DocumentCount { get; }

    /// <summary>Gets the relation's precision (0 when it was never predicted).</summary>
    public double Precision => Counts.Precision;

    /// <summary>Gets the relation's recall (0 when it has no gold triplet).</summary>
    public double Recall => Counts.Recall;

    /// <summary>Gets the relation's F1.</summary>
    public double F1 => Counts.F1;
}
