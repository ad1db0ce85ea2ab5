using System.Text;
using System.Text.RegularExpressions;

namespace Ciro.Contracts.Tests;

public sealed record CairoField(string Name, string TypeText, bool IsKey, bool IsFlat);

/// <summary>A struct or enum; for enums, Fields are the variants.</summary>
public sealed record CairoItem(
    string Path, string Name, bool IsEnum, IReadOnlyList<string> Attributes, IReadOnlyList<CairoField> Fields, CairoModule Module)
{
    public bool IsEvent => Attributes.Any(a => a == "#[event]" || (a.StartsWith("#[derive(") && a.Contains("starknet::Event")));
}

public sealed record CairoParam(string Name, string TypeText);

public sealed record CairoFunction(string Name, bool IsView, IReadOnlyList<CairoParam> Inputs, string? ReturnText);

public sealed record CairoTrait(string Path, IReadOnlyList<CairoFunction> Functions, CairoModule Module);

/// <summary>An `#[abi(embed_v0)] impl` in a contract: its ABI name and the interface it exposes.</summary>
public sealed record CairoEmbeddedImpl(string Name, string InterfacePath);

public sealed class CairoModule(string path, string name, CairoModule? parent, int start, int end)
{
    public string Path { get; } = path;
    public string Name { get; } = name;
    public CairoModule? Parent { get; } = parent;
    public int Start { get; } = start;
    public int End { get; } = end;
    public string Text { get; set; } = "";
    public Dictionary<string, string> Uses { get; } = new(StringComparer.Ordinal);
    public HashSet<string> LocalItems { get; } = new(StringComparer.Ordinal);
    public List<(string Name, string TypeText)> ConstructorParams { get; set; } = [];
    public List<(string Name, string Target)> EmbeddedImplsRaw { get; } = [];
}

/// <summary>
/// A deliberately small reader for the subset of Cairo this package uses: modules, `use`,
/// structs/enums with attributes, `#[starknet::interface]` traits, constructors and embedded impls.
/// It resolves type names to the fully qualified paths the compiler writes into the ABI.
/// </summary>
public sealed class CairoSource
{
    // ABI names of Cairo's core types.
    private static readonly Dictionary<string, string> CoreTypes = new(StringComparer.Ordinal)
    {
        ["felt252"] = "core::felt252",
        ["bool"] = "core::bool",
        ["u8"] = "core::integer::u8",
        ["u16"] = "core::integer::u16",
        ["u32"] = "core::integer::u32",
        ["u64"] = "core::integer::u64",
        ["u128"] = "core::integer::u128",
        ["u256"] = "core::integer::u256",
        ["ContractAddress"] = "core::starknet::contract_address::ContractAddress",
        ["starknet::ContractAddress"] = "core::starknet::contract_address::ContractAddress",
        ["ClassHash"] = "core::starknet::class_hash::ClassHash",
    };

    // OpenZeppelin v0.20.0 re-exports components from their package root; the ABI shows the
    // module where they are defined.
    private static readonly Dictionary<string, string> ReExports = new(StringComparer.Ordinal)
    {
        ["openzeppelin_access::accesscontrol::AccessControlComponent"] =
            "openzeppelin_access::accesscontrol::accesscontrol::AccessControlComponent",
    };

    public string PackageName { get; }
    public Dictionary<string, CairoModule> Modules { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, CairoItem> Items { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, CairoTrait> Traits { get; } = new(StringComparer.Ordinal);

    /// <summary>Embeddable impl name (as in `#[embeddable_as(X)]`) within a component path -> trait path.</summary>
    public Dictionary<string, string> Embeddables { get; } = new(StringComparer.Ordinal);

    private CairoSource(string packageName) => PackageName = packageName;

    public static CairoSource Load(string contractsDir)
    {
        var scarb = File.ReadAllText(Path.Combine(contractsDir, "Scarb.toml"));
        var name = Regex.Match(scarb, @"(?m)^name\s*=\s*""([^""]+)""").Groups[1].Value;
        var source = new CairoSource(name);
        var src = Path.Combine(contractsDir, "src");
        foreach (var file in Directory.GetFiles(src, "*.cairo", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            source.ParseFile(src, file);
        }

        return source;
    }

    private void ParseFile(string srcDir, string file)
    {
        var rel = Path.GetRelativePath(srcDir, file).Replace('\\', '/');
        var parts = rel[..^".cairo".Length].Split('/').ToList();
        if (parts[^1] == "lib")
        {
            parts.RemoveAt(parts.Count - 1);
        }

        var modulePath = string.Join("::", new[] { PackageName }.Concat(parts));
        var text = StripComments(File.ReadAllText(file));
        var root = new CairoModule(modulePath, parts.LastOrDefault() ?? PackageName, null, 0, text.Length) { Text = text };
        var modules = new List<CairoModule> { root };
        Modules[modulePath] = root;

        foreach (Match m in Regex.Matches(text, @"\b(?:pub\s+)?mod\s+(\w+)\s*\{"))
        {
            var open = m.Index + m.Length - 1;
            var close = MatchingBrace(text, open);
            var parent = Innermost(modules, m.Index);
            var module = new CairoModule($"{parent.Path}::{m.Groups[1].Value}", m.Groups[1].Value, parent, open, close) { Text = text };
            modules.Add(module);
            Modules[module.Path] = module;
        }

        foreach (Match m in Regex.Matches(text, @"\buse\s+([^;]+);"))
        {
            AddUses(Innermost(modules, m.Index), m.Groups[1].Value);
        }

        const string attrs = @"((?:#\[[^\]]*\]\s*)*)";
        foreach (Match m in Regex.Matches(text, attrs + @"(?:pub\s+)?(struct|enum)\s+(\w+)\s*\{"))
        {
            var module = Innermost(modules, m.Groups[3].Index);
            var open = m.Index + m.Length - 1;
            var body = text[(open + 1)..MatchingBrace(text, open)];
            var isEnum = m.Groups[2].Value == "enum";
            var item = new CairoItem(
                $"{module.Path}::{m.Groups[3].Value}", m.Groups[3].Value, isEnum, Attributes(m.Groups[1].Value),
                ParseFields(body, isEnum), module);
            Items[item.Path] = item;
            module.LocalItems.Add(item.Name);
        }

        foreach (Match m in Regex.Matches(text, attrs + @"(?:pub\s+)?trait\s+(\w+)\s*<\s*\w+\s*>\s*\{"))
        {
            var module = Innermost(modules, m.Groups[2].Index);
            module.LocalItems.Add(m.Groups[2].Value);
            if (!m.Groups[1].Value.Contains("#[starknet::interface]"))
            {
                continue;
            }

            var open = m.Index + m.Length - 1;
            var body = text[(open + 1)..MatchingBrace(text, open)];
            var fns = Regex.Matches(body, @"\bfn\s+(\w+)\s*\(([^)]*)\)\s*(?:->\s*([^;]+?))?\s*;")
                .Select(f => ParseFunction(f.Groups[1].Value, f.Groups[2].Value, f.Groups[3].Success ? f.Groups[3].Value : null))
                .ToList();
            var path = $"{module.Path}::{m.Groups[2].Value}";
            Traits[path] = new CairoTrait(path, fns, module);
        }

        foreach (Match m in Regex.Matches(text, @"\bconst\s+(\w+)\s*:"))
        {
            Innermost(modules, m.Index).LocalItems.Add(m.Groups[1].Value);
        }

        foreach (Match m in Regex.Matches(text, @"#\[constructor\]\s*fn\s+constructor\s*\(([^)]*)\)"))
        {
            Innermost(modules, m.Index).ConstructorParams = SplitTopLevel(m.Groups[1].Value)
                .Select(ParseParam).Where(p => p.Name != "self").Select(p => (p.Name, p.TypeText)).ToList();
        }

        foreach (Match m in Regex.Matches(text, @"#\[abi\(embed_v0\)\]\s*impl\s+(\w+)\s*(?:=\s*([^;]+);|of\s+([\w:]+)\s*<)"))
        {
            var target = m.Groups[2].Success ? m.Groups[2].Value : "trait:" + m.Groups[3].Value;
            Innermost(modules, m.Index).EmbeddedImplsRaw.Add((m.Groups[1].Value, Regex.Replace(target, @"\s+", "")));
        }

        foreach (Match m in Regex.Matches(text, @"#\[embeddable_as\((\w+)\)\]\s*(?:pub\s+)?impl\s+\w+\s*<[\s\S]*?>\s*of\s+([\w:]+)\s*<\s*ComponentState"))
        {
            var module = Innermost(modules, m.Index);
            Embeddables[$"{module.Path}::{m.Groups[1].Value}"] = ResolvePath(m.Groups[2].Value, module);
        }
    }

    /// <summary>Fully qualified ABI type name for a type written in `module`.</summary>
    public string ResolveType(string typeText, CairoModule module)
    {
        var t = Regex.Replace(typeText, @"\s+", "");
        if (CoreTypes.TryGetValue(t, out var core))
        {
            return core;
        }

        if (t.Contains('<') || t.StartsWith('('))
        {
            throw new NotSupportedException($"Generic and tuple types are not used in this package: '{typeText}' in {module.Path}");
        }

        return ResolvePath(t, module);
    }

    public string ResolvePath(string pathText, CairoModule module)
    {
        var segments = pathText.Split("::");
        string head;
        var first = segments[0];
        if (first == "crate")
        {
            head = PackageName;
        }
        else if (first == "super")
        {
            head = module.Parent?.Path ?? ParentPath(module.Path);
        }
        else if (first == "self")
        {
            head = module.Path;
        }
        else if (module.Uses.TryGetValue(first, out var used))
        {
            head = used.StartsWith("crate::", StringComparison.Ordinal) || used.StartsWith("super::", StringComparison.Ordinal)
                ? ResolvePath(used, module)
                : used;
        }
        else if (module.LocalItems.Contains(first) || Modules.ContainsKey($"{module.Path}::{first}"))
        {
            head = $"{module.Path}::{first}";
        }
        else
        {
            throw new InvalidOperationException($"Cannot resolve '{pathText}' in module {module.Path}");
        }

        var full = string.Join("::", new[] { head }.Concat(segments.Skip(1)));
        foreach (var (from, to) in ReExports)
        {
            if (full == from || full.StartsWith(from + "::", StringComparison.Ordinal))
            {
                return to + full[from.Length..];
            }
        }

        return full;
    }

    public CairoModule Module(string path) =>
        Modules.TryGetValue(path, out var m) ? m : throw new InvalidOperationException($"No Cairo module {path}");

    public CairoModule ContractModule(string contractName) =>
        Modules.Values.SingleOrDefault(m => m.Name == contractName && m.Parent is not null
            && Regex.IsMatch(m.Text[..m.Start], @"#\[starknet::contract\]\s*(?:pub\s+)?mod\s+" + contractName + @"\s*$"))
        ?? throw new InvalidOperationException($"No #[starknet::contract] module named {contractName} under contracts/src");

    /// <summary>The contract's embedded impls in source order, with the interface each one exposes.</summary>
    public IReadOnlyList<CairoEmbeddedImpl> EmbeddedImpls(CairoModule contract)
    {
        var result = new List<CairoEmbeddedImpl>();
        foreach (var (name, target) in contract.EmbeddedImplsRaw)
        {
            if (target.StartsWith("trait:", StringComparison.Ordinal))
            {
                result.Add(new CairoEmbeddedImpl(name, ResolvePath(target["trait:".Length..], contract)));
                continue;
            }

            // `Component::EmbeddableName<ContractState>`: the interface is the embeddable impl's trait.
            var path = ResolvePath(target[..target.IndexOf('<')], contract);
            var iface = Embeddables.TryGetValue(path, out var own) ? own
                : OpenZeppelin.EmbeddableInterfaces.TryGetValue(path, out var oz) ? oz
                : throw new InvalidOperationException($"Unknown embeddable impl {path} in {contract.Path}");
            result.Add(new CairoEmbeddedImpl(name, iface));
        }

        return result;
    }

    private static string ParentPath(string path) => path[..path.LastIndexOf("::", StringComparison.Ordinal)];

    private static CairoModule Innermost(List<CairoModule> modules, int index) =>
        modules.Where(m => m.Start <= index && index <= m.End).MaxBy(m => m.Start)!;

    private static void AddUses(CairoModule module, string useText)
    {
        var u = Regex.Replace(useText.Trim(), @"\s+", " ");
        var brace = u.IndexOf('{');
        var prefix = brace < 0 ? "" : u[..brace].Replace(" ", "");
        List<string> entries = brace < 0 ? [u] : SplitTopLevel(u[(brace + 1)..u.LastIndexOf('}')]);
        foreach (var entry in entries)
        {
            var m = Regex.Match(entry.Trim(), @"^([\w:]+?)(?:\s+as\s+(\w+))?$");
            if (!m.Success)
            {
                throw new InvalidOperationException($"Unsupported use entry '{entry}' in {module.Path}");
            }

            var target = prefix + m.Groups[1].Value;
            var alias = m.Groups[2].Success ? m.Groups[2].Value : target[(target.LastIndexOf("::", StringComparison.Ordinal) + 2)..];
            module.Uses[alias] = target;
        }
    }

    private static List<string> Attributes(string text) =>
        Regex.Matches(text, @"#\[[^\]]*\]").Select(a => Regex.Replace(a.Value, @"\s+", " ")).ToList();

    private static List<CairoField> ParseFields(string body, bool isEnum)
    {
        var fields = new List<CairoField>();
        foreach (var raw in SplitTopLevel(body))
        {
            var attrs = Regex.Matches(raw, @"#\[[^\]]*\]").Select(a => a.Value).ToList();
            var rest = Regex.Replace(raw, @"#\[[^\]]*\]", "").Trim();
            rest = Regex.Replace(rest, @"^pub\s+", "");
            var colon = rest.IndexOf(':');
            if (colon < 0 && isEnum)
            {
                fields.Add(new CairoField(rest, "()", false, false));
                continue;
            }

            if (colon < 0)
            {
                throw new InvalidOperationException($"Cannot parse field '{raw}'");
            }

            // `a::b` paths contain "::"; the field separator is the first single colon.
            var sep = Regex.Match(rest, @"(?<!:):(?!:)");
            fields.Add(new CairoField(
                rest[..sep.Index].Trim(), rest[(sep.Index + 1)..].Trim(), attrs.Contains("#[key]"), attrs.Contains("#[flat]")));
        }

        return fields;
    }

    private static CairoFunction ParseFunction(string name, string paramText, string? returnText)
    {
        var parameters = SplitTopLevel(paramText).Select(ParseParam).ToList();
        var self = parameters.FirstOrDefault(p => p.Name == "self" || p.Name == "ref self");
        var isView = self is not null && self.TypeText.TrimStart().StartsWith('@');
        return new CairoFunction(name, isView, parameters.Where(p => p != self).ToList(), returnText?.Trim());
    }

    private static CairoParam ParseParam(string p)
    {
        var sep = Regex.Match(p, @"(?<!:):(?!:)");
        var name = p[..sep.Index].Trim();
        name = Regex.Replace(name, @"^(ref|mut)\s+", "");
        return new CairoParam(name, p[(sep.Index + 1)..].Trim());
    }

    /// <summary>Splits on commas outside (), &lt;&gt;, {} and []; drops empty pieces.</summary>
    public static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var current = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '(' or '<' or '{' or '[')
            {
                depth++;
            }
            else if (c is ')' or '}' or ']' || (c == '>' && (i == 0 || text[i - 1] != '-')))
            {
                depth--;
            }

            if (c == ',' && depth == 0)
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        parts.Add(current.ToString());
        return parts.Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
    }

    private static int MatchingBrace(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == '{')
            {
                depth++;
            }
            else if (text[i] == '}' && --depth == 0)
            {
                return i;
            }
        }

        throw new InvalidOperationException("Unbalanced braces in Cairo source");
    }

    /// <summary>Removes // comments (doc comments included) but not text inside string literals.</summary>
    public static string StripComments(string text)
    {
        var sb = new StringBuilder(text.Length);
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null)
            {
                sb.Append(c);
                if (c == quote)
                {
                    quote = null;
                }

                continue;
            }

            if (c is '"' or '\'')
            {
                quote = c;
                sb.Append(c);
                continue;
            }

            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }

                sb.Append('\n');
                continue;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
