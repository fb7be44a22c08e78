using System.Buffers.Binary;
using System.Text;
using NasPS.Compute;
using Xunit;

namespace NasPS.Tests.Compute;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nasps-safetensors-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void RoundTripKeepsDTypesShapesValuesAndMetadata()
    {
        var path = PathOf("round.safetensors");
        var f = Tensors.FromArray<float>([1.5f, -2f, 3.25f, float.MaxValue, 0f, -0f], 2, 3);
        var d = Tensors.FromArray<double>([Math.PI, -1e-300], 2);
        SafeTensors.Write(path, [SafeTensorEntry.FromTensor("a.weight", f), SafeTensorEntry.FromTensor("b", d),
            SafeTensorEntry.FromInt64("n", [], [long.MaxValue])], new Dictionary<string, string> { ["arch"] = "x" });
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(File.ReadAllBytes(path)) % 8); // header padded to 8 bytes
        var (read, meta) = SafeTensors.ReadWithMetadata(path);
        Assert.Equal(["a.weight", "b", "n"], read.Keys);
        Assert.Equal("x", meta["arch"]);
        Assert.Equal("F32", read["a.weight"].DType);
        Assert.Equal([2, 3], read["a.weight"].Shape);
        Assert.Equal(f.ToArray(), read["a.weight"].ToTensor<float>().ToArray());
        Assert.Equal(d.ToArray(), read["b"].ToTensor<double>().ToArray());
        Assert.Equal([long.MaxValue], read["n"].ToInt64());
        Assert.Empty(read["n"].Shape);
        Assert.Equal(f.ToArray().Select(v => (double)v), read["a.weight"].ToTensor<double>().ToArray()); // F32 → double
    }

    private string WriteRaw(string name, string header, int dataBytes)
    {
        var path = PathOf(name);
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 16, "'w'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "outside")]
    [InlineData("{\"w\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "BF16")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "shape")]
    [InlineData("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "dtype")]
    [InlineData("{\"w\": [1, 2", 0, "JSON")]
    [InlineData("[1, 2]", 0, "object")]
    public void BadHeadersAreReportedWithTheFileAndTheTensor(string header, int dataBytes, string expected)
    {
        var path = WriteRaw("bad.safetensors", header, dataBytes);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ATruncatedFileIsReported()
    {
        var path = PathOf("short.safetensors");
        File.WriteAllBytes(path, [200, 0, 0, 0, 0, 0, 0, 0, (byte)'{']);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path));
        Assert.Contains("header length", e.Message);
        var missing = PathOf("absent.safetensors");
        var io = Assert.Throws<IOException>(() => SafeTensors.Read(missing));
        Assert.Contains(missing, io.Message);
    }

    [Fact]
    public void ReadingAFloatTensorAsIntegersNamesIt()
    {
        var path = PathOf("kind.safetensors");
        SafeTensors.Write(path, [SafeTensorEntry.FromTensor("running_var", Tensors.Ones<float>(2))]);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path)["running_var"].ToInt64());
        Assert.Contains("running_var", e.Message);
    }
}
