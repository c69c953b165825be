using System.Reflection;
using System.Runtime.CompilerServices;
using SynthIE.Inference.Evaluation;

namespace SynthIE.Inference.Tests.Architecture;

/// <summary>
/// Issue 11: one namespace a user needs, a small public surface, one exception hierarchy, and a CLI that builds against
/// public APIs only (no InternalsVisibleTo for it). PublicAPI.*.txt tracks every member at build time; these tests hold
/// the shape of the surface.
/// </summary>
public sealed class PublicSurfaceTests
{
    private static readonly Assembly Core = typeof(SynthIEExtractor).Assembly;
    private static readonly Assembly Evaluation = typeof(TripletEvaluator).Assembly;

    [Fact]
    public void The_core_package_exports_at_most_25_types_all_in_one_namespace()
    {
        Type[] exported = Core.GetExportedTypes();
        Assert.InRange(exported.Length, 1, 25);
        Assert.All(exported, type => Assert.Equal("SynthIE.Inference", type.Namespace));
    }

    [Fact]
    public void Evaluation_is_its_own_assembly_with_its_own_namespace()
    {
        Assert.NotEqual(Core, Evaluation);
        Assert.All(Evaluation.GetExportedTypes(), type => Assert.Equal("SynthIE.Inference.Evaluation", type.Namespace));
        Assert.DoesNotContain(Core.GetExportedTypes(), type => type.Name.Contains("Evaluat", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_exception_of_both_packages_derives_from_SynthIEException()
    {
        Type[] exceptions = [.. Core.GetExportedTypes().Concat(Evaluation.GetExportedTypes()).Where(type => typeof(Exception).IsAssignableFrom(type))];
        Assert.Contains(typeof(EvaluationDataException), exceptions);
        Assert.All(exceptions, type => Assert.True(typeof(SynthIEException).IsAssignableFrom(type), $"{type} does not derive from SynthIEException"));
        Assert.All(exceptions.Where(type => type != typeof(SynthIEException)), type => Assert.True(type.IsSealed, $"{type} is not sealed"));
    }

    [Fact]
    public void A_file_error_carries_the_path_and_line_in_its_message_and_properties()
    {
        SynthIEException error = new WorldFileException("/data/entities.tsv", 12, "the id is missing");
        Assert.Equal("/data/entities.tsv", error.FilePath);
        Assert.Equal(12, error.LineNumber);
        Assert.Equal("/data/entities.tsv:12: the id is missing", error.Message);
        Assert.Equal(0, new ModelLoadException("/m/config.json", "vocab_size is missing").LineNumber);
    }

    [Fact]
    public void Only_tests_and_benchmarks_see_the_core_s_internals()
    {
        string[] friends = [.. Core.GetCustomAttributes<InternalsVisibleToAttribute>().Select(attribute => attribute.AssemblyName).Order(StringComparer.Ordinal)];
        Assert.Equal(["SynthIE.Inference.Benchmarks", "SynthIE.Inference.Tests"], friends);
        Assert.Equal(["SynthIE.Inference.Tests"], Evaluation.GetCustomAttributes<InternalsVisibleToAttribute>().Select(attribute => attribute.AssemblyName));
    }

    [Fact]
    public void Public_classes_are_sealed_unless_they_are_a_base()
    {
        Type[] open = [.. Core.GetExportedTypes().Concat(Evaluation.GetExportedTypes())
            .Where(type => type.IsClass && !type.IsSealed && !type.IsAbstract)];
        Assert.Equal([typeof(SynthIEException)], open);
    }
}
