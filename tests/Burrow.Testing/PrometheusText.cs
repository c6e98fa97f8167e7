using System.Globalization;

namespace Burrow.Testing;

/// <summary>
/// A scrape in the Prometheus text exposition format (version 0.0.4), parsed: every sample line as a metric name,
/// its labels and its value; comments (# HELP, # TYPE) are kept by name. Strict enough to fail on a malformed line.
/// </summary>
public sealed class PrometheusText
{
    private PrometheusText(IReadOnlyList<PrometheusSample> samples, IReadOnlyDictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>Metric family name to its # TYPE (counter, gauge, histogram, ...).</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public static async Task<PrometheusText> ScrapeAsync(HttpClient client, Uri metrics)
    {
        using var response = await client.GetAsync(metrics);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {metrics} answered {(int)response.StatusCode}: {text}");
        }

        return Parse(text);
    }

    public static PrometheusText Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                types[parts[0]] = parts[1];
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            samples.Add(ParseSample(line));
        }

        return new PrometheusText(samples, types);
    }

    /// <summary>The value of the one sample named <paramref name="name"/> with (at least) these labels; throws if none or several.</summary>
    public double Value(string name, params (string Label, string Value)[] labels)
    {
        var matches = Find(name, labels).ToList();
        return matches.Count switch
        {
            1 => matches[0].Value,
            0 => throw new KeyNotFoundException($"No sample {name}{{{string.Join(',', labels.Select(l => $"{l.Label}=\"{l.Value}\""))}}} in the scrape."),
            _ => throw new InvalidOperationException($"{matches.Count} samples match {name}."),
        };
    }

    /// <summary>The value, or null when there is no such sample.</summary>
    public double? ValueOrNull(string name, params (string Label, string Value)[] labels)
        => Find(name, labels).Select(s => (double?)s.Value).FirstOrDefault();

    public IEnumerable<PrometheusSample> Find(string name, params (string Label, string Value)[] labels)
        => Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value));

    private static PrometheusSample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        string name;
        int rest;
        if (brace >= 0 && brace < space)
        {
            name = line[..brace];
            var i = brace + 1;
            while (line[i] != '}')
            {
                var equals = line.IndexOf('=', i);
                var label = line[i..equals];
                if (line[equals + 1] != '"')
                {
                    throw new FormatException($"Malformed label in: {line}");
                }

                var value = new System.Text.StringBuilder();
                var j = equals + 2;
                for (; line[j] != '"'; j++)
                {
                    if (line[j] == '\\')
                    {
                        j++;
                        value.Append(line[j] == 'n' ? '\n' : line[j]);
                    }
                    else
                    {
                        value.Append(line[j]);
                    }
                }

                labels[label] = value.ToString();
                i = j + 1;
                if (line[i] == ',')
                {
                    i++;
                }
            }

            rest = i + 1;
        }
        else
        {
            name = line[..space];
            rest = space;
        }

        var fields = line[rest..].Trim().Split(' ');
        var number = fields[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, number);
    }
}
