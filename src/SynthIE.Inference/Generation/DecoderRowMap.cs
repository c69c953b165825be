namespace SynthIE.Inference.Generation;

/// <summary>
/// Where each row of a key/value-cached decoder lives: the map from logical rows (row = batch item × beam, as the search
/// sees them) to physical rows (rows of the cache tensors), with the reorder bookkeeping. Knows nothing of tensors: the
/// cache owner copies rows as this map says. Allocation-free after construction (buffers are double-buffered or scratch).
/// </summary>
/// <remarks>
/// <para><see cref="Reorder"/> only composes the map. The first step runs one physical row per batch item (all rows of an
/// item start from the same token); the expansion after it gathers the rows into logical order
/// (<see cref="ExpandToLogicalOrder"/>); afterwards <see cref="ArrangeInPlace"/> makes the map one-to-one onto physical
/// rows 0..rows−1 with as few row copies as possible.</para>
/// </remarks>
internal sealed class DecoderRowMap
{
    private readonly int[] _firstStepRowOfItem;

    // Logical rows (double-buffered so that Reorder allocates nothing).
    private int[] _rowItem;
    private int[] _rowSource; // logical row -> physical row
    private int[] _spareRowItem;
    private int[] _spareRowSource;

    // The item behind each physical row (always _physicalRowItem[_rowSource[r]] == _rowItem[r]), scratch for arranging the
    // rows in place, and the moves of the last arrangement.
    private int[] _physicalRowItem;
    private bool[] _physicalRowTaken;
    private int[] _arrangedSource;
    private RowMove[] _moves;

    /// <summary>Initializes a map of <paramref name="itemCount"/> × <paramref name="rowsPerItem"/> logical rows and no physical rows yet.</summary>
    /// <param name="itemCount">The number of batch items.</param>
    /// <param name="rowsPerItem">Rows per batch item (the number of beams).</param>
    public DecoderRowMap(int itemCount, int rowsPerItem)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(itemCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerItem, 1);
        RowCount = itemCount * rowsPerItem;
        _rowItem = new int[RowCount];
        _rowSource = new int[RowCount];
        _spareRowItem = new int[RowCount];
        _spareRowSource = new int[RowCount];
        _physicalRowItem = new int[RowCount];
        _physicalRowTaken = new bool[RowCount];
        _arrangedSource = new int[RowCount];
        _moves = new RowMove[RowCount];
        _firstStepRowOfItem = new int[itemCount];
        for (int i = 0; i < RowCount; i++)
        {
            _rowItem[i] = i / rowsPerItem;
        }
    }

    /// <summary>Gets the number of logical rows.</summary>
    public int RowCount { get; private set; }

    /// <summary>Gets the number of physical rows (0 before the first step).</summary>
    public int PhysicalRowCount { get; private set; }

    /// <summary>Gets, for each logical row, the physical row that holds it.</summary>
    public ReadOnlySpan<int> PhysicalRows => _rowSource.AsSpan(0, RowCount);

    /// <summary>Gets the batch item behind each physical row.</summary>
    public ReadOnlySpan<int> PhysicalItems => _physicalRowItem.AsSpan(0, PhysicalRowCount);

    /// <summary>Gets, after <see cref="MapFirstStep"/>, the physical row of each item at the first step (−1 for an item without rows).</summary>
    public ReadOnlySpan<int> FirstStepRowOfItem => _firstStepRowOfItem;

    /// <summary>Gets the batch item of a logical row.</summary>
    /// <param name="row">The logical row.</param>
    /// <returns>The item.</returns>
    public int ItemOf(int row) => _rowItem[row];

    /// <summary>
    /// Maps the logical rows of the first step onto one physical row per distinct item, in order of first appearance.
    /// </summary>
    /// <param name="tokens">The first step's token of each logical row.</param>
    /// <returns>The number of physical rows.</returns>
    /// <exception cref="InvalidOperationException">Two rows of one item hold different tokens.</exception>
    public int MapFirstStep(ReadOnlySpan<long> tokens)
    {
        Span<int> physicalRowOfItem = _firstStepRowOfItem;
        physicalRowOfItem.Fill(-1);
        Span<int> firstRow = _arrangedSource; // scratch: the first logical row of each physical row
        int physicalRows = 0;
        for (int row = 0; row < RowCount; row++)
        {
            int item = _rowItem[row];
            if (physicalRowOfItem[item] < 0)
            {
                physicalRowOfItem[item] = physicalRows;
                _physicalRowItem[physicalRows] = item;
                firstRow[physicalRows] = row;
                physicalRows++;
            }
            else if (tokens[firstRow[physicalRowOfItem[item]]] != tokens[row])
            {
                throw new InvalidOperationException("At the first step all rows of a batch item must hold the same token.");
            }

            _rowSource[row] = physicalRowOfItem[item];
        }

        PhysicalRowCount = physicalRows;
        return physicalRows;
    }

    /// <summary>Rebuilds the logical rows: new row <c>i</c> continues old row <c>sourceRows[i]</c> (see <see cref="IDecoderStep.Reorder"/>).</summary>
    /// <param name="sourceRows">For each new row, the old row it continues.</param>
    /// <exception cref="ArgumentOutOfRangeException">A source row does not exist.</exception>
    public void Reorder(ReadOnlySpan<int> sourceRows)
    {
        if (sourceRows.Length > _spareRowItem.Length)
        {
            // More rows than the map started with (the searches never do this): grow the row buffers.
            _spareRowItem = new int[sourceRows.Length];
            _spareRowSource = new int[sourceRows.Length];
            _arrangedSource = new int[sourceRows.Length];
            _moves = new RowMove[sourceRows.Length];
            _physicalRowTaken = new bool[Math.Max(_physicalRowTaken.Length, sourceRows.Length)];
            Array.Resize(ref _physicalRowItem, Math.Max(_physicalRowItem.Length, sourceRows.Length));
        }

        int[] items = _spareRowItem;
        int[] sources = _spareRowSource;
        for (int i = 0; i < sourceRows.Length; i++)
        {
            int from = sourceRows[i];
            if ((uint)from >= (uint)RowCount)
            {
                throw new ArgumentOutOfRangeException(nameof(sourceRows), $"Row {from} does not exist (there are {RowCount}).");
            }

            items[i] = _rowItem[from];
            sources[i] = _rowSource[from];
        }

        (_spareRowItem, _spareRowSource) = (_rowItem, _rowSource);
        _rowItem = items;
        _rowSource = sources;
        RowCount = sourceRows.Length;
    }

    /// <summary>
    /// After the caller gathered the physical rows into logical order (physical row <c>r</c> := old physical row
    /// <c>PhysicalRows[r]</c>), makes the map the identity over <see cref="RowCount"/> physical rows. Used when there are
    /// more logical rows than physical ones (the expansion after the first step).
    /// </summary>
    public void ExpandToLogicalOrder()
    {
        PhysicalRowCount = RowCount;
        _rowItem.AsSpan(0, RowCount).CopyTo(_physicalRowItem);
        for (int i = 0; i < RowCount; i++)
        {
            _rowSource[i] = i;
        }
    }

    /// <summary>
    /// Makes the map a one-to-one map onto physical rows 0..<see cref="RowCount"/>−1 and returns the row copies that
    /// achieve it: a physical row that some logical row continues stays if it is below the new row count; every other
    /// logical row gets a free row there (one of its own item when there is one, so that its item's tensors need not
    /// move). A free row is continued by no logical row, and a row that is read is never a free row, so the copies may be
    /// made in any order and none overwrites what another still reads. Afterwards <see cref="PhysicalRowCount"/> is
    /// <see cref="RowCount"/> (fewer than before when rows left: the caller keeps the first rows).
    /// </summary>
    /// <returns>The copies to make, physical row to physical row (valid until the next call).</returns>
    public ReadOnlySpan<RowMove> ArrangeInPlace()
    {
        int rows = RowCount;
        Span<bool> taken = _physicalRowTaken.AsSpan(0, PhysicalRowCount);
        Span<int> arranged = _arrangedSource.AsSpan(0, rows);
        taken.Clear();
        bool moves = false;
        for (int row = 0; row < rows; row++)
        {
            int physical = _rowSource[row];
            if (physical < rows && !taken[physical])
            {
                taken[physical] = true;
                arranged[row] = physical;
            }
            else
            {
                arranged[row] = -1;
                moves = true;
            }
        }

        if (!moves && rows == PhysicalRowCount)
        {
            return []; // one-to-one already: nothing moves
        }

        for (int row = 0; row < rows; row++)
        {
            if (arranged[row] < 0)
            {
                int free = FreeRow(taken[..rows], _rowItem[row]);
                taken[free] = true;
                arranged[row] = free;
            }
        }

        int count = 0;
        for (int row = 0; row < rows; row++)
        {
            int from = _rowSource[row];
            int to = arranged[row];
            if (from != to)
            {
                _moves[count++] = new RowMove(from, to);
                _physicalRowItem[to] = _rowItem[row];
            }
        }

        arranged.CopyTo(_rowSource);
        PhysicalRowCount = rows;
        return _moves.AsSpan(0, count);
    }

    private int FreeRow(ReadOnlySpan<bool> used, int item)
    {
        int any = -1;
        for (int physical = 0; physical < used.Length; physical++)
        {
            if (!used[physical])
            {
                if (_physicalRowItem[physical] == item)
                {
                    return physical;
                }

                any = any < 0 ? physical : any;
            }
        }

        return any; // there are as many free rows as logical rows without one
    }
}
