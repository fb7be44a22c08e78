using NasPS.IO;
using NasPS.Spaces;
using NasPS.Spaces.NasBench201;
using Xunit;

namespace NasPS.Tests.Spaces;

/// <summary>Costs measured on the official AutoDL-Projects modules (TinyNetwork, DynamicShapeTinyNet) by
/// tests/reference/tiny_network_costs.py, including random cells on random widths, so every operation is checked with
/// C_in ≠ C_out (which NAS-Bench-201 itself never exercises).</summary>
public class TinyNetworkCostFixtureTests
{
    [Fact]
    public void Layout_Counts_EqualPyTorchModuleCounts()
    {
        var table = CsvTable.Load(SharedData.Fixture("spaces/tiny_network_costs.csv"));
        int channels = table.Column("channels"), cell = table.Column("cell"), dataset = table.Column("dataset");
        int parameters = table.Column("params"), flops = table.Column("flops");
        Assert.Equal(63, table.Rows.Count);
        for (int row = 0; row < table.Rows.Count; row++)
        {
            var layout = TinyNetworkLayout.FromChannels([.. table.Text(row, channels).Split(':').Select(int.Parse)]);
            var genome = NasBench201Space.Instance.Parse(table.Text(row, cell));
            var d = DatasetInfo.Parse(table.Text(row, dataset));
            string where = $"line {table.LineNumbers[row]}: {table.Text(row, channels)} {genome} {d}";
            Assert.True(table.Long(row, parameters) == layout.CountParameters(genome, d), "params, " + where);
            Assert.True(table.Long(row, flops) == layout.CountFlops(genome, d), "FLOPs, " + where);
        }
    }
}
