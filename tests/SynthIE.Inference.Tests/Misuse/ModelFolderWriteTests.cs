using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SynthIE.Inference.Cli.Common;
using SynthIE.Inference.Constraints;
using SynthIE.Inference.Tests.Infrastructure;

namespace SynthIE.Inference.Tests.Misuse;

/// <summary>
/// Issue 12, defect 8: loading a model folder writes nothing outside it (unless a cache folder is named), never writes
/// through symbolic links, and names from its files are shown escaped and cut.
/// </summary>
public sealed class ModelFolderWriteTests : IClassFixture<MisuseModelFixture>
{
    private static readonly SynthIEExtractorOptions Fast = new() { NumBeams = 1, MaxNewTokens = 2, IntraOpThreads = 1 };

    private readonly MisuseModelFixture _fixture;

    public ModelFolderWriteTests(MisuseModelFixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_manifest_world_outside_the_model_folder_gets_its_trie_cache_inside_the_model_folder(bool absolute)
    {
        using var temp = new TemporaryDirectory("misuse");
        string model = _fixture.Copy(temp.Path);
        string outside = Path.Combine(temp.Path, "shared-world");
        Directory.Move(Path.Combine(model, "world"), outside);
        SetManifestWorld(model, absolute ? outside : "../shared-world");

        using (SynthIEExtractor extractor = SynthIEExtractor.Create(model, Fast))
        {
            var constraint = (SynthIEConstraint)extractor.Constraint!;
            Assert.Equal(Path.Combine(model, ".synthie-cache", "entities.trie"), constraint.EntityTrie.CacheFile);
        }

        Assert.False(Directory.Exists(Path.Combine(outside, ".synthie-cache")));
        Assert.True(File.Exists(Path.Combine(model, ".synthie-cache", "entities.trie")));
    }

    [Fact]
    public void A_symlinked_cache_folder_is_not_written_through()
    {
        using var temp = new TemporaryDirectory("misuse");
        string model = _fixture.Copy(temp.Path);
        string target = Path.Combine(temp.Path, "elsewhere");
        Directory.CreateDirectory(target);
        Directory.CreateSymbolicLink(Path.Combine(model, "world", ".synthie-cache"), target);
        Directory.CreateSymbolicLink(Path.Combine(model, ".synthie-cache"), target);
        var logs = new ListLoggerFactory();
        using (SynthIEExtractor extractor = SynthIEExtractor.Create(model, new SynthIEExtractorOptions { NumBeams = 1, MaxNewTokens = 2, IntraOpThreads = 1, LoggerFactory = logs }))
        {
            var constraint = (SynthIEConstraint)extractor.Constraint!;
            Assert.Null(constraint.EntityTrie.CacheFile);
            Assert.NotEmpty(extractor.Extract("Paris is in France.").Candidates);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
        Assert.Contains(logs.Messages, message => message.Contains("symbolic link", StringComparison.Ordinal));
    }

    [Fact]
    public void A_symlinked_world_folder_inside_the_model_caches_in_the_model_folder_not_in_the_link_target()
    {
        using var temp = new TemporaryDirectory("misuse");
        string model = _fixture.Copy(temp.Path);
        string outside = Path.Combine(temp.Path, "real-world");
        Directory.Move(Path.Combine(model, "world"), outside);
        Directory.CreateSymbolicLink(Path.Combine(model, "world"), outside);
        using (SynthIEExtractor.Create(model, Fast))
        {
        }

        Assert.False(Directory.Exists(Path.Combine(outside, ".synthie-cache")));
        Assert.True(File.Exists(Path.Combine(model, ".synthie-cache", "relations.trie")));
    }

    [Fact]
    public void Control_characters_in_the_model_name_are_escaped_and_a_huge_name_is_cut()
    {
        using var temp = new TemporaryDirectory("misuse");
        string model = _fixture.Copy(temp.Path);
        EditManifest(model, root => root["name"] = "evil\u001b]0;owned\u0007\u001b[2Jname\u202e");
        var logs = new ListLoggerFactory();
        using (SynthIEExtractor extractor = SynthIEExtractor.Create(model, new SynthIEExtractorOptions { NumBeams = 1, IntraOpThreads = 1, LoggerFactory = logs }))
        {
            Assert.Equal("evil\\u001B]0;owned\\u0007\\u001B[2Jname\\u202E", extractor.Manifest.DisplayName);
        }

        Assert.All(logs.Messages, message => Assert.DoesNotContain('\u001b', message));
        Assert.Contains(logs.Messages, message => message.Contains("evil\\u001B]0;owned", StringComparison.Ordinal));

        EditManifest(model, root => root["name"] = new string('x', 5_000_000));
        SynthIEManifest manifest = SynthIEManifest.Load(Path.Combine(model, "synthie.json"));
        Assert.True(manifest.DisplayName!.Length < 300, $"{manifest.DisplayName.Length} characters");
        Assert.Contains("5,000,000 characters in all", manifest.DisplayName, StringComparison.Ordinal);
    }

    [Fact]
    public void A_named_world_whose_cache_folder_is_a_symlink_builds_its_tries_in_memory()
    {
        using var temp = new TemporaryDirectory("misuse");
        string model = _fixture.Copy(temp.Path);
        string world = Path.Combine(model, "world");
        string target = Path.Combine(temp.Path, "elsewhere");
        Directory.CreateDirectory(target);
        Directory.CreateSymbolicLink(Path.Combine(world, ".synthie-cache"), target);
        using (SynthIEExtractor extractor = SynthIEExtractor.Create(model, new SynthIEExtractorOptions { WorldDirectory = world, NumBeams = 1, MaxNewTokens = 2, IntraOpThreads = 1 }))
        {
            Assert.Null(((SynthIEConstraint)extractor.Constraint!).RelationTrie.CacheFile);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Theory]
    [InlineData("plain name", "plain name")]
    [InlineData("bell\u0007", "bell\\u0007")]
    [InlineData("lone \\ud800 surrogate", "lone \\uD800 surrogate")]
    [InlineData("emoji 🚀 kept", "emoji 🚀 kept")]
    [InlineData("right-to-left \u202e override", "right-to-left \\u202E override")]
    public void Display_text_escapes_control_characters_and_lone_surrogates(string text, string expected)
    {
        Assert.Equal(expected, SafeText.Escape(System.Text.RegularExpressions.Regex.Unescape(text)));
    }

    private static void SetManifestWorld(string model, string world) => EditManifest(model, root => root["world"] = world);

    private static void EditManifest(string model, Action<JsonObject> edit)
    {
        string path = Path.Combine(model, "synthie.json");
        JsonObject root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(root);
        File.WriteAllText(path, root.ToJsonString());
    }

    /// <summary>Keeps every formatted log message.</summary>
    private sealed class ListLoggerFactory : ILoggerFactory
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new ListLogger(this);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        private sealed class ListLogger(ListLoggerFactory owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner._messages)
                {
                    owner._messages.Add(formatter(state, exception));
                }
            }
        }
    }
}
