using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SyncLog.Cli.Tests;

/// <summary>Self-signed certificates made at run time for the TLS specs (none is committed).</summary>
internal static class TestCertificates
{
    public const string Password = "test-password";

    /// <summary>A new self-signed certificate with its private key, as a PKCS#12 file would load it.</summary>
    public static X509Certificate2 Create(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        // Through PKCS#12, as from a file: an ephemeral key cannot serve TLS on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12, Password), Password);
    }

    /// <summary>Writes <paramref name="certificate"/> as a password-protected .pfx file.</summary>
    public static string WritePfx(X509Certificate2 certificate, string dir)
    {
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, Password));
        return path;
    }
}
