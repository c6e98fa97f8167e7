using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Burrow.Server.Hosting;

/// <summary>
/// The server's configuration is one flat set of keys (burrow.json, BURROW__KEY variables, flags), each owned by one
/// feature's options class; a few (ListenAddress) are read by two. Binding each class ignores the others' keys, so a
/// key nobody reads (a typo) is caught here instead: it fails with one line naming it.
/// </summary>
internal static class ServerConfigurationKeys
{
    public static void Check(IConfiguration configuration, IReadOnlyCollection<Type> optionTypes, IReadOnlyDictionary<string, Type> sections)
    {
        foreach (var section in configuration.GetChildren())
        {
            if (sections.FirstOrDefault(s => string.Equals(s.Key, section.Key, StringComparison.OrdinalIgnoreCase)).Value is { } sectionType)
            {
                CheckNested(section, sectionType);
                continue;
            }

            var owners = optionTypes.Select(type => Property(type, section.Key)).Where(p => p is not null).ToList();
            if (owners.Count == 0)
            {
                throw new InvalidOperationException($"{section.Path}: unknown setting (burrow server --help lists them).");
            }

            foreach (var property in owners)
            {
                CheckNested(section, property!.PropertyType);
            }
        }
    }

    /// <summary>Every key, nested ones as Section:Key, in declaration order without duplicates.</summary>
    public static IReadOnlyList<string> All(IEnumerable<Type> optionTypes, IReadOnlyDictionary<string, Type> sections)
    {
        var keys = new List<string>();
        foreach (var type in optionTypes)
        {
            Collect(type, prefix: string.Empty, keys);
        }

        foreach (var (name, type) in sections)
        {
            Collect(type, $"{name}:", keys);
        }

        return keys;
    }

    private static void Collect(Type type, string prefix, List<string> keys)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var t = property.PropertyType;
            if (t.IsClass && t != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(t))
            {
                Collect(t, $"{prefix}{property.Name}:", keys);
            }
            else if (!keys.Contains(prefix + property.Name))
            {
                keys.Add(prefix + property.Name);
            }
        }
    }

    private static void CheckNested(IConfigurationSection section, Type type)
    {
        if (type.IsPrimitive || type == typeof(string) || type.IsEnum || type == typeof(TimeSpan) || Nullable.GetUnderlyingType(type) is not null || type == typeof(decimal))
        {
            return;
        }

        if (typeof(IEnumerable).IsAssignableFrom(type))
        {
            // Lists (ReservedNames:0, ...) and their items: item types are checked like any other.
            var item = type.IsGenericType ? type.GetGenericArguments()[^1] : typeof(object);
            foreach (var child in section.GetChildren())
            {
                CheckNested(child, item);
            }

            return;
        }

        foreach (var child in section.GetChildren())
        {
            var property = Property(type, child.Key) ?? throw new InvalidOperationException($"{child.Path}: unknown setting.");
            CheckNested(child, property.PropertyType);
        }
    }

    private static PropertyInfo? Property(Type type, string key)
        => type.GetProperty(key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { CanWrite: true } property ? property : null;
}
