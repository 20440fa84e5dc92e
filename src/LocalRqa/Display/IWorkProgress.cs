namespace LocalRqa.Display;

/// <summary>
/// Progress that also knows how much work each item was, for an ETA that holds when items differ in cost: the encoders
/// embed the longest texts first, so items per second rise through a pass and a count-based ETA overstates the rest.
/// </summary>
internal interface IWorkProgress : IProgress<int>
{
    /// <param name="done">items done (what is shown)</param>
    /// <param name="work">work done so far, in any unit (tokens)</param>
    /// <param name="totalWork">all the work, in the same unit</param>
    void Report(int done, long work, long totalWork);
}
