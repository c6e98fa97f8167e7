namespace Burrow.Agent.Inspection.Display;

/// <summary>How a body is shown.</summary>
internal enum BodyKind
{
    Empty,
    Json,
    Form,
    Xml,
    Text,
    Image,
    Binary,
}
