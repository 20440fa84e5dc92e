using LocalRqa.Cli;
using LocalRqa.Display;

// Every writer to stderr goes through one console, so log lines and the live progress line never mix.
using var console = LiveConsole.ForStandardError();
console.Install();
return CommandLine.Run(args);
