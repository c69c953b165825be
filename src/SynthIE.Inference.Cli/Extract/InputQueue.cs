using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace SynthIE.Inference.Cli.Extract;

/// <summary>
/// Reads an <see cref="InputSource"/> on a background thread into a short bounded queue, so that the extraction never
/// waits on the input without noticing a stop request: a read that blocks (a FIFO without writer, a terminal, a slow
/// pipe) does not keep Ctrl+C or SIGTERM from ending the run. A reading error reaches the consumer at the place it
/// occurred, after every document before it.
/// </summary>
internal sealed class InputQueue : IDisposable
{
    private readonly BlockingCollection<Item> _items;
    private readonly CancellationTokenSource _closed = new();

    /// <summary>Initializes a new instance of the <see cref="InputQueue"/> class and starts reading.</summary>
    /// <param name="source">The input, read once.</param>
    /// <param name="capacity">The most documents read ahead.</param>
    public InputQueue(InputSource source, int capacity)
    {
        ArgumentNullException.ThrowIfNull(source);
        _items = new BlockingCollection<Item>(Math.Max(capacity, 1));
        var reader = new Thread(() => ReadAll(source)) { IsBackground = true, Name = "synthie input" };
        reader.Start();
    }

    /// <summary>Gets the number of documents taken so far.</summary>
    public int Taken { get; private set; }

    /// <summary>Takes the next document, waiting for it.</summary>
    /// <param name="stop">Ends the wait.</param>
    /// <returns>The document, or <see langword="null"/> at the end of the input.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="stop"/> was set.</exception>
    /// <exception cref="Exception">Reading the input failed here (rethrown as it was raised).</exception>
    public InputDocument? Take(CancellationToken stop)
    {
        if (!_items.TryTake(out Item item, Timeout.Infinite, stop))
        {
            return null;
        }

        if (item.Error is not null)
        {
            ExceptionDispatchInfo.Throw(item.Error);
        }

        Taken++;
        return item.Document;
    }

    /// <summary>Stops the reader (a read under way may still complete in the background).</summary>
    public void Dispose()
    {
        _closed.Cancel();
        _closed.Dispose();
    }

    private void ReadAll(InputSource source)
    {
        CancellationToken closed = _closed.Token;
        try
        {
            foreach (InputDocument document in source.Read())
            {
                _items.Add(new Item(document, null), closed);
            }
        }
        catch (OperationCanceledException) when (closed.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // Every error is handed to the consumer, which reports it.
        catch (Exception error)
#pragma warning restore CA1031
        {
            TryAdd(new Item(null, error), closed);
        }
        finally
        {
            _items.CompleteAdding();
        }
    }

    private void TryAdd(Item item, CancellationToken closed)
    {
        try
        {
            _items.Add(item, closed);
        }
        catch (OperationCanceledException)
        {
            // The consumer is gone.
        }
    }

    private readonly record struct Item(InputDocument? Document, Exception? Error);
}
