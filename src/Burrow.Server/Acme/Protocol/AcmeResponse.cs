using System.Net;

namespace Burrow.Server.Acme.Protocol;

/// <summary>A successful answer from the CA: status, the headers ACME uses, and the body.</summary>
internal sealed record AcmeResponse(HttpStatusCode Status, Uri? Location, TimeSpan? RetryAfter, byte[] Body);
