using Rapport.Cli;

return await RapportCli.RunAsync(args, Console.Out, Console.Error, errorIsTerminal: !Console.IsErrorRedirected);
