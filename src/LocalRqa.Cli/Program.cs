Console.WriteLine("rqa");
