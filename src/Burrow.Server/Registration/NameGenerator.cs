using System.Security.Cryptography;

namespace Burrow.Server.Registration;

/// <summary>Readable random names ("quiet-otter-4821") for agents that do not ask for one.</summary>
internal static class NameGenerator
{
    private static readonly string[] Adjectives =
    [
        "amber", "brave", "calm", "clever", "cosy", "eager", "fancy", "gentle", "happy", "jolly", "keen", "lively",
        "lucky", "merry", "nimble", "proud", "quick", "quiet", "rapid", "shiny", "silent", "sunny", "swift", "tidy",
        "vivid", "warm", "witty", "zesty",
    ];

    private static readonly string[] Nouns =
    [
        "badger", "beaver", "falcon", "ferret", "fox", "gecko", "hare", "heron", "lynx", "marten", "mole", "otter",
        "owl", "panda", "puffin", "rabbit", "raven", "robin", "seal", "shrew", "stoat", "swan", "tiger", "vole",
        "walrus", "weasel", "wombat", "wren",
    ];

    public static string Next()
        => $"{Adjectives[RandomNumberGenerator.GetInt32(Adjectives.Length)]}-{Nouns[RandomNumberGenerator.GetInt32(Nouns.Length)]}-{RandomNumberGenerator.GetInt32(1000, 10000)}";
}
