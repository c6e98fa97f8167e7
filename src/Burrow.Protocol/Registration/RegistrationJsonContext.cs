using System.Text.Json.Serialization;

namespace Burrow.Protocol.Registration;

/// <summary>Source-generated JSON for the registration API (camelCase, as the API documents).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RegistrationRequest))]
[JsonSerializable(typeof(RegistrationResponse))]
public sealed partial class RegistrationJsonContext : JsonSerializerContext;
