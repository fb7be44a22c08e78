namespace NasPS.Data;

/// <summary>Which CIFAR binary layout a file uses: CIFAR-10 records are a label byte and 3,072 pixels; CIFAR-100 records
/// a coarse and a fine label byte, then the pixels.</summary>
public enum CifarFormat
{
    Cifar10,
    Cifar100,
}

/// <summary>
/// Reads the official CIFAR binary distributions (and any prefix of them): fixed-size records, no header; pixels are
/// three 1,024-byte planes R, G, B, each 32×32 row-major. Values are scaled to [0, 1]; normalise separately.
/// </summary>
public static class CifarReader
{
    public const int ImageBytes = 3 * 32 * 32;

    public static int RecordBytes(CifarFormat format) => format == CifarFormat.Cifar10 ? ImageBytes + 1 : ImageBytes + 2;

    /// <summary>Reads images [start, start + count) in file order (count null: to the end). CIFAR-100 labels are the fine labels.</summary>
    public static ImageBatch Read(string path, CifarFormat format, int start = 0, int? count = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CIFAR file '{path}' does not exist.", path);
        long length = new FileInfo(path).Length;
        int record = RecordBytes(format);
        if (length == 0) throw new InvalidDataException($"{path}: the file is empty.");
        if (length % record != 0)
            throw new InvalidDataException(
                $"{path}: {length} bytes is not a whole number of {record}-byte {format} records (the last record is truncated after {length % record} bytes" +
                (length % RecordBytes(Other(format)) == 0 ? $"; the size fits {Other(format)} records — is this a {Other(format)} file?)" : ")"));
        long records = length / record;
        if (start < 0 || start > records) throw new ArgumentOutOfRangeException(nameof(start), start, $"{path} holds {records} images.");
        int n = count ?? (int)(records - start);
        if (n < 0 || start + (long)n > records)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{path} holds {records} images; images [{start}, {start + n}) do not exist.");

        var bytes = new byte[(long)n * record];
        using (var stream = File.OpenRead(path))
        {
            stream.Seek((long)start * record, SeekOrigin.Begin);
            stream.ReadExactly(bytes);
        }
        var pixels = new float[(long)n * ImageBytes];
        var labels = new int[n];
        int labelBytes = record - ImageBytes;
        int maxLabel = format == CifarFormat.Cifar10 ? 9 : 99;
        for (int i = 0; i < n; i++)
        {
            int offset = i * record;
            int label = bytes[offset + labelBytes - 1];
            if (label > maxLabel)
                throw new InvalidDataException($"{path}: image {start + i} has label {label}, outside 0..{maxLabel} for {format}; wrong format or a corrupt file.");
            labels[i] = label;
            for (int p = 0; p < ImageBytes; p++) pixels[(long)i * ImageBytes + p] = bytes[offset + labelBytes + p] / 255f;
        }
        return new ImageBatch(pixels, labels, 3, 32, 32, $"{Path.GetFileName(path)}[{start}..{start + n})");
    }

    private static CifarFormat Other(CifarFormat f) => f == CifarFormat.Cifar10 ? CifarFormat.Cifar100 : CifarFormat.Cifar10;
}
