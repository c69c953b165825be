using System.CommandLine;
using System.CommandLine.Help;
using System.Reflection;
using System.Text;
using SynthIE.Inference.Cli.Common;
using SynthIE.Inference.Cli.Eval;
using SynthIE.Inference.Cli.Extract;
using SynthIE.Inference.Cli.Models;
using SynthIE.Inference.Cli.Shards;
using SynthIE.Inference.Cli.Worlds;

namespace SynthIE.Inference.Cli;

/// <summary>
/// The <c>synthie</c> tool's entry point, callable in-process: parses the arguments, runs the command and returns the
/// exit code. User mistakes (bad arguments, missing or malformed files) are reported as one line on standard error,
/// never with a stack trace: exit code 2 for the command line, 1 for files and models, 130 when interrupted, 141 when
/// standard output was closed by its reader. Everything printed from files is escaped (<see cref="SafeText"/>).
/// </summary>
internal static class SynthieCli
{
    /// <summary>The environment variable that adds stack traces to unexpected errors.</summary>
    public const string DebugVariable = "SYNTHIE_DEBUG";

    /// <summary>Runs the tool.</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="stdout">Standard output: results only.</param>
    /// <param name="stderr">Standard error: status, progress, errors.</param>
    /// <param name="cancellationToken">Set to stop after the current batch (Ctrl+C).</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        Run(args, Console.In, stdout, stderr, ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected, cancellationToken,
            stdoutIsTerminal: ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected);

    /// <summary>Runs the tool with an explicit standard input and terminal flag.</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="stdin">Standard input (read by <c>--input -</c>).</param>
    /// <param name="stdout">Standard output: results only.</param>
    /// <param name="stderr">Standard error: status, progress, errors.</param>
    /// <param name="stderrIsTerminal">Whether standard error is an interactive terminal (live progress bars).</param>
    /// <param name="cancellationToken">Set to stop after the current batch (Ctrl+C).</param>
    /// <param name="stdoutIsTerminal">Whether standard output is an interactive terminal (then no live bar is drawn beside results written there).</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, bool stderrIsTerminal, CancellationToken cancellationToken, bool stdoutIsTerminal = false)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdin);
        var context = new CliContext(stdin, stdout, stderr, stderrIsTerminal, cancellationToken)
        {
            OutIsTerminal = stdoutIsTerminal,
            OpenStandardInput = ReferenceEquals(stdin, Console.In) ? Console.OpenStandardInput : () => new MemoryStream(Encoding.UTF8.GetBytes(stdin.ReadToEnd())),
        };
        Command root = BuildRoot(context);
        ParseResult parse = root.Parse(args);
        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };

        string commandName = CommandPath(parse.CommandResult.Command);
        if (parse.Errors.Count > 0)
        {
            string more = parse.Errors.Count > 1 ? $" (and {Formats.Count(parse.Errors.Count - 1, "more error")})" : string.Empty;
            stderr.WriteLine($"{commandName}: error: {LibraryErrors.OneLine(parse.Errors[0].Message)}{more} (see {commandName} --help)");
            return ExitCodes.Usage;
        }

        try
        {
            return parse.Invoke(invocation);
        }
        catch (Exception error) when (LibraryErrors.IsUserError(error))
        {
            string hint = error is CliException { ExitCode: ExitCodes.Usage } ? $" (see {commandName} --help)" : string.Empty;
            stderr.WriteLine($"{commandName}: error: {LibraryErrors.OneLine(error.Message)}{hint}");
            return error is CliException cli ? cli.ExitCode : ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine($"{commandName}: interrupted.");
            return ExitCodes.Interrupted;
        }
#pragma warning disable CA1031 // The last resort: an unexpected error is still reported in one line, with details on request.
        catch (Exception error)
#pragma warning restore CA1031
        {
            bool debug = Environment.GetEnvironmentVariable(DebugVariable) is "1" or "true";
            stderr.WriteLine($"{commandName}: unexpected error ({error.GetType().Name}): {LibraryErrors.OneLine(error.Message)}" +
                (debug ? string.Empty : $" (a bug: please report it with the command line; {DebugVariable}=1 shows the details)"));
            if (debug)
            {
                stderr.WriteLine(error.ToString());
            }

            return ExitCodes.Failure;
        }
    }

    private static Command BuildRoot(CliContext context)
    {
        // A plain command named "synthie" (a RootCommand would take the name of the assembly the tool's shim starts).
        var root = new Command("synthie", "Closed information extraction with SynthIE models (ONNX, Wikidata-constrained beam search).");
        // The tool's own version (System.CommandLine's VersionOption reports the entry assembly's, a test host's in-process).
        var version = new Option<bool>("--version") { Description = "Show the version." };
        root.Options.Add(new HelpOption());
        root.Options.Add(version);
        root.Subcommands.Add(new ExtractCommand().Build(context));
        root.Subcommands.Add(new MergeCommand().Build(context));
        root.Subcommands.Add(new EvalCommand().Build(context));

        var world = new Command("world", "Worlds: the entity and relation names decoding is constrained to.");
        world.Subcommands.Add(new WorldBuildCommand().Build(context));
        root.Subcommands.Add(world);

        var models = new Command("models", "Model folders.");
        models.Subcommands.Add(new MakeTestModelCommand().Build(context));
        models.Subcommands.Add(new DemoModelCommand().Build(context));
        root.Subcommands.Add(models);

        root.SetAction(parse =>
        {
            if (parse.GetValue(version))
            {
                context.Out.WriteLine(typeof(SynthieCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
                return ExitCodes.Success;
            }

            root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = context.Error, Error = context.Error });
            return ExitCodes.Usage;
        });
        return root;
    }

    private static string CommandPath(Command command)
    {
        var names = new StringBuilder();
        foreach (Command part in Ancestry(command).Reverse())
        {
            names.Append(names.Length == 0 ? "synthie" : " " + part.Name);
        }

        return names.ToString();
    }

    private static IEnumerable<Command> Ancestry(Command command)
    {
        for (Command? current = command; current is not null; current = current.Parents.OfType<Command>().FirstOrDefault())
        {
            yield return current;
        }
    }
}
