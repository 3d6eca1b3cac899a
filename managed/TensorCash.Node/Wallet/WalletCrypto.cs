using System.Security.Cryptography;
using System.Text;

namespace TensorCash.Node.Wallet;

/// <summary>
/// Passphrase encryption of the wallet's secrets. The key is PBKDF2-HMAC-SHA512 (the BCL has no scrypt or Argon2)
/// over the UTF-8 passphrase with a random 16-byte salt and <see cref="DefaultIterations"/> iterations (OWASP's 2023
/// figure for PBKDF2-SHA512), 32 bytes long; the cipher is AES-256-GCM with a random 12-byte nonce and a 16-byte tag,
/// the associated data binding the ciphertext to this format. A wrong passphrase fails the tag check.
/// </summary>
public static class WalletCrypto
{
    public const int DefaultIterations = 210_000;
    /// <summary>Below this an encrypted file is refused on load (it would be cheap to brute force); tests use it.</summary>
    public const int MinimumIterations = 1_000;
    public const int SaltSize = 16;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    private static readonly byte[] AssociatedData = "tensorcash-wallet-secrets-v2"u8.ToArray();

    public static WalletEncryption Encrypt(byte[] plaintext, string passphrase, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var key = DeriveKey(passphrase, salt, iterations);
        try
        {
            var ciphertext = new byte[plaintext.Length];
            var tag = new byte[TagSize];
            using var aes = new AesGcm(key, TagSize);
            aes.Encrypt(nonce, plaintext, ciphertext, tag, AssociatedData);
            return new WalletEncryption(iterations, salt, nonce, ciphertext, tag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The plaintext, or a <see cref="WalletError.WrongPassphrase"/> failure.</summary>
    public static byte[] Decrypt(WalletEncryption encryption, string passphrase)
    {
        var key = DeriveKey(passphrase, encryption.Salt, encryption.Iterations);
        try
        {
            var plaintext = new byte[encryption.Ciphertext.Length];
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(encryption.Nonce, encryption.Ciphertext, encryption.Tag, plaintext, AssociatedData);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new WalletException(WalletError.WrongPassphrase, "The wallet passphrase entered was incorrect.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] DeriveKey(string passphrase, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(passphrase), salt, iterations, HashAlgorithmName.SHA512, 32);
}
