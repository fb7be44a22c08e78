using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace NasPS.Compute;

/// <summary>One tensor of a safetensors file: dtype, shape and little-endian bytes.</summary>
public sealed class SafeTensorEntry
{
    public SafeTensorEntry(string name, string dtype, int[] shape, byte[] data)
    {
        int size = SafeTensors.ElementSize(dtype) ?? throw new ArgumentException($"Tensor '{name}': unsupported dtype '{dtype}'.");
        if ((long)Shapes.Length(shape) * size != data.Length)
            throw new ArgumentException($"Tensor '{name}': {data.Length} bytes do not hold {dtype} {Shapes.Format(shape)}.");
        (Name, DType, Shape, Data) = (name, dtype, shape, data);
    }

    public string Name { get; }
    /// <summary>"F32", "F64" or "I64".</summary>
    public string DType { get; }
    public int[] Shape { get; }
    public byte[] Data { get; }
    public int ElementCount => Shapes.Length(Shape);

    public static SafeTensorEntry FromTensor<T>(string name, Tensor<T> t) where T : unmanaged, IFloatingPointIeee754<T> =>
        new(name, SafeTensors.DTypeOf<T>(), [.. t.Shape], ToLittleEndianBytes<T>(t.ReadOnlySpan));

    public static SafeTensorEntry FromInt64(string name, int[] shape, ReadOnlySpan<long> values) =>
        new(name, "I64", shape, ToLittleEndianBytes(values));

    /// <summary>The values as <typeparamref name="T"/> (F32 and F64 convert; other dtypes are an error naming the tensor).</summary>
    public void CopyTo<T>(Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (destination.Length != ElementCount) throw new ArgumentException($"Tensor '{Name}': {ElementCount} values for a destination of {destination.Length}.");
        switch (DType)
        {
            case "F32": Tensors.ConvertInto<float, T>(Values<float>(), destination); break;
            case "F64": Tensors.ConvertInto<double, T>(Values<double>(), destination); break;
            default: throw new InvalidDataException($"Tensor '{Name}' is {DType}; a floating-point tensor (F32 or F64) was expected.");
        }
    }

    public Tensor<T> ToTensor<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = Tensors.Empty<T>(Shape);
        CopyTo(t.Span);
        return t;
    }

    public long[] ToInt64()
    {
        if (DType != "I64") throw new InvalidDataException($"Tensor '{Name}' is {DType}; I64 was expected.");
        return Values<long>().ToArray();
    }

    private ReadOnlySpan<E> Values<E>() where E : unmanaged
    {
        if (BitConverter.IsLittleEndian) return MemoryMarshal.Cast<byte, E>(Data);
        throw new PlatformNotSupportedException("safetensors I/O needs a little-endian machine.");
    }

    private static byte[] ToLittleEndianBytes<E>(ReadOnlySpan<E> values) where E : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors I/O needs a little-endian machine.");
        return MemoryMarshal.AsBytes(values).ToArray();
    }
}

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping each name to
/// {dtype, shape, data_offsets} (plus an optional "__metadata__" map of strings), then the raw data.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100L << 20;

    public static int? ElementSize(string dtype) => dtype switch
    {
        "F32" => 4,
        "F64" => 8,
        "I64" => 8,
        _ => null,
    };

    public static string DTypeOf<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? "F32" : typeof(T) == typeof(double) ? "F64"
        : throw new NotSupportedException($"No safetensors dtype for {typeof(T).Name}.");

    /// <summary>Reads every tensor of <paramref name="path"/>, keyed by name (in file order).</summary>
    public static IReadOnlyDictionary<string, SafeTensorEntry> Read(string path) => ReadWithMetadata(path).Tensors;

    /// <summary>Reads the tensors and the "__metadata__" string map (empty when absent).</summary>
    public static (IReadOnlyDictionary<string, SafeTensorEntry> Tensors, IReadOnlyDictionary<string, string> Metadata) ReadWithMetadata(string path)
    {
        byte[] file;
        try { file = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot read safetensors file '{path}': {e.Message}", e);
        }
        if (file.Length < 8) throw Bad(path, "the file is shorter than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeaderBytes || (long)headerLength > file.Length - 8)
            throw Bad(path, $"the header length {headerLength} does not fit the file of {file.Length} bytes");
        int dataStart = 8 + (int)headerLength;
        long dataLength = file.Length - dataStart;

        JsonDocument doc;
        try { doc = JsonDocument.Parse(file.AsMemory(8, (int)headerLength)); }
        catch (JsonException e) { throw Bad(path, $"the header is not valid JSON ({e.Message})"); }

        var entries = new List<(long Begin, SafeTensorEntry Entry)>();
        var metadata = new Dictionary<string, string>();
        var seen = new HashSet<string>();
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(path, "the header is not a JSON object");
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw Bad(path, "__metadata__ is not an object");
                    foreach (var m in prop.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw Bad(path, $"metadata '{m.Name}' is not a string");
                    continue;
                }
                string name = prop.Name;
                if (!seen.Add(name)) throw Bad(path, $"tensor '{name}' appears twice in the header");
                var e = prop.Value;
                if (e.ValueKind != JsonValueKind.Object
                    || !e.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String
                    || !e.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array
                    || !e.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
                    throw Bad(path, $"tensor '{name}' needs dtype, shape and a two-element data_offsets");
                string dtype = dt.GetString()!;
                int size = ElementSize(dtype) ?? throw Bad(path, $"tensor '{name}' has unsupported dtype '{dtype}' (F32, F64 and I64 are supported)");
                var shape = new int[sh.GetArrayLength()];
                int k = 0;
                foreach (var d in sh.EnumerateArray())
                {
                    if (!d.TryGetInt32(out int v) || v < 0) throw Bad(path, $"tensor '{name}' has an invalid shape entry {d}");
                    shape[k++] = v;
                }
                if (!off[0].TryGetInt64(out long begin) || !off[1].TryGetInt64(out long end) || begin < 0 || end < begin || end > dataLength)
                    throw Bad(path, $"tensor '{name}' has data_offsets {off} outside the {dataLength} data bytes");
                long expected = (long)Shapes.Length(shape) * size;
                if (end - begin != expected)
                    throw Bad(path, $"tensor '{name}' is {dtype} {Shapes.Format(shape)} ({expected} bytes) but its data_offsets span {end - begin} bytes");
                var data = file.AsSpan(dataStart + (int)begin, (int)(end - begin)).ToArray();
                entries.Add((begin, new SafeTensorEntry(name, dtype, shape, data)));
            }
        }
        var result = new Dictionary<string, SafeTensorEntry>();
        foreach (var (_, entry) in entries.OrderBy(e => e.Begin)) result[entry.Name] = entry;
        return (result, metadata);
    }

    /// <summary>Writes <paramref name="entries"/> in the given order; the header is padded to 8 bytes.</summary>
    public static void Write(string path, IEnumerable<SafeTensorEntry> entries, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = entries.ToList();
        var names = new HashSet<string>();
        foreach (var e in list)
            if (!names.Add(e.Name)) throw new ArgumentException($"Cannot write '{path}': tensor '{e.Name}' is given twice.");

        using var headerStream = new MemoryStream();
        using (var json = new Utf8JsonWriter(headerStream))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var e in list)
            {
                json.WriteStartObject(e.Name);
                json.WriteString("dtype", e.DType);
                json.WriteStartArray("shape");
                foreach (int d in e.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + e.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += e.Data.Length;
            }
            json.WriteEndObject();
        }
        var header = headerStream.ToArray().ToList();
        while (header.Count % 8 != 0) header.Add((byte)' ');

        using var file = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Count);
        file.Write(length);
        file.Write(header.ToArray());
        foreach (var e in list) file.Write(e.Data);
    }

    private static InvalidDataException Bad(string path, string problem) =>
        new($"Invalid safetensors file '{path}': {problem}.");
}
