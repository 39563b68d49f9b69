namespace Rapport.Cli;

/// <summary>
/// What every command writes to. Commands never touch <see cref="Console"/> directly, so tests run the
/// real command tree in-process and read exactly what a user would see.
/// </summary>
/// <param name="ErrorIsTerminal">True when stderr is a terminal: progress lines are written only then.</param>
public sealed record CliContext(TextWriter Output, TextWriter Error, bool ErrorIsTerminal = false);
