namespace Burrow.BenchTools.Tunnels;

/// <summary>The server answered a registration with something other than 201; the message carries status and detail.</summary>
internal sealed class RegistrationRefusedException(int status, string detail)
    : Exception($"registration answered {status}: {detail}")
{
    public int Status { get; } = status;
}
