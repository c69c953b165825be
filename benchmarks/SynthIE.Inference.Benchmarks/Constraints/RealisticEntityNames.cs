using System.Text;

namespace SynthIE.Inference.Benchmarks.Constraints;

/// <summary>
/// A seeded generator of Wikidata-like entity names in SynthIE's spelling (<c>_</c> for spaces), for scale measurements
/// without SynthIE's 2.6M-entity world. The same seed always gives the same names.
/// <para>
/// Distribution (by construction; <see cref="Describe"/> prints the measured one): words per name drawn as 1: 20%,
/// 2: 34%, 3: 20%, 4: 10%, 5: 6%, 6: 4%, 7–12: 6%, people at least 2 (measured mean ≈ 3, longer than the 2.1 of the
/// REBEL names in shared/, because a full Wikidata world has a long tail of long names). Kinds: people (Given[_X.]_Family) 34%, places (Town[,_Region
/// [,_Country]]) 22%, titles/organisations from common words with optional disambiguation "(film)", "(1998_album)" 24%,
/// taxa (Genus_species) 8%, codes and events with numbers (1998_FIFA_..., HD_12345) 12%. About 40% of the words are
/// made-up proper nouns built from syllables (they split into more T5 pieces than real names do, so token counts and
/// trie sizes err on the large side), about 8% of names carry Latin diacritics, and about 1% of entries repeat an
/// earlier name (same label, other id), as homonyms do; otherwise names are nearly all distinct, like SynthIE's
/// Wikipedia-title labels.
/// </para>
/// </summary>
public sealed class RealisticEntityNames
{
    private static readonly string[] Syllables =
    [
        "an", "ar", "ber", "bor", "ca", "car", "del", "di", "el", "en", "fa", "fer", "gar", "gen", "hal", "har", "in", "is",
        "ja", "jen", "ka", "kar", "la", "lin", "ma", "mar", "mi", "na", "nor", "ol", "or", "pa", "per", "ra", "ros", "sa",
        "san", "ste", "ta", "tor", "u", "va", "vil", "wa", "wes", "yo", "za", "zen", "ton", "son", "berg", "stad", "ville",
        "ford", "ham", "ley", "ski", "ova", "ez", "ini", "ello", "sen", "dorf", "heim", "ic", "ano", "ez", "us", "ia",
    ];

    private static readonly string[] Given =
    [
        "John", "Mary", "James", "Anna", "Robert", "Maria", "Michael", "Elena", "William", "Sofia", "David", "Laura",
        "Richard", "Emma", "Thomas", "Julia", "Charles", "Olga", "Peter", "Marie", "Paul", "Eva", "George", "Ana",
        "Hans", "Ingrid", "Pierre", "Claire", "Giovanni", "Lucia", "Carlos", "Isabel", "Ivan", "Natalia", "Kenji",
        "Yuki", "Ahmed", "Fatima", "Jan", "Katarzyna", "Lars", "Astrid", "Miguel", "Carmen", "Andrew", "Helen",
    ];

    private static readonly string[] Words =
    [
        "The", "of", "and", "in", "the", "National", "University", "Church", "River", "Lake", "Mount", "Saint", "New",
        "North", "South", "East", "West", "Old", "Great", "Little", "Red", "Black", "White", "Green", "Blue", "Royal",
        "American", "British", "French", "German", "Italian", "Spanish", "Russian", "Chinese", "Japanese", "Indian",
        "Football", "Club", "League", "Championship", "Cup", "Olympic", "Games", "Party", "Army", "Navy", "Air", "Force",
        "Company", "Records", "Museum", "Library", "School", "College", "Institute", "Society", "Council", "Station",
        "Railway", "Bridge", "Castle", "Palace", "Park", "Island", "Valley", "County", "District", "Province", "Region",
        "Township", "Village", "City", "Street", "Road", "House", "Hall", "Tower", "Temple", "Cathedral", "Airport",
        "Love", "Night", "Day", "World", "Life", "Time", "Song", "Story", "Dream", "Heart", "Fire", "Water", "Star",
        "Moon", "Sun", "King", "Queen", "Prince", "War", "Battle", "Treaty", "Act", "Law", "Election", "Festival",
        "Award", "Prize", "Symphony", "Concerto", "Album", "Band", "Orchestra", "Theatre", "Film", "Series", "Novel",
        "Journal", "Review", "Magazine", "Press", "Times", "News", "Radio", "Television", "Network", "Systems",
        "Association", "Federation", "Union", "Republic", "Kingdom", "Empire", "Dynasty", "Language", "Music",
    ];

    private static readonly string[] Disambiguations =
    [
        "film", "album", "song", "band", "novel", "TV_series", "river", "village", "surname", "footballer", "politician",
        "ship", "journal", "company", "painting", "video_game", "moon", "crater", "genus", "plant",
    ];

    private static readonly string[] Places = ["Minnesota", "Ohio", "Bavaria", "Ontario", "Provence", "Silesia", "Texas", "Queensland", "Tuscany", "Saxony"];

    private static readonly string[] Countries = ["France", "Poland", "Germany", "Italy", "Spain", "Brazil", "Japan", "India", "Canada", "Australia"];

    private static readonly (char Plain, char Accented)[] Accents =
    [
        ('a', 'á'), ('e', 'é'), ('o', 'ö'), ('u', 'ü'), ('i', 'í'), ('n', 'ñ'), ('c', 'ç'), ('s', 'š'), ('z', 'ž'), ('a', 'å'),
    ];

    private readonly Random _random;
    private readonly StringBuilder _builder = new();

    /// <summary>Creates a generator.</summary>
    /// <param name="seed">The seed.</param>
    public RealisticEntityNames(int seed) => _random = new Random(seed);

    /// <summary>Returns <paramref name="count"/> names (some repeat, as homonyms do).</summary>
    /// <param name="count">How many.</param>
    /// <returns>The names.</returns>
    public string[] Generate(int count)
    {
        string[] names = new string[count];
        for (int i = 0; i < count; i++)
        {
            // About 1% reuse an earlier name (homonyms: other entity, same label).
            names[i] = i > 100 && _random.NextDouble() < 0.01 ? names[_random.Next(i)] : Next();
        }

        return names;
    }

    /// <summary>Returns one name.</summary>
    /// <returns>The name.</returns>
    public string Next()
    {
        _builder.Clear();
        double kind = _random.NextDouble();
        int words = WordCount();
        if (kind < 0.34)
        {
            Person(words);
        }
        else if (kind < 0.56)
        {
            Place(words);
        }
        else if (kind < 0.80)
        {
            Title(words);
        }
        else if (kind < 0.88)
        {
            Append(Proper(2, 4));
            Append(Proper(2, 4).ToLowerInvariant());
        }
        else
        {
            Coded(words);
        }

        string name = _builder.ToString();
        return _random.NextDouble() < 0.08 ? Accent(name) : name;
    }

    /// <summary>Describes the measured distribution of <paramref name="names"/>.</summary>
    /// <param name="names">Generated names.</param>
    /// <returns>A one-line summary.</returns>
    public static string Describe(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        int[] lengths = [.. names.Select(n => n.Length).Order()];
        double words = names.Average(n => n.Count(c => c == '_') + 1);
        return $"{names.Count:N0} names, {names.Distinct(StringComparer.Ordinal).Count():N0} distinct; characters mean {lengths.Average():F1}, " +
            $"median {lengths[lengths.Length / 2]}, p90 {lengths[lengths.Length * 9 / 10]}, p99 {lengths[lengths.Length * 99 / 100]}, max {lengths[^1]}; words mean {words:F2}";
    }

    private int WordCount()
    {
        double x = _random.NextDouble();
        return x switch
        {
            < 0.20 => 1,
            < 0.54 => 2,
            < 0.74 => 3,
            < 0.84 => 4,
            < 0.90 => 5,
            < 0.94 => 6,
            _ => 7 + _random.Next(6),
        };
    }

    private void Person(int words)
    {
        words = Math.Max(words, 2);
        Append(_random.NextDouble() < 0.6 ? Given[_random.Next(Given.Length)] : Proper(2, 3));
        for (int i = 2; i < words; i++)
        {
            Append(_random.NextDouble() < 0.5 ? $"{(char)('A' + _random.Next(26))}." : Proper(2, 3));
        }

        if (words > 1)
        {
            Append(Proper(2, 4));
        }
    }

    private void Place(int words)
    {
        Append(Proper(2, 4));
        if (words >= 2)
        {
            _builder.Append(',');
            Append(_random.NextDouble() < 0.5 ? Places[_random.Next(Places.Length)] : Proper(2, 3) + "_County");
        }

        if (words >= 3)
        {
            _builder.Append(',');
            Append(Countries[_random.Next(Countries.Length)]);
        }
    }

    private void Title(int words)
    {
        // At least one made-up word, so that titles are mostly distinct (Wikipedia-style labels are).
        int proper = _random.Next(words);
        for (int i = 0; i < words; i++)
        {
            Append(i == proper || _random.NextDouble() < 0.3 ? Proper(2, 3) : Words[_random.Next(Words.Length)]);
        }

        if (_random.NextDouble() < 0.25)
        {
            string what = Disambiguations[_random.Next(Disambiguations.Length)];
            Append(_random.NextDouble() < 0.3 ? $"({1900 + _random.Next(125)}_{what})" : $"({what})");
        }
    }

    private void Coded(int words)
    {
        if (_random.NextDouble() < 0.5)
        {
            Append((1850 + _random.Next(175)).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Append(Proper(2, 3));
            for (int i = 2; i < Math.Max(words, 2); i++)
            {
                Append(Words[_random.Next(Words.Length)]);
            }
        }
        else
        {
            Append($"{(char)('A' + _random.Next(26))}{(char)('A' + _random.Next(26))}");
            Append(_random.Next(1, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private string Proper(int minSyllables, int maxSyllables)
    {
        int syllables = _random.Next(minSyllables, maxSyllables + 1);
        var word = new StringBuilder();
        for (int i = 0; i < syllables; i++)
        {
            word.Append(Syllables[_random.Next(Syllables.Length)]);
        }

        word[0] = char.ToUpperInvariant(word[0]);
        return word.ToString();
    }

    private void Append(string word)
    {
        if (_builder.Length > 0)
        {
            _builder.Append('_');
        }

        _builder.Append(word);
    }

    private string Accent(string name)
    {
        (char plain, char accented) = Accents[_random.Next(Accents.Length)];
        int at = name.IndexOf(plain, StringComparison.Ordinal);
        return at < 0 ? name : string.Concat(name.AsSpan(0, at), accented.ToString(), name.AsSpan(at + 1));
    }
}
