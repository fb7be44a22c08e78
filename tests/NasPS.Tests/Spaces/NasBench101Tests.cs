using NasPS.IO;
using NasPS.Networks.NasBench101;
using NasPS.Proxies;
using NasPS.Randomness;
using NasPS.Spaces;
using NasPS.Spaces.NasBench101;
using Xunit;
using Xunit.Abstractions;

namespace NasPS.Tests.Spaces;

public class NasBench101Tests(ITestOutputHelper output)
{
    private static readonly Lazy<CsvTable> Subset = new(() => CsvTable.Load(SharedData.Path("nb101/nb101_naslib_zc_subset.csv")));

    /// <summary>The unpruned 7-vertex spec of a row of the NASLib subset.</summary>
    private static (bool[,] Matrix, string[] Ops) SpecOf(CsvTable table, int row)
    {
        string bits = table.Text(row, table.Column("adjacency_7x7_rowmajor"));
        var matrix = new bool[7, 7];
        for (int k = 0; k < 49; k++) matrix[k / 7, k % 7] = bits[k] == '1';
        return (matrix, table.Text(row, table.Column("ops")).Split('|'));
    }

    [Fact]
    public void Pruning_TheNaslibSubset_GivesTheReadmeVertexHistogram()
    {
        var table = Subset.Value;
        Assert.Equal(500, table.Rows.Count);
        var histogram = new SortedDictionary<int, int>();
        for (int row = 0; row < table.Rows.Count; row++)
        {
            var (matrix, ops) = SpecOf(table, row);
            var cell = Nb101Genome.Create(matrix, ops);
            Assert.True(cell.EdgeCount <= 9);
            histogram[cell.VertexCount] = histogram.GetValueOrDefault(cell.VertexCount) + 1;
        }
        Assert.Equal(new SortedDictionary<int, int> { [2] = 55, [3] = 90, [4] = 130, [5] = 164, [6] = 60, [7] = 1 }, histogram);
    }

    [Fact]
    public void Pruning_And_GraphHash_EqualTheOfficialCode_ForAll500Cells()
    {
        var table = Subset.Value;
        var official = CsvTable.Load(SharedData.Fixture("spaces/nb101_official_hashes.csv"));
        Assert.Equal(table.Rows.Count, official.Rows.Count);
        int vertices = official.Column("pruned_vertices"), adjacency = official.Column("pruned_adjacency_rowmajor");
        int ops = official.Column("pruned_ops"), hash = official.Column("graph_hash");
        for (int row = 0; row < table.Rows.Count; row++)
        {
            var (matrix, rawOps) = SpecOf(table, row);
            var cell = Nb101Genome.Create(matrix, rawOps);
            int n = (int)official.Long(row, vertices);
            Assert.Equal(n, cell.VertexCount);
            string bits = official.Text(row, adjacency);
            for (int k = 0; k < n * n; k++) Assert.Equal(bits[k] == '1', cell.HasEdge(k / n, k % n));
            Assert.Equal(official.Text(row, ops), string.Join('|', ["input", .. cell.Ops.Select(o => o.Name()), "output"]));
            Assert.True(official.Text(row, hash) == cell.GraphHash, $"row {row}: {cell}");
        }
    }

    [Fact]
    public void GraphHash_IsInvariantUnderRelabelling_ButTheCanonicalStringIsNot()
    {
        // input → conv3x3 → output and input → maxpool → output, with the two interior vertices in either order.
        var a = NasBench101Space.Instance.Parse("input;conv3x3-bn-relu:0;maxpool3x3:0;output:1,2");
        var b = NasBench101Space.Instance.Parse("input;maxpool3x3:0;conv3x3-bn-relu:0;output:1,2");
        var c = NasBench101Space.Instance.Parse("input;conv1x1-bn-relu:0;maxpool3x3:0;output:1,2");
        Assert.NotEqual(a.Canonical, b.Canonical);
        Assert.Equal(a.GraphHash, b.GraphHash);
        Assert.NotEqual(a.GraphHash, c.GraphHash);
        Assert.True(a.IsIsomorphicTo(b));
        Assert.False(a.IsIsomorphicTo(c));
    }

    [Fact]
    public void Params_EqualNaslibParams_ForAll500Cells()
    {
        var table = Subset.Value;
        int column = table.Column("naslib_params");
        int equal = 0;
        for (int row = 0; row < table.Rows.Count; row++)
        {
            var (matrix, ops) = SpecOf(table, row);
            var cell = Nb101Genome.Create(matrix, ops);
            long expected = (long)Math.Round(table.Double(row, column)!.Value * 1e6);
            long actual = Nb101Network.CountParameters(cell, 10);
            if (expected == actual) equal++;
            else if (row < 400) output.WriteLine($"row {row}: {cell} naslib {expected} ours {actual} diff {actual - expected}");
        }
        output.WriteLine($"{equal} of {table.Rows.Count} equal");
        Assert.Equal(table.Rows.Count, equal);
    }

    [Fact]
    public void BuiltNetwork_HasNaslibsParameterCount_ForAll500Cells()
    {
        // The compute-core network, not the analytic count: both must equal NASLib's.
        var table = Subset.Value;
        int column = table.Column("naslib_params"), row = 0;
        foreach (var cell in SubsetCells())
        {
            long expected = (long)Math.Round(table.Double(row, column)!.Value * 1e6);
            var network = ProxyNetworks.Build<float>(cell, 10);
            Assert.IsType<NasBench101Network<float>>(network);
            Assert.True(expected == network.ParameterCount(), $"row {row}: {cell} NASLib {expected}, network {network.ParameterCount()}");
            row++;
        }
    }

    [Fact]
    public void BuiltCells_UseTheVertexWidths_AndProjectOnlyFromTheInput()
    {
        // Three vertices feed the output: 128 = 43 + 43 + 42 (the first ones take the remainder); vertex 4 feeds only
        // vertex 5 and takes its width, 42, so the edge 3 → 4 drops one channel.
        var cell = Space.Parse("input;conv3x3-bn-relu:0;maxpool3x3:1;conv1x1-bn-relu:0,2;conv3x3-bn-relu:3;maxpool3x3:4;output:1,3,5");
        var network = new NasBench101Network<float>(cell, 10, null);
        var cells = network.Modules().OfType<Nb101Cell<float>>().ToList();
        Assert.Equal(9, cells.Count);
        Assert.Equal([128, 43, 43, 43, 42, 42, 128], cells[0].VertexChannels);
        Assert.Equal([128, 86, 85, 85, 85, 85, 256], cells[3].VertexChannels); // 256 = 86 + 85 + 85
        Assert.Equal([512, 171, 171, 171, 170, 170, 512], cells[8].VertexChannels);
        var names = network.NamedParameters().Select(p => p.Name).ToList();
        Assert.Contains("layers.0.conv_bn_relu.0.weight", names);
        Assert.Contains("layers.1.input_op.1.conv_bn_relu.0.weight", names);
        Assert.Contains("layers.1.input_op.3.conv_bn_relu.0.weight", names);
        Assert.DoesNotContain("layers.1.input_op.2.conv_bn_relu.0.weight", names);
        Assert.Contains("layers.5.vertex_op.4.conv3x3.conv_bn_relu.1.weight", names);
        Assert.DoesNotContain(names, n => n.StartsWith("layers.4.", StringComparison.Ordinal) || n.StartsWith("layers.8.", StringComparison.Ordinal)); // the max-pools
        Assert.Equal(["layers.11.vertex_op.3.conv1x1.conv_bn_relu.0.weight", "classifier.weight", "classifier.bias"],
            names.Where(n => n.StartsWith("classifier", StringComparison.Ordinal) || n == "layers.11.vertex_op.3.conv1x1.conv_bn_relu.0.weight"));
    }

    [Fact]
    public void Costs_EqualFreeReasPyTorchNetwork_OnEvery10thCell()
    {
        // Measured on FreeREA's own model.py by tests/reference/nb101_port_costs.py.
        var measured = CsvTable.Load(SharedData.Fixture("spaces/nb101_port_costs.csv"));
        Nb101Genome[] cells = [.. SubsetCells()];
        Assert.Equal(50, measured.Rows.Count);
        int row = measured.Column("row"), parameters = measured.Column("params"), flops = measured.Column("flops");
        for (int k = 0; k < measured.Rows.Count; k++)
        {
            var cell = cells[(int)measured.Long(k, row)];
            Assert.True(measured.Long(k, parameters) == Nb101Network.CountParameters(cell, 10), $"params of {cell}");
            Assert.True(measured.Long(k, flops) == Nb101Network.CountFlops(cell, 32, 10), $"FLOPs of {cell}");
        }
    }

    [Fact]
    public void Costs_OfTheBareCell_MatchAHandCount()
    {
        // input → output only: every cell is a 1×1 ConvBnRelu projection C_in → C_out.
        var cell = NasBench101Space.Instance.Parse("input;output:0");
        long parameters = (27 * 128 + 256) + 3 * (128 * 128 + 256) + (128 * 256 + 512) + 2 * (256 * 256 + 512)
            + (256 * 512 + 1024) + 2 * (512 * 512 + 1024) + 512 * 10 + 10;
        long flops = 27L * 128 * 1024 + 3L * 128 * 128 * 1024 + (128L * 256 + 2 * 256 * 256) * 256 + (256L * 512 + 2 * 512 * 512) * 64 + 5130;
        Assert.Equal(882_570, parameters);
        Assert.Equal(parameters, NasBench101Space.Instance.CountParameters(cell, Dataset.Cifar10));
        Assert.Equal(137_761_802, flops);
        Assert.Equal(flops, NasBench101Space.Instance.CountFlops(cell, Dataset.Cifar10));
    }

    [Fact]
    public void Flops_StayBelowNaslibs_WhichCountMoreThanConvolutions()
    {
        // NASLib's FLOPs follow another rule (as on NB201, data README): measured 1.002–1.154 × ours on this subset.
        var table = Subset.Value;
        int column = table.Column("naslib_flops");
        int row = 0;
        foreach (var cell in SubsetCells())
        {
            double ratio = table.Double(row, column)!.Value * 1e6 / Nb101Network.CountFlops(cell, 32, 10);
            Assert.True(ratio is > 1.0 and < 1.2, $"row {row}: {cell} ratio {ratio}");
            row++;
        }
    }

    private static IEnumerable<Nb101Genome> SubsetCells()
    {
        var table = Subset.Value;
        for (int row = 0; row < table.Rows.Count; row++)
        {
            var (matrix, ops) = SpecOf(table, row);
            yield return Nb101Genome.Create(matrix, ops);
        }
    }

    private static readonly NasBench101Space Space = NasBench101Space.Instance;

    [Fact]
    public void Parse_RoundTripsEveryPrunedCell()
    {
        foreach (var cell in SubsetCells())
        {
            var parsed = Space.Parse(cell.Canonical);
            Assert.Equal(cell, parsed);
            Assert.Equal(cell.GraphHash, parsed.GraphHash);
        }
        Assert.Equal("input;conv3x3-bn-relu:0;maxpool3x3:0,1;output:1,2", Space.Parse("input;conv3x3-bn-relu:0;maxpool3x3:0,1;output:2,1").Canonical);
    }

    [Fact]
    public void Parse_PrunesDanglingVertices()
    {
        // vertex 2 feeds nothing: it is dropped with its edge
        Assert.Equal("input;conv1x1-bn-relu:0;output:1", Space.Parse("input;conv1x1-bn-relu:0;maxpool3x3:0;output:1").Canonical);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "", "empty" },
        { "conv3x3-bn-relu:0;output:1", "must start with 'input;'" },
        { "input", "no output vertex" },
        { "input;conv3x3-bn-relu:0;conv3x3-bn-relu:1;conv3x3-bn-relu:2;conv3x3-bn-relu:3;conv3x3-bn-relu:4;conv3x3-bn-relu:5;output:6", "8 vertices; a cell has at most 7" },
        { "input;conv3x3-bn-relu;output:1", "vertex 1 ('conv3x3-bn-relu') has no ':sources' part" },
        { "input;conv5x5-bn-relu:0;output:1", "vertex 1 has unknown operation 'conv5x5-bn-relu'; valid operations: conv3x3-bn-relu, conv1x1-bn-relu, maxpool3x3" },
        { "input;conv3x3-bn-relu:0;maxpool3x3:1", "the last vertex must be 'output', not 'maxpool3x3'" },
        { "input;conv3x3-bn-relu:;output:1", "vertex 1 ('conv3x3-bn-relu:') lists no source vertex" },
        { "input;conv3x3-bn-relu:x;output:1", "source 'x' of vertex 1 is not a vertex number" },
        { "input;conv3x3-bn-relu:1;output:1", "vertex 1 lists source 1; sources must be earlier vertices (0..0)" },
        { "input;conv3x3-bn-relu:0,0;output:1", "vertex 1 lists source 0 twice" },
        { "input;conv3x3-bn-relu:0;conv3x3-bn-relu:0,1;conv3x3-bn-relu:0,1,2;conv3x3-bn-relu:0,1,2,3;output:0,1,2,3,4", "15 edges remain after pruning; at most 9" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Parse_Malformed_GivesASpecificMessage(string text, string fragment)
    {
        var e = Assert.Throws<ArchitectureFormatException>(() => Space.Parse(text));
        Assert.Contains(fragment, e.Message);
        Assert.Equal("NasBench101", e.Space);
    }

    [Theory]
    [InlineData("input;conv3x3-bn-relu:0;maxpool3x3:0,1;output:1,2", 1.0)]            // jumps 0→2 and 1→3, one vertex each
    [InlineData("input;conv3x3-bn-relu:0;conv1x1-bn-relu:1;output:0,2", 2.0)]          // only 0→3 jumps (two vertices)
    [InlineData("input;conv3x3-bn-relu:0;conv1x1-bn-relu:1;maxpool3x3:0,2;output:0,3", 2.5)] // 0→3 jumps 2, 0→4 jumps 3
    [InlineData("input;conv3x3-bn-relu:0;output:1", 0.0)]
    [InlineData("input;output:0", 0.0)]
    public void SkipMetric_AveragesTheNonZeroJumps(string cell, double expected)
    {
        Assert.Equal(expected, Space.Parse(cell).SkipMetric, 12);
    }

    [Fact]
    public void Create_RejectsBadSpecs_WithReasons()
    {
        var ops = new[] { "input", "conv3x3-bn-relu", "output" };
        var lower = new bool[3, 3];
        lower[1, 0] = true;
        Assert.Contains("strictly upper triangular", Assert.Throws<ArgumentException>(() => Nb101Genome.Create(lower, ops)).Message);
        var disconnected = new bool[3, 3];
        disconnected[0, 1] = true;
        Assert.Contains("disconnected", Assert.Throws<ArgumentException>(() => Nb101Genome.Create(disconnected, ops)).Message);
        Assert.Contains("2 operations", Assert.Throws<ArgumentException>(() => Nb101Genome.Create(disconnected, ops[..2])).Message);
    }

    [Fact]
    public void Mutate_GivesAValidNonIsomorphicNeighbour_Deterministically()
    {
        var rng = new Rng(41);
        foreach (var cell in SubsetCells())
        {
            var child = Space.Mutate(cell, rng);
            Assert.True(child.VertexCount <= 7 && child.EdgeCount <= 9);
            Assert.NotEqual(cell.GraphHash, child.GraphHash);
            Assert.Equal(child, Space.Parse(child.Canonical));
        }
        var parent = Space.Parse("input;conv3x3-bn-relu:0;maxpool3x3:0,1;output:1,2");
        Assert.Equal(Space.Mutate(parent, new Rng(8)), Space.Mutate(parent, new Rng(8)));
    }

    [Fact]
    public void Mutate_OfASmallCell_FollowsFreeReaBranchProbabilities()
    {
        // input → conv3x3 → output: FreeREA adds a node (a no-op here, retried) with p 1/4, adds the edge 0→2 with
        // p 1/4, "modifies" an edge (remove fails, then the same edge is added) with p 1/4 and changes the op with p 1/4.
        // Given success: the new edge 2/3, each of the two other ops 1/6.
        var parent = Space.Parse("input;conv3x3-bn-relu:0;output:1");
        string[] outcomes = ["input;conv3x3-bn-relu:0;output:0,1", "input;conv1x1-bn-relu:0;output:1", "input;maxpool3x3:0;output:1"];
        var counts = new long[3];
        var rng = new Rng(77);
        for (int t = 0; t < 12_000; t++)
        {
            int k = Array.IndexOf(outcomes, Space.Mutate(parent, rng).Canonical);
            Assert.True(k >= 0);
            counts[k]++;
        }
        Assert.True(ChiSquare.Statistic(counts, [2 / 3.0, 1 / 6.0, 1 / 6.0]) < ChiSquare.Critical(2));
    }

    [Fact]
    public void Crossover_GivesValidCells_Deterministically()
    {
        Nb101Genome[] cells = [.. SubsetCells()];
        var rng = new Rng(5);
        for (int k = 0; k + 1 < cells.Length; k += 2)
        {
            var child = Space.Crossover(cells[k], cells[k + 1], rng);
            Assert.True(child.VertexCount <= 7 && child.EdgeCount <= 9);
        }
        Assert.Equal(Space.Crossover(cells[0], cells[3], new Rng(2)), Space.Crossover(cells[0], cells[3], new Rng(2)));
        // Crossing a cell with itself returns it.
        Assert.Equal(cells[7], Space.Crossover(cells[7], cells[7], new Rng(9)));
    }

    [Fact]
    public void Sample_GivesValidCells_Deterministically()
    {
        var rng = new Rng(12);
        var seen = new HashSet<string>();
        for (int k = 0; k < 300; k++)
        {
            var cell = Space.Sample(rng);
            Assert.True(cell.VertexCount <= 7 && cell.EdgeCount <= 9);
            seen.Add(cell.GraphHash);
        }
        Assert.True(seen.Count > 100);
        Assert.Equal(Space.Sample(new Rng(3)), Space.Sample(new Rng(3)));
        Assert.Same(Space, SearchSpaces.Get("nb101"));
        Assert.Throws<NotSupportedException>(() => Space.Enumerate());
    }
}
