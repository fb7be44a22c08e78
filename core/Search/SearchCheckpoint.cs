using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NasPS.Search;

/// <summary>
/// Checkpoint files of the searches: versioned JSON (System.Text.Json) written atomically — a temporary file beside
/// the target, flushed to disk, then renamed over it — so an interrupted write never leaves a torn checkpoint.
/// </summary>
public static class SearchCheckpoint
{
    public const string Format = "NasPS.Search.Checkpoint";
    public const int Version = 1;

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // Architecture strings stay readable ('+' and '|' unescaped); the file is data, never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Live proxies can return NaN or ±inf; the state must round-trip them.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    internal static void Write<T>(string path, T document)
    {
        string full = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        string temporary = full + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, document, Json);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    internal static T Read<T>(string path, string algorithm) where T : class, ICheckpointDocument
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint file '{path}' does not exist.", path);
        T? document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonSerializer.Deserialize<T>(stream, Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Checkpoint '{path}' is not valid JSON for a {algorithm} checkpoint: {ex.Message}", ex);
        }
        if (document is null) throw new InvalidDataException($"Checkpoint '{path}' is empty.");
        if (document.Format != Format) throw new InvalidDataException($"'{path}' is not a NasPS search checkpoint (format '{document.Format}', expected '{Format}').");
        if (document.Version != Version) throw new InvalidDataException($"Checkpoint '{path}' has version {document.Version}; this NasPS reads version {Version}.");
        if (!string.Equals(document.Algorithm, algorithm, StringComparison.Ordinal))
            throw new InvalidDataException($"Checkpoint '{path}' belongs to a {document.Algorithm} search, not {algorithm}.");
        return document;
    }

    /// <summary>Searches without resumable state say so instead of silently ignoring a checkpoint path.</summary>
    internal static void RejectCheckpointPath(SearchRunOptions run, string algorithm)
    {
        if (run.CheckpointPath is not null)
            throw new NotSupportedException($"The {algorithm} search has no state to checkpoint; checkpoints are written by the FreeREA and cyclic searches.");
    }

    /// <summary>Refuses to resume when the checkpoint's configuration differs from the run's, naming the first
    /// differing field (compared through their JSON form, so every field is covered).</summary>
    internal static void RequireSameConfig<TConfig>(string path, TConfig saved, TConfig current)
    {
        var a = JsonSerializer.SerializeToElement(saved, Json);
        var b = JsonSerializer.SerializeToElement(current, Json);
        string? difference = FirstDifference(a, b, "");
        if (difference is not null)
            throw new InvalidOperationException($"Cannot resume from '{path}': {difference}. Resume with the configuration the checkpoint was written with, or start a new search.");
    }

    private static string? FirstDifference(JsonElement saved, JsonElement current, string field)
    {
        if (saved.ValueKind == JsonValueKind.Object && current.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in saved.EnumerateObject())
            {
                string name = field.Length == 0 ? p.Name : field + "." + p.Name;
                if (!current.TryGetProperty(p.Name, out var other)) return $"field '{name}' is missing from this run's configuration";
                if (FirstDifference(p.Value, other, name) is { } d) return d;
            }
            foreach (var p in current.EnumerateObject())
                if (!saved.TryGetProperty(p.Name, out _)) return $"field '{(field.Length == 0 ? p.Name : field + "." + p.Name)}' is missing from the checkpoint";
            return null;
        }
        string x = saved.GetRawText(), y = current.GetRawText();
        return x == y ? null : $"the checkpoint has {field} = {x}, this run has {field} = {y}";
    }
}

/// <summary>The header every checkpoint document carries.</summary>
internal interface ICheckpointDocument
{
    string Format { get; }
    int Version { get; }
    string Algorithm { get; }
}
