return await Rapport.LoadTest.LoadTestCommand.RunAsync(args);
