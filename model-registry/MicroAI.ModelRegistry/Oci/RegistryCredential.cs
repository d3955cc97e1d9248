namespace MicroAI.ModelRegistry.Oci;

/// <summary>A user name and password (or token) for one registry.</summary>
public sealed record RegistryCredential(string Username, string Password)
{
    public string ToBasic() => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Username + ":" + Password));

    /// <summary>Docker's <c>auth</c> field: base64 of "user:password".</summary>
    public static RegistryCredential? FromBasic(string? auth)
    {
        if (string.IsNullOrEmpty(auth))
            return null;
        try
        {
            var text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            var colon = text.IndexOf(':');
            return colon <= 0 ? null : new RegistryCredential(text[..colon], text[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public override string ToString() => $"{Username}:***";
}
