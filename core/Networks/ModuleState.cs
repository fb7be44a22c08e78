using System.Numerics;
using NasPS.Compute;

namespace NasPS.Networks;

/// <summary>Saving and loading a module's named state (parameters and buffers) as safetensors.</summary>
public static class ModuleState
{
    /// <summary>Every parameter and buffer by dotted name, as PyTorch's state_dict (parameters first within a module
    /// is not guaranteed; names are what matter).</summary>
    public static IReadOnlyList<SafeTensorEntry> StateEntries<T>(this Module<T> module) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var entries = new List<SafeTensorEntry>();
        foreach (var (name, t) in module.NamedParameters()) entries.Add(SafeTensorEntry.FromTensor(name, t));
        foreach (var (name, t) in module.NamedBuffers()) entries.Add(SafeTensorEntry.FromTensor(name, t));
        foreach (var (name, b) in module.NamedInt64Buffers()) entries.Add(SafeTensorEntry.FromInt64(name, b.Shape, b.Values));
        return entries;
    }

    public static void SaveSafeTensors<T>(this Module<T> module, string path, IReadOnlyDictionary<string, string>? metadata = null)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        SafeTensors.Write(path, module.StateEntries(), metadata);

    /// <summary>Loads every parameter and buffer from <paramref name="path"/>. F32 and F64 files load into either element
    /// type. With <paramref name="strict"/>, a tensor of the module missing from the file, or a file tensor the module
    /// lacks, is an error; a shape mismatch always is. Nothing is changed when an error is raised.</summary>
    public static void LoadSafeTensors<T>(this Module<T> module, string path, bool strict = true) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var file = SafeTensors.Read(path);
        module.LoadState(file, path, strict);
    }

    /// <summary>As <see cref="LoadSafeTensors{T}"/>, from entries already read; <paramref name="source"/> names them in errors.</summary>
    public static void LoadState<T>(this Module<T> module, IReadOnlyDictionary<string, SafeTensorEntry> entries, string source, bool strict = true)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var floating = module.NamedParameters().Concat(module.NamedBuffers()).ToList();
        var integer = module.NamedInt64Buffers().ToList();
        var known = new HashSet<string>(floating.Select(f => f.Name).Concat(integer.Select(i => i.Name)));

        var missing = known.Where(n => !entries.ContainsKey(n)).ToList();
        var unexpected = entries.Keys.Where(n => !known.Contains(n)).ToList();
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
            throw new InvalidDataException($"'{source}' does not match the {module.TypeName} state: "
                + (missing.Count > 0 ? $"{missing.Count} missing ({Preview(missing)})" : "")
                + (missing.Count > 0 && unexpected.Count > 0 ? "; " : "")
                + (unexpected.Count > 0 ? $"{unexpected.Count} unexpected ({Preview(unexpected)})" : "") + ".");

        // Validate everything before writing anything.
        foreach (var (name, t) in floating)
            if (entries.TryGetValue(name, out var e))
            {
                if (!Shapes.Equal(e.Shape, t.Shape))
                    throw new InvalidDataException($"'{source}': tensor '{name}' has shape {Shapes.Format(e.Shape)}; the module expects {Shapes.Format(t.Shape)}.");
                if (e.DType is not ("F32" or "F64"))
                    throw new InvalidDataException($"'{source}': tensor '{name}' is {e.DType}; the module expects a floating-point tensor.");
            }
        foreach (var (name, b) in integer)
            if (entries.TryGetValue(name, out var e))
            {
                if (!Shapes.Equal(e.Shape, b.Shape))
                    throw new InvalidDataException($"'{source}': tensor '{name}' has shape {Shapes.Format(e.Shape)}; the module expects {Shapes.Format(b.Shape)}.");
                if (e.DType != "I64")
                    throw new InvalidDataException($"'{source}': tensor '{name}' is {e.DType}; the module expects I64.");
            }

        foreach (var (name, t) in floating)
            if (entries.TryGetValue(name, out var e)) e.CopyTo(t.Span);
        foreach (var (name, b) in integer)
            if (entries.TryGetValue(name, out var e)) e.ToInt64().CopyTo(b.Values, 0);
    }

    /// <summary>Copies the state of a module with the same names and shapes, converting element type (e.g. a float
    /// network into its double twin for Synflow).</summary>
    public static void CopyStateFrom<TTo, TFrom>(this Module<TTo> target, Module<TFrom> source)
        where TTo : unmanaged, IFloatingPointIeee754<TTo>
        where TFrom : unmanaged, IFloatingPointIeee754<TFrom>
    {
        var entries = source.StateEntries().ToDictionary(e => e.Name);
        target.LoadState(entries, $"{source.TypeName}<{typeof(TFrom).Name}> state", strict: true);
    }

    private static string Preview(List<string> names) =>
        string.Join(", ", names.Take(5)) + (names.Count > 5 ? ", …" : "");
}
