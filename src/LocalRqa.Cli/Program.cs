using LocalRqa.Cli;

return CommandLine.Run(args);
