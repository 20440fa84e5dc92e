namespace LocalRqa.Hub;

/// <summary>
/// What a user can do when the hub cannot give a model (no such repo, no network): the ways rqa gets a model without
/// downloading it, ending every failed-download message.
/// </summary>
internal static class HubOfflineAdvice
{
    public static string Text(HubSettings settings) =>
        "to work without the hub: pass a local model folder, or copy the model into the Hugging Face cache at " +
        $"{settings.CacheRoot} (HF_HUB_CACHE) and set HF_HUB_OFFLINE=1" +
        (settings.BuiltInModels.Count > 0 ? $", or use a built-in model ({string.Join(", ", settings.BuiltInModels)})" : "");
}
