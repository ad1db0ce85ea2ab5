namespace Ciro.Messages;

/// <summary>A message one Ciro service sends the others and the dashboard. Each concrete type travels on its own
/// channel (<see cref="MessageChannels"/>), so the payload carries no type tag.</summary>
public abstract record CiroMessage;
