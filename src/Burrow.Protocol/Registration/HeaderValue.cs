namespace Burrow.Protocol.Registration;

/// <summary>A header name and value, as in <c>--request-header-add 'Name: value'</c>.</summary>
public sealed record HeaderValue(string? Name, string? Value);
