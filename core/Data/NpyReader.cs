using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace NasPS.Data;

/// <summary>
/// Reads NumPy .npy arrays (format versions 1–3, C order, little-endian or byte-sized dtypes f4, f8, u1, i4, i8) as doubles
/// with their shape. Fortran order and other dtypes are refused with a message naming the file and the field.
/// </summary>
public static partial class NpyReader
{
    public static (int[] Shape, double[] Values) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($".npy file '{path}' does not exist.", path);
        var bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(magic)) throw new InvalidDataException($"{path}: not a .npy file (the magic string \\x93NUMPY is missing).");
        int major = bytes[6];
        int headerLength, headerStart;
        switch (major)
        {
            case 1: headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)); headerStart = 10; break;
            case 2 or 3:
                if (bytes.Length < 12) throw new InvalidDataException($"{path}: the file ends inside the header.");
                headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)); headerStart = 12; break;
            default: throw new InvalidDataException($"{path}: .npy format version {major} is not supported (1, 2 or 3).");
        }
        if (headerStart + headerLength > bytes.Length) throw new InvalidDataException($"{path}: the header is {headerLength} bytes but the file ends before it does.");
        string header = Encoding.UTF8.GetString(bytes, headerStart, headerLength);

        string descr = Field(path, header, "descr", DescrPattern());
        bool fortran = Field(path, header, "fortran_order", FortranPattern()) == "True";
        if (fortran) throw new InvalidDataException($"{path}: fortran_order is True; only C-order arrays are supported.");
        var shapeText = Field(path, header, "shape", ShapePattern());
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        long count = shape.Aggregate(1L, (a, b) => a * b);

        var (size, convert) = descr switch
        {
            "<f4" => (4, (Func<ReadOnlyMemory<byte>, double>)(m => BinaryPrimitives.ReadSingleLittleEndian(m.Span))),
            "<f8" => (8, m => BinaryPrimitives.ReadDoubleLittleEndian(m.Span)),
            "|u1" => (1, m => m.Span[0]),
            "<i4" => (4, m => BinaryPrimitives.ReadInt32LittleEndian(m.Span)),
            "<i8" => (8, m => BinaryPrimitives.ReadInt64LittleEndian(m.Span)),
            _ => throw new InvalidDataException($"{path}: dtype '{descr}' is not supported (<f4, <f8, |u1, <i4, <i8)."),
        };
        int dataStart = headerStart + headerLength;
        long available = bytes.Length - dataStart;
        if (available != count * size)
            throw new InvalidDataException($"{path}: shape ({shapeText}) of {descr} needs {count * size} bytes, the file has {available}{(available < count * size ? " (truncated)" : "")}.");
        var values = new double[count];
        var memory = bytes.AsMemory(dataStart);
        for (long i = 0; i < count; i++) values[i] = convert(memory.Slice((int)(i * size), size));
        return (shape, values);
    }

    private static string Field(string path, string header, string name, Regex pattern)
    {
        var m = pattern.Match(header);
        return m.Success ? m.Groups[1].Value : throw new InvalidDataException($"{path}: the header has no valid '{name}' field: {header.Trim()}");
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
