using System.Runtime.ExceptionServices;

namespace SynthIE.Inference.Cli.Extract;

/// <summary>
/// Reads an <see cref="InputSource"/> on a background thread into a short bounded queue, so that the extraction never
/// waits on the input without noticing a stop request: a read that blocks (a FIFO without writer, a terminal, a slow
/// pipe) does not keep Ctrl+C or SIGTERM from ending the run. A reading error reaches the consumer at the place it
/// occurred, after every document before it; <see cref="Prefetch"/> reports one among the first documents before any work.
/// </summary>
internal sealed class InputQueue : IDisposable
{
    private readonly Queue<Item> _items = new();
    private readonly object _gate = new();
    private readonly int _capacity;
    private bool _completed;
    private bool _closed;

    /// <summary>Initializes a new instance of the <see cref="InputQueue"/> class and starts reading.</summary>
    /// <param name="source">The input, read once.</param>
    /// <param name="capacity">The most documents read ahead.</param>
    public InputQueue(InputSource source, int capacity)
    {
        ArgumentNullException.ThrowIfNull(source);
        _capacity = Math.Max(capacity, 1);
        var reader = new Thread(() => ReadAll(source)) { IsBackground = true, Name = "synthie input" };
        reader.Start();
    }

    /// <summary>
    /// Waits until the queue is full or the input ended, then throws the reading error among the documents read ahead,
    /// if any: a malformed line near the start fails the run before the model is loaded.
    /// </summary>
    /// <param name="stop">Ends the wait.</param>
    /// <exception cref="OperationCanceledException"><paramref name="stop"/> was set.</exception>
    public void Prefetch(CancellationToken stop)
    {
        using CancellationTokenRegistration wake = stop.Register(Wake);
        lock (_gate)
        {
            while (_items.Count < _capacity && !_completed)
            {
                stop.ThrowIfCancellationRequested();
                Monitor.Wait(_gate);
            }

            stop.ThrowIfCancellationRequested();
            foreach (Item item in _items)
            {
                if (item.Error is not null)
                {
                    ExceptionDispatchInfo.Throw(item.Error);
                }
            }
        }
    }

    /// <summary>Gets a value indicating whether the input has ended without a document or an error (after <see cref="Prefetch"/>).</summary>
    public bool EndedEmpty
    {
        get
        {
            lock (_gate)
            {
                return _completed && _items.Count == 0;
            }
        }
    }

    /// <summary>Takes the next document, waiting for it.</summary>
    /// <param name="stop">Ends the wait.</param>
    /// <returns>The document, or <see langword="null"/> at the end of the input.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="stop"/> was set.</exception>
    public InputDocument? Take(CancellationToken stop)
    {
        using CancellationTokenRegistration wake = stop.Register(Wake);
        Item item;
        lock (_gate)
        {
            while (_items.Count == 0 && !_completed)
            {
                stop.ThrowIfCancellationRequested();
                Monitor.Wait(_gate);
            }

            stop.ThrowIfCancellationRequested();
            if (_items.Count == 0)
            {
                return null;
            }

            item = _items.Dequeue();
            Monitor.PulseAll(_gate);
        }

        if (item.Error is not null)
        {
            ExceptionDispatchInfo.Throw(item.Error);
        }

        return item.Document;
    }

    /// <summary>Stops the reader (a read under way may still complete in the background).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void Wake()
    {
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }
    }

    private void ReadAll(InputSource source)
    {
        try
        {
            foreach (InputDocument document in source.Read())
            {
                if (!Add(new Item(document, null)))
                {
                    return;
                }
            }
        }
#pragma warning disable CA1031 // Every error is handed to the consumer, which reports it.
        catch (Exception error)
#pragma warning restore CA1031
        {
            Add(new Item(null, error));
        }
        finally
        {
            lock (_gate)
            {
                _completed = true;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private bool Add(Item item)
    {
        lock (_gate)
        {
            while (_items.Count >= _capacity && !_closed)
            {
                Monitor.Wait(_gate);
            }

            if (_closed)
            {
                return false;
            }

            _items.Enqueue(item);
            Monitor.PulseAll(_gate);
            return true;
        }
    }

    private readonly record struct Item(InputDocument? Document, Exception? Error);
}
