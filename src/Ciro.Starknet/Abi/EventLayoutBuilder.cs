namespace Ciro.Starknet.Abi;

/// <summary>Walks a contract's Event enum into the list of events it can emit. Per the Cairo event derive: a
/// nested variant appends sn_keccak(variant name) to the keys, a flat variant appends nothing and lets the inner
/// enum's variant name stand; selectors come from variant names, never from Cairo paths (those change between
/// library versions).</summary>
internal static class EventLayoutBuilder
{
    private const int MaxDepth = 8;

    public static List<EventLayout> Build(IReadOnlyDictionary<string, AbiEventDefinition> events, List<string> warnings)
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var definition in events.Values)
        {
            if (definition is AbiEnumEvent e)
            {
                referenced.UnionWith(e.Variants.Select(v => v.TypeName));
            }
            else if (definition is AbiStructEvent s)
            {
                referenced.UnionWith(s.Members.Where(m => m.Kind is EventFieldKind.Nested or EventFieldKind.Flat).Select(m => m.TypeName));
            }
        }
        var layouts = new List<EventLayout>();
        foreach (var root in events.Values.Where(d => !referenced.Contains(d.Name)))
        {
            switch (root)
            {
                case AbiEnumEvent e:
                    Expand(e, [], [], events, layouts, warnings, 0);
                    break;
                case AbiStructEvent s:
                    // A struct event nobody wraps: an early Cairo 1 or Cairo 0 ABI, where keys[0] is the name's selector.
                    var shortName = LastSegment(s.Name);
                    layouts.Add(new EventLayout(shortName, s.Name, [Selector.FromName(shortName)], s));
                    break;
            }
        }
        return layouts;
    }

    private static void Expand(
        AbiEnumEvent enumEvent, List<Felt> prefix, List<string> path,
        IReadOnlyDictionary<string, AbiEventDefinition> events, List<EventLayout> layouts, List<string> warnings, int depth)
    {
        if (depth > MaxDepth)
        {
            warnings.Add($"event {enumEvent.Name}: nesting deeper than {MaxDepth}, ignored");
            return;
        }
        foreach (var variant in enumEvent.Variants)
        {
            var flat = variant.Kind == EventFieldKind.Flat;
            if (variant.Kind is EventFieldKind.Key or EventFieldKind.Data)
            {
                warnings.Add($"event {enumEvent.Name}::{variant.Name}: variant kind {variant.Kind} treated as nested");
            }
            var keys = flat ? prefix : [.. prefix, Selector.FromName(variant.Name)];
            var names = flat ? path : [.. path, variant.Name];
            if (!events.TryGetValue(variant.TypeName, out var target))
            {
                warnings.Add($"event {enumEvent.Name}::{variant.Name}: type {variant.TypeName} is not an event, ignored");
                continue;
            }
            switch (target)
            {
                case AbiEnumEvent inner:
                    Expand(inner, keys, names, events, layouts, warnings, depth + 1);
                    break;
                case AbiStructEvent structEvent when keys.Count == 0:
                    // A flat struct at the top has no selector at all: nothing could tell it from other events.
                    warnings.Add($"event {enumEvent.Name}::{variant.Name}: flat struct without a selector, ignored");
                    break;
                case AbiStructEvent structEvent:
                    var name = names.Count > 0 ? string.Join("::", names) : variant.Name;
                    layouts.Add(new EventLayout(name, structEvent.Name, keys, structEvent));
                    break;
            }
        }
    }

    internal static string LastSegment(string path)
    {
        var index = path.LastIndexOf("::", StringComparison.Ordinal);
        return index < 0 ? path : path[(index + 2)..];
    }
}
