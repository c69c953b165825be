using SynthIE.Inference.Generation;

namespace SynthIE.Inference.Tests.Decoding;

/// <summary>
/// The decoder's row map alone, without tensors: the first step's one physical row per item, reorders composed without
/// moving anything, the expansion into logical order, and in-place arrangements whose copies (applied to a simulated cache
/// in the order given) leave every logical row on its own history.
/// </summary>
public sealed class DecoderRowMapTests
{
    [Fact]
    public void The_first_step_runs_one_physical_row_per_item()
    {
        var map = new DecoderRowMap(itemCount: 3, rowsPerItem: 2);
        Assert.Equal((6, 0), (map.RowCount, map.PhysicalRowCount));

        Assert.Equal(3, map.MapFirstStep([0, 0, 0, 0, 0, 0]));
        Assert.Equal([0, 0, 1, 1, 2, 2], map.PhysicalRows.ToArray());
        Assert.Equal([0, 1, 2], map.PhysicalItems.ToArray());
        Assert.Equal([0, 1, 2], map.FirstStepRowOfItem.ToArray());
    }

    [Fact]
    public void The_first_step_needs_one_token_per_item()
    {
        var map = new DecoderRowMap(itemCount: 2, rowsPerItem: 2);
        var error = Assert.Throws<InvalidOperationException>(() => map.MapFirstStep([0, 0, 0, 5]));
        Assert.Contains("same token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reorder_composes_the_map_and_rows_leaving_before_the_first_step_leave_their_items_out()
    {
        var map = new DecoderRowMap(itemCount: 3, rowsPerItem: 1);
        map.Reorder([2, 0]);
        Assert.Equal(2, map.RowCount);
        Assert.Equal((2, 0), (map.ItemOf(0), map.ItemOf(1)));

        Assert.Equal(2, map.MapFirstStep([7, 7]));
        Assert.Equal([2, 0], map.PhysicalItems.ToArray());
        Assert.Equal([1, -1, 0], map.FirstStepRowOfItem.ToArray());

        map.Reorder([1, 1, 0]);
        Assert.Equal([1, 1, 0], map.PhysicalRows.ToArray());
        Assert.Equal((0, 0, 2), (map.ItemOf(0), map.ItemOf(1), map.ItemOf(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.Reorder([3]));
    }

    [Fact]
    public void The_expansion_makes_the_map_the_identity_over_the_logical_rows()
    {
        var map = new DecoderRowMap(itemCount: 2, rowsPerItem: 3);
        map.MapFirstStep([0, 0, 0, 0, 0, 0]);
        map.Reorder([0, 1, 2, 3, 4, 5]);
        Assert.Equal([0, 0, 0, 1, 1, 1], map.PhysicalRows.ToArray());

        map.ExpandToLogicalOrder();
        Assert.Equal(6, map.PhysicalRowCount);
        Assert.Equal([0, 1, 2, 3, 4, 5], map.PhysicalRows.ToArray());
        Assert.Equal([0, 0, 0, 1, 1, 1], map.PhysicalItems.ToArray());
    }

    [Fact]
    public void Arranging_copies_only_rows_continued_twice_into_a_free_row_of_the_same_item()
    {
        var map = Expanded(itemCount: 2, rowsPerItem: 3);
        map.Reorder([2, 0, 1, 3, 4, 5]); // a permutation: nothing moves
        Assert.True(map.ArrangeInPlace().IsEmpty);
        Assert.Equal([2, 0, 1, 3, 4, 5], map.PhysicalRows.ToArray());

        map.Reorder([0, 0, 1, 3, 3, 3]); // physical 2 twice (item 0), physical 3 three times (item 1)
        RowMove[] moves = map.ArrangeInPlace().ToArray();
        Assert.Equal([new RowMove(2, 1), new RowMove(3, 4), new RowMove(3, 5)], moves);
        Assert.Equal([2, 1, 0, 3, 4, 5], map.PhysicalRows.ToArray());
        Assert.Equal([0, 0, 0, 1, 1, 1], map.PhysicalItems.ToArray());
    }

    [Fact]
    public void Rows_beyond_the_new_row_count_move_down_when_items_leave()
    {
        var map = Expanded(itemCount: 2, rowsPerItem: 2);
        map.Reorder([2, 3]); // item 0 leaves; item 1's rows are physical 2 and 3
        Assert.Equal([new RowMove(2, 0), new RowMove(3, 1)], map.ArrangeInPlace().ToArray());
        Assert.Equal(2, map.PhysicalRowCount);
        Assert.Equal([0, 1], map.PhysicalRows.ToArray());
        Assert.Equal([1, 1], map.PhysicalItems.ToArray());
    }

    [Fact]
    public void Random_reorders_keep_every_row_on_its_own_history()
    {
        var random = new Random(11);
        for (int trial = 0; trial < 200; trial++)
        {
            int items = random.Next(1, 4);
            int beams = random.Next(1, 5);
            var map = Expanded(items, beams);
            string[] physical = [.. Enumerable.Range(0, items * beams).Select(r => r.ToString(System.Globalization.CultureInfo.InvariantCulture))];
            string[] expected = [.. physical];
            int[] rowItems = [.. Enumerable.Range(0, items * beams).Select(r => r / beams)];
            for (int step = 0; step < 8 && expected.Length > 0; step++)
            {
                // Each running item keeps K rows taken from its own rows; an item may leave.
                var sources = new List<int>();
                int[] running = [.. rowItems.Distinct().Where(_ => random.Next(6) != 0)];
                foreach (int item in running)
                {
                    int[] own = [.. Enumerable.Range(0, rowItems.Length).Where(r => rowItems[r] == item)];
                    sources.AddRange(Enumerable.Range(0, beams).Select(_ => own[random.Next(own.Length)]));
                }

                map.Reorder([.. sources]);
                expected = [.. sources.Select(s => expected[s] + "." + step)];
                rowItems = [.. sources.Select(s => rowItems[s])];
                string[] before = [.. physical];
                foreach (RowMove move in map.ArrangeInPlace())
                {
                    Assert.Equal(before[move.From], physical[move.From]); // no copy reads a row another copy wrote
                    physical[move.To] = physical[move.From];
                }

                Array.Resize(ref physical, map.PhysicalRowCount);
                Assert.Equal(sources.Count, map.PhysicalRowCount);
                Assert.Equal(Enumerable.Range(0, sources.Count), map.PhysicalRows.ToArray().Order());
                for (int row = 0; row < expected.Length; row++)
                {
                    int at = map.PhysicalRows[row];
                    Assert.Equal(expected[row], physical[at] + "." + step);
                    Assert.Equal(rowItems[row], map.PhysicalItems[at]);
                    physical[at] = expected[row]; // the step appends to the row in place
                }
            }
        }
    }

    private static DecoderRowMap Expanded(int itemCount, int rowsPerItem)
    {
        var map = new DecoderRowMap(itemCount, rowsPerItem);
        map.MapFirstStep(new long[itemCount * rowsPerItem]);
        map.Reorder([.. Enumerable.Range(0, itemCount * rowsPerItem)]);
        map.ExpandToLogicalOrder();
        return map;
    }
}
