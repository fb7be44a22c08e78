using System.Buffers.Binary;
using System.IO.Compression;

namespace NasPS.Data;

/// <summary>
/// Reads IDX files (MNIST, Fashion-MNIST), optionally gzip-compressed: a big-endian magic (two zero bytes, a type code,
/// the number of dimensions), the dimensions, then the data. Images (3-D, unsigned bytes) scale to [0, 1].
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByte = 0x08;

    /// <summary>Reads an image file and its label file into one batch of 1-channel images.</summary>
    public static ImageBatch ReadImages(string imagesPath, string labelsPath)
    {
        var (imageDims, imageBytes) = ReadRaw(imagesPath);
        if (imageDims.Length != 3) throw new InvalidDataException($"{imagesPath}: an image file has 3 dimensions (count, rows, columns), not {imageDims.Length}.");
        var (labelDims, labelBytes) = ReadRaw(labelsPath);
        if (labelDims.Length != 1) throw new InvalidDataException($"{labelsPath}: a label file has 1 dimension, not {labelDims.Length}.");
        if (labelDims[0] != imageDims[0])
            throw new InvalidDataException($"{labelsPath}: {labelDims[0]} labels, but {imagesPath} has {imageDims[0]} images.");
        var pixels = new float[imageBytes.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = imageBytes[i] / 255f;
        var labels = labelBytes.Select(b => (int)b).ToArray();
        return new ImageBatch(pixels, labels, 1, imageDims[1], imageDims[2], Path.GetFileName(imagesPath));
    }

    /// <summary>The dimensions and unsigned-byte payload of an IDX file.</summary>
    public static (int[] Dimensions, byte[] Data) ReadRaw(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        using var file = File.OpenRead(path);
        bool gzip = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var bytes = memory.GetBuffer().AsSpan(0, (int)memory.Length);

        if (bytes.Length < 4) throw new InvalidDataException($"{path}: too short for an IDX header ({bytes.Length} bytes).");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new InvalidDataException($"{path}: wrong magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(bytes):x8}; an IDX file starts with two zero bytes.");
        if (bytes[2] != UnsignedByte) throw new InvalidDataException($"{path}: data type 0x{bytes[2]:x2} is not supported; only unsigned bytes (0x08).");
        int rank = bytes[3];
        if (rank == 0 || bytes.Length < 4 + 4 * rank) throw new InvalidDataException($"{path}: the header declares {rank} dimensions but the file ends inside it.");
        var dims = new int[rank];
        long expected = 1;
        for (int d = 0; d < rank; d++)
        {
            dims[d] = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes[(4 + 4 * d)..]);
            expected *= dims[d];
        }
        long actual = bytes.Length - (4 + 4 * rank);
        if (actual != expected)
            throw new InvalidDataException($"{path}: the header's shape [{string.Join(", ", dims)}] needs {expected} bytes of data, the file has {actual}" +
                                           (actual < expected ? " (truncated)." : "."));
        return (dims, bytes[(4 + 4 * rank)..].ToArray());
    }
}
