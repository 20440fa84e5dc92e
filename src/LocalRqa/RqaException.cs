namespace LocalRqa;

/// <summary>
/// An error caused by the user's input (a file, a flag, a model folder), not by a bug. The CLI prints its
/// message as one line and exits with code 2; every other exception is a bug and keeps its stack trace.
/// </summary>
public class RqaException : Exception
{
    /// <param name="message">one line saying what is wrong and, where it helps, what to do</param>
    public RqaException(string message) : base(message) { }

    /// <param name="message">one line saying what is wrong and, where it helps, what to do</param>
    /// <param name="inner">the exception that revealed it (an IOException, a JSON error)</param>
    public RqaException(string message, Exception inner) : base(message, inner) { }
}
