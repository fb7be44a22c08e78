using System.Numerics;
using NasPS.Compute;

namespace NasPS.Networks.Layers;

/// <summary>Runs its children in order; they are named "0", "1", … as in PyTorch.</summary>
public sealed class Sequential<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<Module<T>> _items = [];

    public Sequential(params Module<T>[] modules)
    {
        foreach (var m in modules) Add(m);
    }

    public Sequential<T> Add(Module<T> module)
    {
        _items.Add(RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module));
        return this;
    }

    public int Count => _items.Count;
    public Module<T> this[int index] => _items[index];

    protected override Tensor<T> ForwardCore(Tensor<T> input)
    {
        var x = input;
        foreach (var m in _items) x = m.Forward(x);
        return x;
    }
}

/// <summary>An indexed list of modules ("0", "1", …) that the owner calls itself; it has no forward of its own.</summary>
public sealed class ModuleList<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<Module<T>> _items = [];

    public ModuleList(params Module<T>[] modules)
    {
        foreach (var m in modules) Add(m);
    }

    public ModuleList<T> Add(Module<T> module)
    {
        _items.Add(RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module));
        return this;
    }

    public int Count => _items.Count;
    public Module<T> this[int index] => _items[index];

    protected override Tensor<T> ForwardCore(Tensor<T> input) =>
        throw new InvalidOperationException("A ModuleList has no forward pass; its owner calls the items.");
}
