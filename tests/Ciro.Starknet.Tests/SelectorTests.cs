using System.Text.Json;

namespace Ciro.Starknet.Tests;

public sealed class SelectorTests
{
    public static TheoryData<string, string> Vectors()
    {
        using var document = JsonDocument.Parse(TestData.Read("starknet", "vectors", "selectors.json"));
        var data = new TheoryData<string, string>();
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            data.Add(entry.GetProperty("name").GetString()!, entry.GetProperty("selector").GetString()!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Reproduces_published_selector(string name, string selector) =>
        Assert.Equal(Felt.Parse(selector), Selector.FromName(name));

    [Fact]
    public void Vector_file_has_every_pair() => Assert.Equal(21, Vectors().Count);
}
