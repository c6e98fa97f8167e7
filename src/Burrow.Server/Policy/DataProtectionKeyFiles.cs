using System.Text;
using System.Xml.Linq;
using Burrow.Server.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Burrow.Server.Policy;

/// <summary>
/// The server's data-protection keys (they sign and encrypt single sign-on cookies and tickets), kept in
/// DATA/keys: the directory 0700 and each key file 0600 from its first byte, written atomically. Keys persist, so
/// sessions survive a restart. They are stored unencrypted, like the account database beside them: the data
/// directory's modes are what protects them (docs/security.md).
/// </summary>
internal sealed class DataProtectionKeyFiles : IXmlRepository
{
    private readonly string _directory;

    public DataProtectionKeyFiles(string directory)
    {
        _directory = directory;
    }

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        if (!Directory.Exists(_directory))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(_directory, "*.xml").Order(StringComparer.Ordinal).Select(XElement.Load)];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(_directory);
        }
        else
        {
            Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var safe = friendlyName.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && friendlyName.Length is > 0 and <= 64 ? friendlyName : Guid.NewGuid().ToString("N");
        SecretFile.WriteAtomically(Path.Combine(_directory, $"key-{safe}.xml"), element.ToString(SaveOptions.DisableFormatting), secret: true);
    }
}
