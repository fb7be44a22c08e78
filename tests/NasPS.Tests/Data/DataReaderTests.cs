using System.Buffers.Binary;
using System.IO.Compression;
using NasPS.Data;
using Xunit;

namespace NasPS.Tests.Data;

public sealed class DataReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nasps-data-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Temp(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Cifar10 => SharedData.Path("cifar10/test_batch_first1017.bin");
    private static string Cifar100 => SharedData.Path("cifar100/test_first916.bin");

    [Fact]
    public void Cifar10ReadsTheKnownLabelsAndChannelMeans()
    {
        var batch = CifarReader.Read(Cifar10, CifarFormat.Cifar10);
        Assert.Equal(1017, batch.Count);
        Assert.Equal([3, 8, 8, 0, 6, 6, 1, 6, 3, 1, 0, 9], batch.Labels[..12]);
        // Data README: per-channel means 0.4961, 0.4865, 0.4509 and stds 0.2466, 0.2426, 0.2617 (R, G, B).
        double[] means = [0.4961, 0.4865, 0.4509], stds = [0.2466, 0.2426, 0.2617];
        for (int c = 0; c < 3; c++)
        {
            var values = Enumerable.Range(0, batch.Count).SelectMany(i => batch.Pixels.Skip((i * 3 + c) * 1024).Take(1024)).Select(v => (double)v).ToArray();
            double mean = values.Average();
            Assert.Equal(means[c], mean, 4);
            Assert.Equal(stds[c], Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average()), 4);
        }
    }

    [Fact]
    public void Cifar100UsesTheFineLabelAndARangeReadsFileOrder()
    {
        var all = CifarReader.Read(Cifar100, CifarFormat.Cifar100);
        Assert.Equal(916, all.Count);
        Assert.Equal([49, 33, 72, 51], all.Labels[..4]);
        var slice = CifarReader.Read(Cifar100, CifarFormat.Cifar100, start: 2, count: 2);
        Assert.Equal([72, 51], slice.Labels);
        Assert.Equal(all.Pixels.AsSpan(2 * 3072, 2 * 3072).ToArray(), slice.Pixels);
    }

    [Fact]
    public void ATruncatedOrWrongFormatFileIsNamedWithTheProblem()
    {
        var bytes = File.ReadAllBytes(Cifar10).AsSpan(0, 3073 * 2 + 100).ToArray();
        var e = Assert.Throws<InvalidDataException>(() => CifarReader.Read(Temp("short.bin", bytes), CifarFormat.Cifar10));
        Assert.Contains("short.bin", e.Message);
        Assert.Contains("truncated after 100 bytes", e.Message);

        var labelledTwoHundred = new byte[3074 * 3073]; // a size both layouts divide, with label bytes no CIFAR-10 file has
        Array.Fill(labelledTwoHundred, (byte)200);
        var wrong = Assert.Throws<InvalidDataException>(() => CifarReader.Read(Temp("c100.bin", labelledTwoHundred), CifarFormat.Cifar10));
        Assert.Contains("outside 0..9", wrong.Message);

        var range = Assert.Throws<ArgumentOutOfRangeException>(() => CifarReader.Read(Cifar10, CifarFormat.Cifar10, start: 1000, count: 20));
        Assert.Contains("[1000, 1020)", range.Message);
    }

    private static byte[] Idx(byte type, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var memory = new MemoryStream();
        using (var gz = new GZipStream(memory, CompressionLevel.Fastest)) gz.Write(bytes);
        return memory.ToArray();
    }

    [Fact]
    public void IdxImagesAndLabelsReadPlainAndGzipped()
    {
        var pixels = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 10)).ToArray();
        var images = Temp("img.idx.gz", Gzip(Idx(0x08, [2, 3, 4], pixels)));
        var labels = Temp("lbl.idx", Idx(0x08, [2], [7, 1]));
        var batch = IdxReader.ReadImages(images, labels);
        Assert.Equal([2, 1, 3, 4], batch.Shape);
        Assert.Equal([7, 1], batch.Labels);
        Assert.Equal(230 / 255f, batch.Pixels[23]);
    }

    [Fact]
    public void IdxErrorsNameTheFileAndTheFault()
    {
        var badMagic = Temp("magic.idx", [1, 2, 8, 1, 0, 0, 0, 1, 5]);
        Assert.Contains("wrong magic number 0x01020801", Assert.Throws<InvalidDataException>(() => IdxReader.ReadRaw(badMagic)).Message);
        var truncated = Temp("trunc.idx", Idx(0x08, [2, 3, 4], new byte[20]));
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadRaw(truncated));
        Assert.Contains("trunc.idx", e.Message);
        Assert.Contains("needs 24 bytes of data, the file has 20 (truncated)", e.Message);
        var floats = Temp("float.idx", Idx(0x0D, [1], new byte[4]));
        Assert.Contains("data type 0x0d", Assert.Throws<InvalidDataException>(() => IdxReader.ReadRaw(floats)).Message);
        var mismatch = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(Temp("i.idx", Idx(8, [2, 1, 1], [1, 2])), Temp("l.idx", Idx(8, [3], [1, 2, 3]))));
        Assert.Contains("3 labels, but", mismatch.Message);
    }

    private static byte[] Npy(string descr, string shape, byte[] data, bool fortran = false)
    {
        string header = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': ({shape}), }}";
        header = header.PadRight(((10 + header.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, (byte)(header.Length >> 8) };
        bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    [Fact]
    public void NpyReadsFloatsBytesAndIntegersInCOrder()
    {
        var f4 = new byte[12];
        for (int i = 0; i < 3; i++) BinaryPrimitives.WriteSingleLittleEndian(f4.AsSpan(4 * i), i + 0.5f);
        var (shape, values) = NpyReader.Read(Temp("a.npy", Npy("<f4", "1, 3", f4)));
        Assert.Equal([1, 3], shape);
        Assert.Equal([0.5, 1.5, 2.5], values);
        Assert.Equal([255.0, 1.0], NpyReader.Read(Temp("b.npy", Npy("|u1", "2,", [255, 1]))).Values);
        var i8 = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(i8, -3);
        Assert.Equal([-3.0], NpyReader.Read(Temp("c.npy", Npy("<i8", "1,", i8))).Values);
    }

    [Theory]
    [InlineData(">f4", "dtype '>f4' is not supported")]
    [InlineData("<f4-fortran", "fortran_order is True")]
    [InlineData("<f4-short", "needs 12 bytes, the file has 8 (truncated)")]
    public void NpyRefusesWhatItCannotReadAndSaysWhy(string kind, string expected)
    {
        var bytes = kind switch
        {
            ">f4" => Npy(">f4", "3,", new byte[12]),
            "<f4-fortran" => Npy("<f4", "3,", new byte[12], fortran: true),
            _ => Npy("<f4", "3,", new byte[8]),
        };
        var e = Assert.Throws<InvalidDataException>(() => NpyReader.Read(Temp("x.npy", bytes)));
        Assert.Contains("x.npy", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void NormalisationUsesThePresetConstants()
    {
        var batch = CifarReader.Read(Cifar10, CifarFormat.Cifar10, 0, 2);
        var normalised = Normalization.Cifar10.Apply(batch);
        Assert.Equal((batch.Pixels[1024] - 0.4822f) / 0.1994f, normalised.Pixels[1024], 5);
        Assert.Equal((batch.Pixels[3072 + 2048 + 5] - 0.4465f) / 0.2010f, normalised.Pixels[3072 + 2048 + 5], 5);
        Assert.Same(Normalization.Swap, Normalization.Preset("SWAP"));
        Assert.Contains("Presets: cifar10", Assert.Throws<ArgumentException>(() => Normalization.Preset("x")).Message);
    }

    [Fact]
    public void SampledBatchesAreSeededAndDistinct()
    {
        var all = CifarReader.Read(Cifar10, CifarFormat.Cifar10);
        var a = Batches.Sample(all, 64, 3);
        Assert.Equal(a.Pixels, Batches.Sample(all, 64, 3).Pixels);
        Assert.NotEqual(a.Pixels, Batches.Sample(all, 64, 4).Pixels);
        Assert.Equal(64, Enumerable.Range(0, 64).Select(i => string.Join(',', a.Pixels.Skip(i * 3072).Take(32))).Distinct().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => Batches.Sample(all, 2000, 1));
    }

    [Fact]
    public void AFileBatchIsTheSampleOrRangeAugmentedThenNormalisedForTheFilesDataset()
    {
        var sampled = Batches.FromCifarFile(Cifar10, 16, 7, augment: true);
        var manual = Normalization.Cifar10.Apply(Batches.Augment(Batches.Sample(CifarReader.Read(Cifar10, CifarFormat.Cifar10), 16, 7), 4, 7));
        Assert.Equal(manual.Pixels, sampled.Pixels);
        var range = Batches.FromCifarFile(Cifar100, 3, 0, start: 5);
        Assert.Equal(Normalization.Cifar100.Apply(CifarReader.Read(Cifar100, CifarFormat.Cifar100, 5, 3)).Pixels, range.Pixels);
        var swap = Batches.FromCifarFile(Cifar10, 2, 0, start: 0, normalization: Normalization.Swap);
        Assert.Equal(Normalization.Swap.Apply(CifarReader.Read(Cifar10, CifarFormat.Cifar10, 0, 2)).Pixels, swap.Pixels);
    }

    [Fact]
    public void GaussianInputHasUnitMomentsAndIsSeeded()
    {
        var g = Batches.Gaussian(16, 3, 32, 32, 11);
        Assert.Equal([16, 3, 32, 32], g.Shape);
        Assert.Equal(g.Pixels, Batches.Gaussian(16, 3, 32, 32, 11).Pixels);
        double mean = g.Pixels.Average(v => (double)v);
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(g.Pixels.Average(v => (double)v * v), 0.97, 1.03);
    }

    [Fact]
    public void AugmentationShiftsWithinThePaddingAndFlips()
    {
        // One 1×1×4 image [1 2 3 4]: every augmented row must be a shifted (zero-filled) copy of it or of its mirror,
        // or blank when the vertical shift moves the single row out.
        var batch = new ImageBatch([1, 2, 3, 4], [0], 1, 1, 4, "row");
        var seen = new HashSet<string>();
        for (ulong seed = 0; seed < 200; seed++)
        {
            var row = Batches.Augment(batch, 1, seed).Pixels;
            seen.Add(string.Join(' ', row));
        }
        string[] allowed = ["1 2 3 4", "0 1 2 3", "2 3 4 0", "4 3 2 1", "0 4 3 2", "3 2 1 0", "0 0 0 0"];
        Assert.Subset(allowed.ToHashSet(), seen);
        Assert.True(seen.Count >= 6, string.Join(" | ", seen));
    }
}
