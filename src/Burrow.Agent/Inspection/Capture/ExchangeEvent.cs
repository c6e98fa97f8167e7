namespace Burrow.Agent.Inspection.Capture;

/// <summary>What a live subscriber hears: an exchange appeared or changed, or the list was cleared.</summary>
internal readonly record struct ExchangeEvent(ExchangeEventKind Kind, CapturedExchange? Exchange);

internal enum ExchangeEventKind
{
    Updated,
    Cleared,
}
