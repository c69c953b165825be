using Spectre.Console;
using SynthIE.Inference.Cli.Common;

namespace SynthIE.Inference.Cli.Progress;

/// <summary>
/// Runs work while showing its progress on standard error, never on standard output: a Spectre.Console bar with the
/// rate and the time left when standard error is a terminal and the work is long enough, plain lines otherwise.
/// </summary>
internal static class ProgressRunner
{
    /// <summary>Runs counted work.</summary>
    /// <typeparam name="T">The work's result.</typeparam>
    /// <param name="context">The command's context.</param>
    /// <param name="style">The requested style.</param>
    /// <param name="description">What is being done (e.g. <c>extract</c>).</param>
    /// <param name="unit">The plural unit (e.g. <c>texts</c>).</param>
    /// <param name="total">How many items the work has, or <see langword="null"/> when not known in advance (a stream).</param>
    /// <param name="liveThreshold">The bar is drawn only for more items than this.</param>
    /// <param name="work">The work; it reports finished items to the counter.</param>
    /// <returns>The work's result.</returns>
    public static T Run<T>(CliContext context, ProgressStyle style, string description, string unit, long? total, long liveThreshold, Func<IProgressCounter, T> work)
    {
        if (style == ProgressStyle.Off)
        {
            return work(NoProgress.Instance);
        }

        if (style == ProgressStyle.Auto && context.ErrorIsTerminal && (total is null || total > liveThreshold))
        {
            IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Error) });
            return console.Progress()
                .AutoClear(false)
                .Columns(
                    new TaskDescriptionColumn(),
                    new ProgressBarColumn(),
                    new PercentageColumn(),
                    new CountColumn(),
                    new RateColumn(unit),
                    new RemainingTimeColumn(),
                    new SpinnerColumn())
                .Start(progress =>
                {
                    ProgressTask task = progress.AddTask(description, autoStart: true, maxValue: Math.Max(total ?? long.MaxValue, 1));
                    task.IsIndeterminate = total is null;
                    return work(new SpectreCounter(task));
                });
        }

        return work(new PlainProgressCounter(context.Error, description, unit, total));
    }

    /// <summary>Runs one step without counts: a spinner on a terminal, a plain line otherwise.</summary>
    /// <typeparam name="T">The step's result.</typeparam>
    /// <param name="context">The command's context.</param>
    /// <param name="style">The requested style.</param>
    /// <param name="message">What the step does, e.g. <c>Building the tries</c>.</param>
    /// <param name="work">The step.</param>
    /// <returns>The step's result.</returns>
    public static T Step<T>(CliContext context, ProgressStyle style, string message, Func<T> work)
    {
        if (style == ProgressStyle.Auto && context.ErrorIsTerminal)
        {
            IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(context.Error) });
            return console.Status().Start(Markup.Escape(message + " ..."), _ => work());
        }

        if (style != ProgressStyle.Off)
        {
            context.Status(message + " ...");
        }

        return work();
    }

    private sealed class SpectreCounter : IProgressCounter
    {
        private readonly ProgressTask _task;

        public SpectreCounter(ProgressTask task)
        {
            _task = task;
        }

        public void Add(int count) => _task.Increment(count);
    }

    private sealed class NoProgress : IProgressCounter
    {
        public static readonly NoProgress Instance = new();

        public void Add(int count)
        {
        }
    }
}
